#!/usr/bin/env python3
"""drop-first-answer.py: a one-purpose HTTP proxy for tests.

    drop-first-answer.py LISTEN_PORT UPSTREAM_PORT LOG

Forwards every request on LISTEN_PORT to 127.0.0.1:UPSTREAM_PORT, but for
the first POST it closes the client's connection after the upstream has
answered, without passing the answer on: a network failure after the
server acted. Each request's method, path and Idempotency-Key go to LOG,
one line each. Loopback only; it stops when killed.
"""
import socket
import sys
import threading

listen_port, upstream_port, log_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
dropped = threading.Event()
lock = threading.Lock()


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body


def handle(conn):
    with conn:
        req = read_request(conn)
        if req is None:
            return
        head, body = req
        lines = head.split(b"\r\n")
        method, path = lines[0].split(b" ")[:2]
        key = b"-"
        out = [lines[0]]
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"idempotency-key":
                key = value.strip()
            if name.strip().lower() != b"connection":
                out.append(line)
        out.append(b"Connection: close")
        with lock, open(log_path, "ab") as log:
            log.write(b"%s %s %s\n" % (method, path, key))
        up = socket.create_connection(("127.0.0.1", upstream_port))
        with up:
            up.sendall(b"\r\n".join(out) + b"\r\n\r\n" + body)
            answer = b""
            while True:
                chunk = up.recv(65536)
                if not chunk:
                    break
                answer += chunk
        if method == b"POST" and not dropped.is_set():
            dropped.set()
            return  # the server acted; the client never hears of it
        conn.sendall(answer)


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", listen_port))
srv.listen(16)
while True:
    c, _ = srv.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
