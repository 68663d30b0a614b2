# tests/security/keepalive.py PORT MODE REQUEST...: send HTTP/1.1 requests
# to the gateway over one kept-alive connection, and print one line per
# answer: "STATUS close" when the answer says Connection: close, else
# "STATUS keep", then the body line "  BODY". After the last answer the
# last line says how the connection ended: "open" (still open, nothing
# more came), "closed" (the gateway closed it), or, when an awaited answer
# never came, "hang". Each REQUEST is Python escapes (\r \n) of its bytes.
#
# MODE seq: one request at a time, each sent once the one before is
# answered, as a client that keeps the connection alive does. A client
# honours Connection: close: the requests left go on a new connection
# ("reconnect" is printed), where they must be answered too.
# MODE pipe: every request sent at once; the answers are read in order
# until they are all in, the connection closes, or nothing comes for a
# while.
import socket
import sys
import time

PORT = int(sys.argv[1])
MODE = sys.argv[2]
REQS = [a.encode().decode("unicode_escape").encode("latin-1")
        for a in sys.argv[3:]]
WAIT = 4.0      # seconds an answer may take before it is a hang


def connect():
    return socket.create_connection(("127.0.0.1", PORT), timeout=WAIT)


class Reader:
    def __init__(self, s):
        self.s, self.buf, self.eof = s, b"", False

    def fill(self):
        """More bytes; False on a close, None on a timeout."""
        try:
            d = self.s.recv(65536)
        except socket.timeout:
            return None
        except ConnectionResetError:
            d = b""
        if not d:
            self.eof = True
            return False
        self.buf += d
        return True

    def answer(self):
        """(status, close, body) of the next answer, or "closed"/"hang"."""
        while b"\r\n\r\n" not in self.buf:
            r = self.fill()
            if r is None:
                return "hang"
            if r is False:
                return "closed"
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ")[1])
        length, close = 0, False
        for l in lines[1:]:
            name, _, value = l.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value == b"close":
                close = True
        while len(self.buf) < length:
            r = self.fill()
            if r is None:
                return "hang"
            if r is False:
                return "closed"
        body, self.buf = self.buf[:length], self.buf[length:]
        return status, close, body

    def end(self):
        """How the connection stands once the answers are read."""
        if self.buf:
            return "extra bytes"
        self.s.settimeout(1.0)
        r = self.fill()
        if r is None:
            return "open"
        return "closed" if r is False else "extra bytes"


def show(a):
    status, close, body = a
    print("%d %s" % (status, "close" if close else "keep"))
    print("  " + body.decode("utf-8", "replace"))


def seq():
    rd = Reader(connect())
    closing = False
    for req in REQS:
        if closing:
            # the answer said close: the gateway must have closed it
            e = rd.end()
            print(e)
            if e != "closed":
                return
            print("reconnect")
            rd = Reader(connect())
        rd.s.sendall(req)
        a = rd.answer()
        if isinstance(a, str):
            print(a)
            return
        show(a)
        closing = a[1]
    print(rd.end())


def pipe():
    s = connect()
    s.sendall(b"".join(REQS))
    rd = Reader(s)
    for _ in REQS:
        a = rd.answer()
        if isinstance(a, str):
            print(a)
            return
        show(a)
        if a[1]:
            break
    print(rd.end())


{"seq": seq, "pipe": pipe}[MODE]()
