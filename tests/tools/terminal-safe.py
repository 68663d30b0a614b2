#!/usr/bin/env python3
"""terminal-safe.py: whether bytes are safe to write to a terminal.

    terminal-safe.py FILE [--sgr]

Exit 0 when FILE holds no C0 control but newline (and tab), no DEL, no C1
control (raw or as UTF-8), no bidirectional formatting control and no
invalid UTF-8; else print the first offence and exit 1. With --sgr, ESC
is allowed only as the start of an SGR sequence (ESC [ digits ; m), as
tmux capture-pane -e writes attributes.
"""
import re
import sys

data = open(sys.argv[1], "rb").read()
sgr = "--sgr" in sys.argv[2:]
if sgr:
    data = re.sub(rb"\x1b\[[0-9;]*m", b"", data)
for i, b in enumerate(data):
    if (b < 0x20 and b not in (0x0a, 0x09)) or b == 0x7f:
        print("control byte 0x%02x at %d: %r" % (b, i, data[max(0, i - 20):i + 20]))
        sys.exit(1)
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    print("not UTF-8: %s" % e)
    sys.exit(1)
for i, ch in enumerate(text):
    cp = ord(ch)
    if (0x80 <= cp < 0xa0 or cp in (0x061c, 0x200e, 0x200f) or
            0x202a <= cp <= 0x202e or 0x2066 <= cp <= 0x2069):
        print("unsafe U+%04X at %d: %r" % (cp, i, text[max(0, i - 20):i + 20]))
        sys.exit(1)
