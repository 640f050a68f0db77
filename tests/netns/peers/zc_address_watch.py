#!/usr/bin/python3
"""python-zeroconf peer: resolve one service, then report whether one host's
A records are in its cache, every 200 ms.

Usage (inside a test namespace, Debian's python3-zeroconf):
  /usr/bin/python3 zc_address_watch.py '{"type":"_x._tcp.local.","name":"X._x._tcp.local.","host":"h.local.","ipVersion":"v4"}'
Lines: {"event":"resolved","addresses":[...]} (or "unresolved"), then
       {"event":"cache","addresses":[...]} each time the cached A set changes:
       the unexpired A records of `host` (a goodbye expires one within 1 s).
"""
import json
import signal
import socket
import sys
import threading

from zeroconf import IPVersion, Zeroconf
from zeroconf._utils.time import current_time_millis
from zeroconf.const import _CLASS_IN, _TYPE_A


def emit(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def main():
    cfg = json.loads(sys.argv[1])
    version = {"v4": IPVersion.V4Only, "v6": IPVersion.V6Only, "all": IPVersion.All}[
        cfg.get("ipVersion", "v4")
    ]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    zc = Zeroconf(ip_version=version)
    info = zc.get_service_info(cfg["type"], cfg["name"], 5000)
    if info is None:
        emit(event="unresolved")
    else:
        emit(event="resolved", addresses=info.parsed_addresses())
    last = None
    while not stop.wait(0.2):
        records = zc.cache.get_all_by_details(cfg["host"], _TYPE_A, _CLASS_IN)
        now = current_time_millis()
        addresses = sorted(socket.inet_ntoa(r.address) for r in records if not r.is_expired(now))
        if addresses != last:
            emit(event="cache", addresses=addresses)
            last = addresses
    zc.close()


if __name__ == "__main__":
    main()
