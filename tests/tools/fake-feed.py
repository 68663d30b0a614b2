#!/usr/bin/python3
"""fake-feed.py: a fake chirp gateway that plays a scripted live feed.

    fake-feed.py PORT SCENARIO.json LOG

For the clients' side of the live feed (chirp watch, chirp-tui) against a
server that sends cursors, deletes and resets on cue. Standard library
only: the WebSocket server side (RFC 6455 handshake and frames) is done by
hand. Loopback only; it stops when killed.

SCENARIO:

    {"token": "T",                        Bearer token every call needs
     "user": {"userId": "1", "username": "alice"},
     "tweets": {"5": {"userId": "2", "username": "bob", "content": "hi"}},
     "timeline": ["5", ...],              home timeline ids at the start
     "connections": [                     one step per /ws connection
        {"expect": {"cursor": "t3"},      the query it must carry, exactly
         "timeline": ["6", "5"],          home timeline from now on
         "wait": "PATH",                  send nothing until PATH exists
         "frames": [{"type": "tweet", "id": "5", "cursor": "t1"},
                    {"type": "delete", "tweetId": "4", "cursor": "t2"},
                    {"type": "reset"}, ...],
         "until": "PATH",                 then hold until PATH exists
         "hold": true}]}                  or hold for good (default: close)

A tweet frame names its tweet by "id" in "tweets"; the server sends the
whole tweet object. A connection whose query is not the one expected is
refused with 400 and the step stays (so the test sees the refusal in LOG).
After the last step every further connection gets "ready" and is held.

LOG, one line per event: "ws N QUERY" for an accepted connection, "ws N
REFUSED QUERY" for a refused one, "GET PATH" for a REST call.

REST: GET /tweets/homeTimeline/{userId}?limit=&before=, GET
/tweets/userTimeline/{id}, GET /users/{id}, GET /users/{id}/followings,
GET /users/{id}/followers; anything else is 404.
"""
import base64
import hashlib
import json
import os
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
STAMP = "2026-01-02T03:04:05.000Z"

LOCK = threading.Lock()
STATE = {"conn": 0, "step": 0}


def log(line):
    with LOCK, open(sys.argv[3], "a") as f:
        f.write(line + "\n")


def tweet(sc, tid):
    t = dict(sc["tweets"][tid])
    t.setdefault("timestamp", STAMP)
    t["tweetId"] = tid
    return t


def frame(payload, opcode=1):
    """One unmasked server frame."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    return head + payload


def read_frame(f):
    """One client frame: (opcode, payload), or None at the end."""
    head = f.read(2)
    if len(head) < 2:
        return None
    op, n = head[0] & 0x0F, head[1] & 0x7F
    if n == 126:
        n = struct.unpack("!H", f.read(2))[0]
    elif n == 127:
        n = struct.unpack("!Q", f.read(8))[0]
    if n > 1 << 20:
        return None
    mask = f.read(4) if head[1] & 0x80 else b"\0\0\0\0"
    data = bytearray(f.read(n))
    for i in range(len(data)):
        data[i] ^= mask[i % 4]
    return op, bytes(data)


def wait_for(path):
    while not os.path.exists(path):
        time.sleep(0.05)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, message):
        self.answer(status, {"error": code, "message": message})

    def authorized(self):
        if self.headers.get("Authorization") == "Bearer " + SC["token"]:
            return True
        self.error(401, "unauthorized", "bad token")
        return False

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/status":
            return self.answer(200, {"status": "ok"})
        if url.path == "/ws":
            return self.feed(url.query)
        log("GET " + self.path)
        if not self.authorized():
            return
        q = dict(parse_qsl(url.query))
        parts = url.path.strip("/").split("/")
        uid = SC["user"]["userId"]
        if parts[:2] in (["tweets", "homeTimeline"],
                         ["tweets", "userTimeline"]) and len(parts) == 3:
            with LOCK:
                ids = list(STATE.get("timeline", SC.get("timeline", [])))
            ts = [tweet(SC, i) for i in ids]
            if parts[1] == "userTimeline":
                ts = [t for t in ts if t["userId"] == parts[2]]
            ts.sort(key=lambda t: -int(t["tweetId"]))
            if "before" in q:
                ts = [t for t in ts if int(t["tweetId"]) < int(q["before"])]
            return self.answer(200, {"tweets": ts[:int(q.get("limit", 20))]})
        if parts[:1] == ["users"] and len(parts) == 2:
            u = dict(SC["user"])
            u.update({"userId": parts[1], "createdAt": STAMP,
                      "followersCount": 0, "followingsCount": 0})
            return self.answer(200, u)
        if parts[:1] == ["users"] and len(parts) == 3 and parts[1] == uid:
            return self.answer(200, {parts[2]: [], "nextCursor": None})
        self.error(404, "not_found", "no such route in the fake")

    def feed(self, query):
        if not self.authorized():
            return
        got = dict(parse_qsl(query, keep_blank_values=True))
        steps = SC["connections"]
        with LOCK:
            STATE["conn"] += 1
            n = STATE["conn"]
            step = steps[STATE["step"]] if STATE["step"] < len(steps) \
                else {"frames": [{"type": "ready", "cursor": "end"}],
                      "hold": True, "expect": got}
            ok = step.get("expect", {}) == got
            if ok:
                STATE["step"] += 1
                if "timeline" in step:
                    STATE["timeline"] = step["timeline"]
        if not ok:
            log("ws %d REFUSED %s" % (n, query))
            return self.error(400, "bad_request", "not the expected query")
        log("ws %d %s" % (n, query))
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1(
            (key + GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        if "wait" in step:
            wait_for(step["wait"])
        for f in step.get("frames", []):
            f = dict(f)
            if f.get("type") == "tweet" and "id" in f:
                f["tweet"] = tweet(SC, f.pop("id"))
            self.wfile.write(frame(json.dumps(f, separators=(",", ":"))
                                   .encode()))
            self.wfile.flush()
        if "until" in step:
            wait_for(step["until"])
        elif step.get("hold"):
            # answer pings until the client goes
            while True:
                fr = read_frame(self.rfile)
                if fr is None or fr[0] == 8:
                    break
                if fr[0] == 9:
                    self.wfile.write(frame(fr[1], 10))
                    self.wfile.flush()
        try:
            self.wfile.write(frame(struct.pack("!H", 1001), 8))
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True


if __name__ == "__main__":
    with open(sys.argv[2]) as f:
        SC = json.load(f)
    ThreadingHTTPServer.daemon_threads = True
    srv = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    srv.serve_forever()
