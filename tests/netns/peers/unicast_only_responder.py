#!/usr/bin/python3
"""A responder that answers only QU questions, by unicast, and on request sends
a unicast response nobody asked for (RFC 6762 §6 checks of our querier).

Usage (inside a test namespace only, Debian's python3-zeroconf for the codec):
  /usr/bin/python3 unicast_only_responder.py \
    '{"name":"uonly.local.","address":"198.18.1.2","unsolicited":{"to":"198.18.1.1","name":"unasked.local.","address":"198.18.1.9"}}'
Lines: {"event":"ready"} once bound; {"event":"answered","to":...} per QU
question for `name` (A or ANY) answered by unicast; {"event":"ignored-qm"} per
QM one; {"event":"sent-unsolicited"} after the line "unsolicited" on stdin.
"""
import json
import select
import socket
import sys

from zeroconf import DNSAddress, DNSIncoming, DNSOutgoing
from zeroconf import const

GROUP = "224.0.0.251"
PORT = 5353


def emit(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def a_response(name, address):
    out = DNSOutgoing(const._FLAGS_QR_RESPONSE | const._FLAGS_AA)
    record = DNSAddress(
        name, const._TYPE_A, const._CLASS_IN | const._CLASS_UNIQUE, 120, socket.inet_aton(address)
    )
    out.add_answer_at_time(record, 0)
    return out.packets()[0]


def main():
    cfg = json.loads(sys.argv[1])
    name = cfg["name"].lower()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("", PORT))
    membership = socket.inet_aton(GROUP) + socket.inet_aton(cfg["address"])
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
    emit(event="ready")
    while True:
        readable, _, _ = select.select([sock, sys.stdin], [], [])
        if sys.stdin in readable:
            line = sys.stdin.readline()
            if line == "":
                return
            if line.strip() == "unsolicited":
                u = cfg["unsolicited"]
                sock.sendto(a_response(u["name"], u["address"]), (u["to"], PORT))
                emit(event="sent-unsolicited")
        if sock in readable:
            data, (source, port) = sock.recvfrom(9000)
            message = DNSIncoming(data)
            if not message.valid or not message.is_query():
                continue
            for q in message.questions:
                if q.name.lower() != name or q.type not in (const._TYPE_A, const._TYPE_ANY):
                    continue
                if q.unicast:
                    sock.sendto(a_response(cfg["name"], cfg["address"]), (source, port))
                    emit(event="answered", to=source)
                else:
                    emit(event="ignored-qm")


main()
