#!/usr/bin/env python3
"""hostile-http.py: hostile HTTP/1.1 against one chirp process, table-driven.

    hostile-http.py NAME PORT KIND [TOKEN USERID]

KIND says which routes the process has: userd, tweetd, discovery or
gateway. Each case opens its own connection and sends raw bytes; the
answer must be a 4xx status or a clean close (no 2xx, 3xx or 5xx, no
hang), and right after it the process must answer GET /status. The
slow-sender case trickles a header a byte a second: the process must cut
it off within a bound while answering other clients meanwhile. One line
per check on stdout: "ok DESC" or "not ok DESC: why".
"""
import concurrent.futures
import json
import socket
import sys
import threading
import time

NAME, PORT, KIND = sys.argv[1], int(sys.argv[2]), sys.argv[3]
TOKEN = sys.argv[4] if len(sys.argv) > 4 else "x.y.z"
USERID = sys.argv[5] if len(sys.argv) > 5 else "1"
HOST = "127.0.0.1"
SLOW_BOUND = 45            # seconds a trickled request may live
# A request that never completes may be held until the services' request
# deadline (30 s) cuts it: a clean close in bounded time.
CASE_TIMEOUT = SLOW_BOUND
lock = threading.Lock()


def say(ok, desc, why=""):
    with lock:
        if ok:
            print("ok %s: %s" % (NAME, desc))
        else:
            print("not ok %s: %s: %s" % (NAME, desc, why))
        sys.stdout.flush()


def exchange(data, timeout=10.0, shut=False):
    """Send data; the status code of the answer, 0 for a clean close,
    None for a hang, -1 for a reset."""
    s = socket.create_connection((HOST, PORT), timeout=timeout)
    try:
        try:
            s.sendall(data)
            if shut:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused while we sent: what it answered is what counts
        buf = b""
        end = time.time() + timeout
        while b"\r\n" not in buf:
            if time.time() > end:
                return None
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                return None
            except ConnectionResetError:
                return -1 if not buf else 0
            if not chunk:
                break
            buf += chunk
        if not buf:
            return 0
        line = buf.split(b"\r\n", 1)[0].split(b" ")
        if len(line) >= 2 and line[0].startswith(b"HTTP/") and line[1].isdigit():
            return int(line[1])
        return 999
    finally:
        s.close()


def healthy():
    try:
        return exchange(b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                        timeout=5) == 200
    except OSError:
        return False


def req(method, path, headers=(), body=None, extra=b""):
    h = [b"%s %s HTTP/1.1" % (method.encode(), path), b"Host: x"]
    h += [x if isinstance(x, bytes) else x.encode() for x in headers]
    if body is not None and not any(x.lower().startswith(b"content-length")
                                    or x.lower().startswith(b"transfer-encoding")
                                    for x in [y if isinstance(y, bytes) else y.encode() for y in headers]):
        h.append(b"Content-Length: %d" % len(body))
    h.append(b"Connection: close")
    return b"\r\n".join(h) + b"\r\n\r\n" + (body or b"") + extra


AUTH = "Authorization: Bearer " + TOKEN
JT = "Content-Type: application/json"
# Where JSON bodies go and what a body looks like, per process.
if KIND == "userd" or KIND == "gateway":
    JPATH, JAUTH = b"/users/register", []
    def jbody(v): return {"username": v, "password": "password123"}
    IDPATH = b"/users/%s"
    LIST = b"/users/%s/followers?limit=%s" % (USERID.encode(), b"%s")
elif KIND == "tweetd":
    JPATH, JAUTH = b"/tweets", [AUTH]
    def jbody(v): return {"userId": USERID, "content": v}
    IDPATH = b"/tweets/%s"
    LIST = b"/tweets/userTimeline/%s?limit=%s" % (USERID.encode(), b"%s")
else:
    JPATH, JAUTH = b"/services", []
    def jbody(v): return {"type": v, "host": "127.0.0.1", "port": 1}
    IDPATH = b"/services?type=%s"
    LIST = b"/services?type=user&limit=%s"
if KIND == "gateway":
    LIST = b"/tweets/userTimeline/%s?limit=%s" % (USERID.encode(), b"%s")
    IDPATH = b"/tweets/%s"


def jpost(raw):
    return req("POST", JPATH, [JT] + JAUTH, raw)


