#!/usr/bin/env python3
"""hostile-api.py: a fake chirp gateway that answers with hostile strings.

    hostile-api.py PORT

Answers the REST calls chirp and chirp-tui make with JSON whose strings
(usernames, ids, tweet content, error codes and messages) hold terminal
escape sequences, C1 controls, bidi overrides and the like: what a
malicious or compromised server could send, including what the real
services refuse to store. Loopback only; it stops when killed.

    GET /users?username=evil      a user with a hostile name
    GET /users?username=refused   400 with a hostile error and message
    GET /users/1                  the same user
    GET /users/1/followers ...    hostile user names
    GET /tweets/*Timeline/1       hostile tweets
    GET /tweets/homeTimeline/2    401 with a hostile message
    anything else                 500 with a hostile message
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TITLE = "\x1b]0;pwned\x07"          # set the window title
CLEAR = "\x1b[2J"                   # clear the screen
RED = "\x1b[31m"
RLO = "\u202e"                      # right-to-left override
LRI = "\u2066"
RLM = "\u200f"
CSI8 = "\u009b"                     # a C1 CSI
# Short enough for a username (32 bytes) that a client keeps.
SHORT = "pwned" + "\x1b]0;x\x07" + RLO + CLEAR + CSI8
HOSTILE = TITLE + "title" + CLEAR + "clear" + RLO + "evil" + LRI + RLM + CSI8 + "2J" + RED + "red"


def user():
    return {"userId": "1", "username": "pwned" + HOSTILE,
            "displayName": "pwned name " + HOSTILE,
            "bio": "pwned bio " + HOSTILE + "\nbio two " + RLO + "dne",
            "createdAt": "2026-01-02T03:04:05.000Z",
            "followersCount": 1, "followingsCount": 2, "tweetsCount": 3}


def tweet(i, tid):
    return {"tweetId": tid, "userId": "1", "username": SHORT,
            "content": "pwned body " + str(i) + " " + HOSTILE + "\nline two " + RLO + "dne",
            "timestamp": "2026-01-02T03:04:05.000Z"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, obj):
        body = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def refuse(self, status, code):
        self.answer(status, {"error": code + HOSTILE,
                             "message": "pwned message " + HOSTILE})

    def do_GET(self):
        p = self.path
        if p.startswith("/users?username=evil"):
            return self.answer(200, user())
        if p.startswith("/users?username=refused"):
            return self.refuse(400, "bad_request")
        if p.startswith("/users/1/followers") or p.startswith("/users/1/followings"):
            return self.answer(200, {
                "followers": ["1"], "followings": ["1"],
                "users": [{"userId": "1", "username": "pwned" + HOSTILE}],
                "nextCursor": None})
        if p == "/users/1":
            return self.answer(200, user())
        if p.startswith("/tweets/homeTimeline/2"):
            return self.refuse(401, "unauthorized")
        if p.startswith("/tweets/userTimeline/1") or p.startswith("/tweets/homeTimeline/1"):
            if "before=" in p:
                return self.answer(200, {"tweets": []})
            # A hostile tweetId too: the CLI shows it, the model refuses it.
            return self.answer(200, {"tweets": [tweet(1, "11"), tweet(2, "12"),
                                                tweet(3, "13" + TITLE)]})
        return self.refuse(500, "internal")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        self.refuse(500, "internal")

    do_DELETE = do_POST


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
