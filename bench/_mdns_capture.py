#!/usr/bin/python3
"""Counts mDNS queries on a namespace link, for bench/browse_netns_bench.ts.

Run only inside a test namespace: joins 224.0.0.251 and ff02::fb on the given
interface and prints one JSON line per query (QR clear) heard:
  {"t": <unix seconds>, "family": "IPv4"|"IPv6", "src": ..., "qd": .., "an": .., "ns": .., "tc": bool}
Responses are counted, not printed; SIGTERM prints {"event":"done","responses":n}.
"""
import json
import select
import signal
import socket
import struct
import sys
import time

iface = sys.argv[1] if len(sys.argv) > 1 else "eth0"
index = socket.if_nametoindex(iface)

v4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
v4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
v4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
v4.bind(("224.0.0.251", 5353))
v4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
              struct.pack("=4s4si", socket.inet_aton("224.0.0.251"), socket.inet_aton("0.0.0.0"), index))

v6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
v6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
v6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
v6.bind(("ff02::fb", 5353, 0, index))
v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
              socket.inet_pton(socket.AF_INET6, "ff02::fb") + struct.pack("=I", index))
for s in (v4, v6):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)

responses = 0
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
print(json.dumps({"event": "started"}), flush=True)
while running:
    try:
        ready, _, _ = select.select([v4, v6], [], [], 0.5)
    except InterruptedError:
        continue
    for s in ready:
        data, addr = s.recvfrom(9000)
        if len(data) < 12:
            continue
        flags, qd, an, ns = struct.unpack("!HHHH", data[2:10])
        if flags & 0x8000:
            responses += 1
            continue
        print(json.dumps({
            "t": time.time(), "family": "IPv4" if s is v4 else "IPv6", "src": addr[0],
            "qd": qd, "an": an, "ns": ns, "tc": bool(flags & 0x0200), "bytes": len(data),
        }), flush=True)
print(json.dumps({"event": "done", "responses": responses}), flush=True)
