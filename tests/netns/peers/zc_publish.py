#!/usr/bin/python3
"""python-zeroconf peer: publish one service, print JSON lines, withdraw on SIGTERM.

Usage (inside a test namespace, Debian's python3-zeroconf):
  /usr/bin/python3 zc_publish.py '{"name":"Py Svc","type":"_http._tcp.local.","port":8080,
    "server":"pyhost.local.","addresses":["198.18.1.2"],"txt":{"k":"v"},"ipVersion":"all"}'
Optional: "updateTxt":{"k":"v2"} with "updateAfterMs":2000 changes the TXT once, that long
after registering, and prints {"event":"updated"}.
"""
import json
import signal
import socket
import sys
import threading

from zeroconf import IPVersion, ServiceInfo, Zeroconf


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
        zc.unregister_service(info)
        emit(event="unregistered", name=info.name)
    except Exception as e:  # report, do not hang the test
        emit(event="error", message=repr(e))
    finally:
        zc.close()


main()
