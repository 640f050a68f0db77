#!/usr/bin/python3
"""Open-loop query load for bench/responder_load_bench.ts (run inside a namespace only).

Sends legacy unicast mDNS queries (ephemeral source port, RFC 6762 section 6.7: the
answer comes back by unicast with the query ID echoed) to one responder at a fixed
rate, each with its own ID, and matches answers by ID. Paced by the clock, not by
answers (a closed loop would hide a responder that falls behind).

  /usr/bin/python3 _query_load.py '{"address":"198.18.1.1","name":"Den._mdt._tcp.local",
    "type":33,"rate":20000,"seconds":5,"drainMs":1000}'

Prints one JSON line: sent, answered, achieved send rate, latency p50/p99/max (ms),
replies that matched no outstanding query, replies with no answer.
"""
import json
import select
import socket
import struct
import sys
import time


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        raw = label.encode()
        out += bytes([len(raw)]) + raw
    return out + b"\x00"


def main():
    cfg = json.loads(sys.argv[1])
    rate = float(cfg["rate"])
    seconds = float(cfg["seconds"])
    drain = cfg.get("drainMs", 1000) / 1000
    family = socket.AF_INET6 if ":" in cfg["address"] else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    # Our own buffers must never be the bottleneck: a reply we drop would count
    # against the responder.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
    sock.setblocking(False)
    dest = (cfg["address"], 5353)
    question = encode_name(cfg["name"]) + struct.pack("!HH", cfg.get("type", 33), 1)
    packets = [struct.pack("!HHHHHH", i, 0, 1, 0, 0, 0) + question for i in range(65536)]
    # IDs wrap every 65,536 queries (3.3 s at 20,000/s): owner[id] is the
    # sequence number now using it; a reply later than that is counted late.
    sent_at = [0.0] * 65536
    owner = [-1] * 65536
    latencies = []
    unmatched = 0
    empty = 0
    send_errors = 0
    seq = 0
    now = time.monotonic
    start = now()
    end = start + seconds
    stop = end + drain

    def drain_replies(t):
        nonlocal unmatched, empty
        while True:
            try:
                data = sock.recv(9000)
            except BlockingIOError:
                return
            if len(data) < 12:
                unmatched += 1
                continue
            ident, flags, _qd, an = struct.unpack_from("!HHHH", data)
            if owner[ident] < 0 or not flags & 0x8000:
                unmatched += 1
                continue
            if an == 0:
                empty += 1
            owner[ident] = -1
            latencies.append(t - sent_at[ident])

    while True:
        t = now()
        if t >= stop:
            break
        if t < end:
            due = min(int((t - start) * rate) + 1, int(seconds * rate))
            while seq < due:
                ident = seq & 0xFFFF
                try:
                    sock.sendto(packets[ident], dest)
                except (BlockingIOError, OSError):
                    send_errors += 1
                sent_at[ident] = t
                owner[ident] = seq
                seq += 1
        drain_replies(now())
        wait = (start + seq / rate - now()) if t < end else 0.01
        select.select([sock], [], [], max(0.0, min(wait, 0.01)))
    drain_replies(now())
    sock.close()
    latencies.sort()

    def pct(p):
        if not latencies:
            return None
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2)

    print(json.dumps({
        "event": "done",
        "sent": seq,
        "answered": len(latencies),
        "sendRate": round(seq / seconds),
        "sendErrors": send_errors,
        "p50Ms": pct(0.5),
        "p99Ms": pct(0.99),
        "maxMs": pct(1.0),
        "unmatched": unmatched,
        "empty": empty,
    }), flush=True)


main()
