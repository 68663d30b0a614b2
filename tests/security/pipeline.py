# tests/security/pipeline.py PORT SPLIT REQUEST...: send HTTP/1.1 requests
# to the gateway pipelined on one connection, all in one write (SPLIT 0)
# or as two writes, the first SPLIT bytes, then the rest 20 ms later.
# Each REQUEST is Python escapes (\r \n) of its bytes. Prints the status
# of each answer read, comma-separated, then how the connection ended:
# "closed" (the gateway closed it, cleanly or not), "open" (all answered,
# nothing more came) or "hang" (an awaited answer did not come in 4 s).
import socket
import sys
import time

PORT, SPLIT = int(sys.argv[1]), int(sys.argv[2])
REQS = [a.encode().decode("unicode_escape").encode("latin-1")
        for a in sys.argv[3:]]
data = b"".join(REQS)
s = socket.create_connection(("127.0.0.1", PORT), timeout=4.0)
if SPLIT > 0:
    s.sendall(data[:SPLIT])
    time.sleep(0.02)
    s.sendall(data[SPLIT:])
else:
    s.sendall(data)
buf, out, end = b"", [], None


def fill():
    global buf
    try:
        d = s.recv(65536)
    except socket.timeout:
        return None
    except ConnectionResetError:
        return False
    if not d:
        return False
    buf += d
    return True


while len(out) < len(REQS) and end is None:
    while b"\r\n\r\n" not in buf and end is None:
        r = fill()
        end = "hang" if r is None else ("closed" if r is False else None)
    if end is not None:
        break
    head, rest = buf.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length and end is None:
        buf = head + b"\r\n\r\n" + rest
        r = fill()
        end = "hang" if r is None else ("closed" if r is False else None)
        head, rest = buf.split(b"\r\n\r\n", 1)
    if end is not None:
        break
    out.append(head.split(b"\r\n")[0].split(b" ")[1].decode())
    buf = rest[length:]
if end is None:
    s.settimeout(1.0)
    r = fill()
    end = "open" if r is None else ("closed" if r is False else "extra")
print(",".join(out + [end]))
