#!/usr/bin/python3
"""Reports the IP TTL / hop limit of every UDP datagram to port 5353 on one interface.

Usage (inside a test namespace only):
  /usr/bin/python3 ttl_probe.py '{"ifname":"eth0","ipv4":"198.18.1.2"}'
Lines: {"event":"ready"} once bound, then per datagram
       {"family":"IPv4"|"IPv6","source":...,"port":N,"destination":...,"ttl":N,"hex":...}
The kernel hands the TTL (IP_RECVTTL) and hop limit (IPV6_RECVHOPLIMIT) over
as ancillary data; the destination (IP_PKTINFO, IPV6_RECVPKTINFO) tells
multicast from unicast.
"""
import json
import select
import signal
import socket
import struct
import sys

IP_PKTINFO = 8
IP_RECVTTL = 12
IP_TTL = 2
IPV6_RECVPKTINFO = 49
IPV6_PKTINFO = 50
IPV6_RECVHOPLIMIT = 51
IPV6_HOPLIMIT = 52


def emit(**fields):
    print(json.dumps(fields), flush=True)


def main():
    cfg = json.loads(sys.argv[1])
    index = socket.if_nametoindex(cfg["ifname"])
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s4.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
    s4.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    s4.bind(("0.0.0.0", 5353))
    mreq = socket.inet_aton("224.0.0.251") + socket.inet_aton(cfg["ipv4"])
    s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s6.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)
    s6.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)
    s6.bind(("::", 5353))
    mreq6 = socket.inet_pton(socket.AF_INET6, "ff02::fb") + struct.pack("@I", index)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq6)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    emit(event="ready")
    while True:
        ready, _, _ = select.select([s4, s6], [], [])
        for s in ready:
            data, anc, _, source = s.recvmsg(9000, 256)
            ttl, destination = None, None
            for level, kind, value in anc:
                if level == socket.IPPROTO_IP and kind == IP_TTL:
                    ttl = struct.unpack("@i", value[:4])[0]
                elif level == socket.IPPROTO_IP and kind == IP_PKTINFO:
                    destination = socket.inet_ntoa(value[8:12])
                elif level == socket.IPPROTO_IPV6 and kind == IPV6_HOPLIMIT:
                    ttl = struct.unpack("@i", value[:4])[0]
                elif level == socket.IPPROTO_IPV6 and kind == IPV6_PKTINFO:
                    destination = socket.inet_ntop(socket.AF_INET6, value[:16])
            emit(
                family="IPv4" if s is s4 else "IPv6",
                source=source[0],
                port=source[1],
                destination=destination,
                ttl=ttl,
                hex=data.hex(),
            )


if __name__ == "__main__":
    main()
