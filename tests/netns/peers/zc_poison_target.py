#!/usr/bin/python3
"""python-zeroconf under a poisoning attack (bench/poisoning_netns_bench.ts): one
Zeroconf instance publishes Real.<type> and runs a ServiceBrowser for every
service type it hears of (the type enumeration, then one browser per type, at
most 16, as the bench's target of ours browses every type). Browsers list
instances; they do not resolve each one (an application that did would add one
resolve per fake instance).

Usage (inside a test namespace only, Debian's python3-zeroconf):
  /usr/bin/python3 zc_poison_target.py '{"type":"_mdpoison._tcp.local.","address":"198.18.1.1"}'
stdin lines: "report" prints {"event":"report","instances":{type:n},"realWhole":bool};
stdout also: {"event":"published"}. SIGTERM ends it.
"""
import json
import signal
import socket
import sys
import threading

from zeroconf import IPVersion, ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf


def emit(**fields):
    print(json.dumps(fields), flush=True)


def main():
    cfg = json.loads(sys.argv[1])
    type_ = cfg["type"]
    zc = Zeroconf(ip_version=IPVersion.All)
    info = ServiceInfo(
        type_,
        f"Real.{type_}",
        port=8080,
        properties={"path": "/"},
        server="poisoned-zc.local.",
        addresses=[socket.inet_aton(cfg["address"])],
    )
    zc.register_service(info)
    emit(event="published", name=info.name)
    lock = threading.Lock()
    instances = {}
    browsers = {}

    def on_instance(zeroconf, service_type, name, state_change):
        with lock:
            names = instances.setdefault(service_type, set())
            if state_change is ServiceStateChange.Removed:
                names.discard(name)
            else:
                names.add(name)

    def on_type(zeroconf, service_type, name, state_change):
        if state_change is not ServiceStateChange.Added:
            return
        with lock:
            if name in browsers or len(browsers) >= 16:
                return
            browsers[name] = None
        browsers[name] = ServiceBrowser(zc, name, handlers=[on_instance])

    types = ServiceBrowser(zc, "_services._dns-sd._udp.local.", handlers=[on_type])
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def commands():
        for line in sys.stdin:
            if line.strip() == "report":
                real = zc.get_service_info(type_, info.name, 3000)
                with lock:
                    counts = {t: len(n) for t, n in instances.items()}
                emit(
                    event="report",
                    instances=counts,
                    realWhole=real is not None and real.port == 8080 and len(real.addresses) > 0,
                )
        stop.set()

    threading.Thread(target=commands, daemon=True).start()
    stop.wait()
    types.cancel()
    for b in list(browsers.values()):
        if b is not None:
            b.cancel()
    zc.unregister_service(info)
    zc.close()


main()
