# tests/security/smuggle.py PORT MODE ARG...: send one attack request to the
# gateway and print the HTTP status it got ("closed" when the connection
# was dropped without an answer). MODE h2: over HTTP/2 after "Upgrade: h2c"
# ("declined" when the gateway stays in HTTP/1.1), header NAME VALUE (VALUE
# may hold CR/LF) on a POST to PATH; MODE h2pk: the same over HTTP/2 with
# prior knowledge. MODE raw: the bytes of ARG (Python escapes such as \r
# \n \x00) as they are.
import socket, sys
import h2.config, h2.connection, h2.events

def recv_all(s):
    out = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
            if b"\r\n\r\n" in out and b"Connection: Upgrade" not in out:
                head, _, body = out.partition(b"\r\n\r\n")
                for l in head.split(b"\r\n"):
                    if l.lower().startswith(b"content-length:"):
                        if len(body) >= int(l.split(b":")[1]):
                            return out
    except socket.timeout:
        pass
    return out

def h2_attack(port, path, name, value):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    cfg = h2.config.H2Configuration(client_side=True,
        validate_outbound_headers=False, normalize_outbound_headers=False,
        validate_inbound_headers=False)
    c = h2.connection.H2Connection(config=cfg)
    settings = c.initiate_upgrade_connection()
    s.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\n"
              b"Connection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: " +
              settings + b"\r\n\r\n")
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            return "closed"
        buf += d
    if b" 101 " not in buf.split(b"\r\n")[0]:
        return "declined"   # answered in HTTP/1.1: no HTTP/2 to send on
    c.receive_data(buf.partition(b"\r\n\r\n")[2])
    s.sendall(c.data_to_send())
    return h2_send(s, c, 3, path, name, value)

def h2_prior(port, path, name, value):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    cfg = h2.config.H2Configuration(client_side=True,
        validate_outbound_headers=False, normalize_outbound_headers=False,
        validate_inbound_headers=False)
    c = h2.connection.H2Connection(config=cfg)
    c.initiate_connection()
    try:
        s.sendall(c.data_to_send())
        return h2_send(s, c, 1, path, name, value)
    except OSError:
        return "closed"

def h2_send(s, c, sid, path, name, value):
    c.send_headers(sid, [(":method", "POST"), (":path", path),
        (":scheme", "http"), (":authority", "x"),
        (name, value.encode().decode("unicode_escape"))], end_stream=False)
    c.send_data(sid, b"{}", end_stream=True)
    s.sendall(c.data_to_send())
    try:
        while True:
            d = s.recv(65536)
            if not d:
                return "closed"
            for e in c.receive_data(d):
                if isinstance(e, h2.events.ResponseReceived) and \
                        e.stream_id == sid:
                    return dict(e.headers)[b":status"].decode()
                if isinstance(e, (h2.events.ConnectionTerminated,
                                  h2.events.StreamReset)):
                    return "closed"
            s.sendall(c.data_to_send())
    except (socket.timeout, OSError):
        return "closed"

def raw_attack(port, data):
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
    s.sendall(data.encode().decode("unicode_escape").encode("latin-1"))
    out = recv_all(s)
    if not out:
        return "closed"
    return out.split(b" ")[1].decode()

port = int(sys.argv[1])
if sys.argv[2] == "h2":
    print(h2_attack(port, sys.argv[3], sys.argv[4], sys.argv[5]))
elif sys.argv[2] == "h2pk":
    print(h2_prior(port, sys.argv[3], sys.argv[4], sys.argv[5]))
else:
    print(raw_attack(port, sys.argv[3]))