deep = b"[" * 10000 + b"]" * 10000
cases = [
    # malformed request lines
    ("garbage request line", b"GARBAGE\r\n\r\n"),
    ("method only", b"GET\r\n\r\n"),
    ("unknown HTTP version", b"GET /status HTTP/9.9\r\nHost: x\r\n\r\n"),
    ("four words", b"GET /status HTTP/1.1 extra\r\nHost: x\r\n\r\n"),
    ("binary request line", b"\x00\x01\x02\xff\r\n\r\n"),
    ("64 KiB URI", b"GET /" + b"a" * 65536 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("space-less header", b"GET /status HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n"),
    # huge and many headers
    ("one 64 KiB header", req("GET", IDPATH % b"1", ["X-Big: " + "b" * 65536])),
    ("1000 headers", req("GET", IDPATH % b"1", ["X-H%d: v" % i for i in range(1000)])),
    # duplicates
    ("two different Content-Length", req("POST", JPATH, [JT] + JAUTH + [
        "Content-Length: 5", "Content-Length: 50"], b"{}xyz")),
    ("two Authorization", req("POST", JPATH, [JT, AUTH, "Authorization: Bearer a.b.c"],
                              json.dumps(jbody("")).encode())),
    # chunked bodies that lie
    ("chunk size that overflows", req("POST", JPATH, [JT, "Transfer-Encoding: chunked"] + JAUTH,
                                      b"FFFFFFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n")),
    ("chunk longer than sent", (req("POST", JPATH, [JT, "Transfer-Encoding: chunked"] + JAUTH,
                                    b"100\r\n{\"a\":1}"), "shut")),
    ("chunk size not hex", req("POST", JPATH, [JT, "Transfer-Encoding: chunked"] + JAUTH,
                               b"zz\r\n{}\r\n0\r\n\r\n")),
    ("chunked and Content-Length", req("POST", JPATH, [JT, "Transfer-Encoding: chunked",
                                                       "Content-Length: 4"] + JAUTH,
                                       b"2\r\n{}\r\n0\r\n\r\n")),
    ("Content-Length larger than sent", (req("POST", JPATH, [JT, "Content-Length: 1000"] + JAUTH,
                                             b"{}"), "shut")),
    ("Content-Length that overflows", req("POST", JPATH, [JT] + JAUTH + [
        "Content-Length: 99999999999999999999999999"], b"{}")),
    ("negative Content-Length", req("POST", JPATH, [JT] + JAUTH + ["Content-Length: -1"], b"{}")),
    # JSON bodies
    ("invalid UTF-8 in a JSON string", jpost(json.dumps(jbody("X")).encode().replace(b"X", b"\xff\xfe\xc0\xaf"))),
    ("invalid UTF-8 outside strings", jpost(b"{\xff: 1}")),
    ("10,000 nested arrays", jpost(deep)),
    ("10,000 nested objects", jpost(b'{"a":' * 10000 + b"1" + b"}" * 10000)),
    ("duplicate JSON keys", jpost(json.dumps(jbody("aaa")).encode()[:-1] + b', "%s": "bbb"}' %
                                  list(jbody("aaa").keys())[0].encode())),
    ("a NUL byte in a JSON string", jpost(json.dumps(jbody("ab\u0000cd")).encode())),
    ("a raw NUL byte in the body", jpost(b'{"a":\x00"b"}')),
    ("a JSON number of 400 digits", jpost(json.dumps(jbody("x")).encode()[:-1] + b', "n": 1' + b"0" * 400 + b"}")),
    ("JSON that is not an object", jpost(b'"just a string"')),
    ("empty JSON body", jpost(b"")),
    # numbers out of range and NULs in the path and query
    ("%00 in the path", req("GET", IDPATH % b"1%00")),
    ("a raw NUL in the path", req("GET", IDPATH % b"1\x002")),
    ("%00 in the query", req("GET", LIST % b"1%00")),
    ("%0a in the query", req("GET", LIST % b"1%0a")),
]
if KIND != "discovery":   # discovery has no ids or limits
    cases += [
        ("an id of 30 digits", req("GET", IDPATH % b"123456789012345678901234567890")),
        ("a negative id", req("GET", IDPATH % b"-1")),
        ("limit=1e400", req("GET", LIST % b"1e400")),
        ("limit=-1", req("GET", LIST % b"-1")),
        ("limit of 30 digits", req("GET", LIST % b"999999999999999999999999999999")),
    ]
if KIND in ("tweetd", "gateway"):   # timelines take before=
    cases += [
        ("before of 30 digits", req("GET", (LIST % b"5") + b"&before=999999999999999999999999999999")),
        ("before=-5", req("GET", (LIST % b"5") + b"&before=-5")),
    ]

# Answers that are right although not 4xx: 505 is the status for an HTTP
# version a server does not speak.
ALSO = {"unknown HTTP version": (505,)}


def one(case):
    desc, data = case
    shut = False
    if isinstance(data, tuple):
        data, shut = data[0], True
    t0 = time.time()
    try:
        st = exchange(data, timeout=CASE_TIMEOUT, shut=shut)
    except OSError as e:
        st = "error %s" % e
    good = st == 0 or (isinstance(st, int) and 400 <= st < 500) or st in ALSO.get(desc, ())
    if st == -1:
        good, st = True, "reset"   # a reset is a refusal too
    say(good, desc, "answered %s after %.0f s" % (st, time.time() - t0))
    say(healthy(), desc + ", then /status answers", "no 200 from /status")


# All at once: the ones that hang until the deadline overlap.
with concurrent.futures.ThreadPoolExecutor(max_workers=len(cases)) as ex:
    list(ex.map(one, cases))

# Slow senders: a header a byte a second must be cut within SLOW_BOUND
# while other clients get their answers.
def slowloris(result):
    s = socket.create_connection((HOST, PORT), timeout=5)
    start = time.time()
    try:
        s.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\n")
        header = b"X-Slow: " + b"s" * 200
        i = 0
        while time.time() - start < SLOW_BOUND + 30:
            try:
                s.sendall(header[i % len(header):i % len(header) + 1])
            except OSError:
                break
            i += 1
            time.sleep(1)
            s.settimeout(0.01)
            try:
                if s.recv(4096) == b"":
                    break
            except socket.timeout:
                pass
            except OSError:
                break
    finally:
        s.close()
    result.append(time.time() - start)

slow = []
threads = [threading.Thread(target=slowloris, args=(slow,)) for _ in range(8)]
for t in threads:
    t.start()
time.sleep(2)
served, slowest = 0, 0.0
for _ in range(10):
    t0 = time.time()
    if healthy():
        served += 1
    slowest = max(slowest, time.time() - t0)
    time.sleep(0.5)
say(served == 10 and slowest < 3, "other clients are served during 8 slow senders",
    "%d of 10 answered, slowest %.1fs" % (served, slowest))
for t in threads:
    t.join()
say(all(x <= SLOW_BOUND for x in slow), "slow senders are cut off within %ds" % SLOW_BOUND,
    "they lasted %s s" % ", ".join("%.0f" % x for x in slow))
say(healthy(), "after the slow senders /status answers", "no 200")
