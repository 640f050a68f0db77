#!/usr/bin/python3
"""python-zeroconf peer: browse one service type, print one JSON line per change.

Usage (inside a test namespace, Debian's python3-zeroconf):
  /usr/bin/python3 zc_browse.py '{"type":"_http._tcp.local.","ipVersion":"all"}'
Lines: {"event":"added"|"updated"|"removed","name":...,"server":...,"port":...,
        "addresses":[...],"txt":{...}}
"""
import json
import signal
import sys
import threading

from zeroconf import IPVersion, ServiceBrowser, ServiceStateChange, Zeroconf


_emit_lock = threading.Lock()


def emit(**fields):
    # Resolves run in threads: one write per line, under a lock, or two
    # services resolved at once come out as one unparseable line.
    line = json.dumps(fields) + "\n"
    with _emit_lock:
        sys.stdout.write(line)
        sys.stdout.flush()


def main():
    cfg = json.loads(sys.argv[1])
    version = {"v4": IPVersion.V4Only, "v6": IPVersion.V6Only, "all": IPVersion.All}[
        cfg.get("ipVersion", "all")
    ]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    zc = Zeroconf(ip_version=version)

    def resolve(kind, type_, name):
        info = zc.get_service_info(type_, name, 3000)
        if info is None:
            emit(event=kind, name=name, resolved=False)
            return
        txt = {
            k.decode("utf-8", "replace"): (None if v is None else v.decode("utf-8", "replace"))
            for k, v in info.properties.items()
        }
        emit(
            event=kind,
            name=name,
            resolved=True,
            server=info.server,
            port=info.port,
            addresses=info.parsed_addresses(),
            txt=txt,
        )

    def on_change(zeroconf, service_type, name, state_change):
        if state_change is ServiceStateChange.Removed:
            emit(event="removed", name=name)
            return
        kind = "added" if state_change is ServiceStateChange.Added else "updated"
        threading.Thread(target=resolve, args=(kind, service_type, name), daemon=True).start()

    browser = ServiceBrowser(zc, cfg["type"], handlers=[on_change])
    emit(event="browsing", type=cfg["type"])
    stop.wait()
    browser.cancel()
    zc.close()


main()
