/**
 * The whole receive path on real sockets: `cli/main.ts watch` in one host
 * puts what avahi-daemon and python-zeroconf announce from another host into
 * its peer cache, unasked (the seed's Go client lost such late replies), and
 * prints it; on SIGTERM it exits cleanly.
 */

import assert from "node:assert/strict";
import { Lab, netnsTest, startAvahi, zeroconfPublish } from "./harness.ts";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;

interface WatchLine {
  event: "added" | "updated" | "removed";
  name: string;
  type: string;
  interface: string;
  ttl: number;
  // deno-lint-ignore no-explicit-any
  data: any;
}

netnsTest(
  "cli watch: records announced by avahi and python-zeroconf land in the peer cache",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");

    const watcher = a.deno(MAIN, ["watch", "--json"], {
      flags: ["--unstable-net", "--allow-net", "--allow-sys=networkInterfaces", "--allow-read"],
    });
    const avahi = await startAvahi(b, { hostName: "avahi-b", interfaces: ["eth0"] });
    const published = await avahi.publish("Avahi Printer", "_ipp._tcp", 631, [
      "rp=ipp/print",
      "flag",
    ]);
    const zc = await zeroconfPublish(b, {
      name: "Py Svc",
      type: "_http._tcp.local.",
      port: 8080,
      server: "pyhost.local.",
      addresses: ["198.18.1.2"],
      txt: { path: "/x" },
    });

    const srv = (instance: string) =>
      watcher.waitFor(
        (m: WatchLine) => m.event === "added" && m.type === "SRV" && m.name.startsWith(instance),
        { timeoutMs: 20_000, what: `SRV of ${instance}` },
      );
    const avahiSrv = await srv("Avahi Printer");
    assert.equal(avahiSrv.interface, "eth0");
    assert.equal(avahiSrv.data.port, 631);
    assert.equal(avahiSrv.data.target, "avahi-b.local");
    assert.ok(avahiSrv.ttl > 0 && avahiSrv.ttl <= 120, `ttl ${avahiSrv.ttl}`);
    const avahiTxt = await watcher.waitFor(
      (m: WatchLine) => m.type === "TXT" && m.name.startsWith("Avahi Printer"),
      { timeoutMs: 10_000, what: "avahi's TXT" },
    );
    assert.deepEqual([...avahiTxt.data].sort(), ["flag", "rp=ipp/print"]);
    await watcher.waitFor(
      (m: WatchLine) => m.type === "A" && m.name === "avahi-b.local" && m.data === "198.18.1.2",
      { timeoutMs: 10_000, what: "avahi's A record" },
    );

    const pySrv = await srv("Py Svc");
    assert.equal(pySrv.data.port, 8080);
    assert.equal(pySrv.data.target, "pyhost.local");
    await watcher.waitFor(
      (m: WatchLine) =>
        m.type === "PTR" && m.name === "_http._tcp.local" && m.data === "Py Svc._http._tcp.local",
      { timeoutMs: 10_000, what: "python-zeroconf's PTR" },
    );

    // avahi withdraws its service: the goodbye (TTL 0) removes it a second later.
    await published.stop();
    const gone = await watcher.waitFor(
      (m: WatchLine) =>
        m.event === "removed" && m.type === "SRV" && m.name.startsWith("Avahi Printer"),
      { timeoutMs: 10_000, what: "avahi's goodbye" },
    );
    assert.equal(gone.ttl, 0);
    assert.equal((gone as WatchLine & { reason: string }).reason, "goodbye");

    await zc.stop();
    await avahi.stop();
    await watcher.stop();
    const status = await watcher.status;
    assert.equal(status.code, 0, "watch exits 0 on SIGTERM");
  },
);
