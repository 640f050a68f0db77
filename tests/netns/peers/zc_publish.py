#!/usr/bin/python3
"""python-zeroconf peer: publish one service, print JSON lines, withdraw on SIGTERM.

Usage (inside a test namespace, Debian's python3-zeroconf):
  /usr/bin/python3 zc_publish.py '{"name":"Py Svc","type":"_http._tcp.local.","port":8080,
    "server":"pyhost.local.","addresses":["198.18.1.2"],"txt":{"k":"v"},"ipVersion":"all"}'
Optional: "updateTxt":{"k":"v2"} with "updateAfterMs":2000 changes the TXT once, that long
after registering, and prints {"event":"updated"}. "browse":["_services._dns-sd._udp.local.",
"_http._tcp.local."] browses those types in the same Zeroconf while publishing (events counted).
stdin: {"op":"names"} prints {"event":"names","name":...,"server":...,"browsed":n}, the names
the ServiceInfo holds and the browse events so far.
"""
import json
import signal
import socket
import sys
import threading

from zeroconf import IPVersion, ServiceBrowser, ServiceInfo, Zeroconf


def emit(**fields):
    print(json.dumps(fields), flush=True)


def main():
    cfg = json.loads(sys.argv[1])
    version = {"v4": IPVersion.V4Only, "v6": IPVersion.V6Only, "all": IPVersion.All}[
        cfg.get("ipVersion", "all")
    ]
    type_ = cfg["type"]
    addresses = [
        socket.inet_pton(socket.AF_INET6 if ":" in a else socket.AF_INET, a)
        for a in cfg.get("addresses", [])
    ]
    info = ServiceInfo(
        type_,
        f"{cfg['name']}.{type_}",
        port=cfg["port"],
        properties=cfg.get("txt", {}),
        server=cfg["server"],
        addresses=addresses,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    zc = Zeroconf(ip_version=version)
    try:
        zc.register_service(info, allow_name_change=cfg.get("allowNameChange", False))
        emit(event="registered", name=info.name, server=info.server)
        browsed = [0]

        def on_change(**_):
            browsed[0] += 1

        browsers = [ServiceBrowser(zc, t, handlers=[on_change]) for t in cfg.get("browse", [])]

        def commands():
            for line in sys.stdin:
                try:
                    op = json.loads(line).get("op")
                except ValueError:
                    continue
                if op == "names":
                    emit(event="names", name=info.name, server=info.server, browsed=browsed[0])

        threading.Thread(target=commands, daemon=True).start()
        if "updateTxt" in cfg and not stop.wait(cfg.get("updateAfterMs", 2000) / 1000):
            info = ServiceInfo(
                type_,
                f"{cfg['name']}.{type_}",
                port=cfg["port"],
                properties=cfg["updateTxt"],
                server=cfg["server"],
                addresses=addresses,
            )
            zc.update_service(info)
            emit(event="updated", name=info.name)
        stop.wait()
        for browser in browsers:
            browser.cancel()
        zc.unregister_service(info)
        emit(event="unregistered", name=info.name)
    except Exception as e:  # report, do not hang the test
        emit(event="error", message=repr(e))
    finally:
        zc.close()


main()
