/**
 * Coexistence with avahi-daemon on the same host: both hold port 5353, avahi
 * sends from our own address, and neither may starve the other. Our query is
 * answered by avahi, we hear avahi's announcements (not mistaken for our own
 * echoes), and avahi caches what we announce.
 */

import assert from "node:assert/strict";
import { Agent, carries } from "./agent.ts";
import { type AvahiBrowseEntry, Lab, netnsTest, startAvahi } from "./harness.ts";
import { buildQuery, buildResponse, serviceRecords, toHex, TYPE } from "./packets.ts";

netnsTest("transport: coexists with avahi-daemon on the same host", async () => {
  await using lab = await Lab.create();
  const br = await lab.addBridge();
  const a = await lab.addHost("a");
  await lab.connect(a, br);
  const ours = await Agent.start(a);
  const avahi = await startAvahi(a, { hostName: "avahi-a", interfaces: ["eth0"] });
  const fe80 = await a.linkLocal("eth0");

  // Our multicast query reaches avahi; its answer, sent from our own address
  // and port 5353, reaches us and is not taken for our echo.
  const queryA = buildQuery("avahi-a.local", TYPE.A);
  const queryAAAA = buildQuery("avahi-a.local", TYPE.AAAA);
  const v4 = await ours.sendUntil(
    queryA,
    { interfaceName: "eth0", family: "IPv4" },
    ours,
    (d) => d.response && carries(d, "avahi-a"),
    { intervalMs: 500, what: "avahi's A answer" },
  );
  assert.equal(v4.address, "198.18.1.1");
  assert.equal(v4.port, 5353);
  const v6 = await ours.sendUntil(
    queryAAAA,
    { interfaceName: "eth0", family: "IPv6" },
    ours,
    (d) => d.response && d.family === "IPv6" && carries(d, "avahi-a"),
    { intervalMs: 500, what: "avahi's AAAA answer" },
  );
  // avahi picks its own IPv6 source (fe80 or the ULA): either is our address.
  assert.ok([fe80, "fd00:5353:1::1"].includes(v6.address), v6.address);
  // Our queries themselves were dropped as echoes (avahi's own probes for
  // avahi-a.local, also from our address, were not).
  const mine = new Set([toHex(queryA), toHex(queryAAAA)]);
  assert.deepEqual(ours.datagrams((d) => mine.has(d.hex)), []);

  // We hear avahi's probes and announcements for a service it publishes.
  const since = ours.child.mark();
  const publisher = await avahi.publish("Avahi Svc", "_mdt._tcp", 4242, ["k=v"]);
  await ours.waitDatagram((d) => d.response && carries(d, "Avahi Svc"), {
    since,
    what: "avahi's announcement",
  });

  // avahi hears (and caches) what we announce.
  const browser = avahi.browse("_mdt._tcp");
  const announcement = buildResponse(serviceRecords({
    instance: "Ours",
    type: "_mdt._tcp.local",
    host: "ours-a.local",
    port: 5454,
    ipv4: "198.18.1.1",
    txt: ["x=1"],
  }));
  let resolved: AvahiBrowseEntry | undefined;
  for (let i = 0; i < 20 && resolved === undefined; i++) {
    await ours.send(announcement, { interfaceName: "eth0", family: "IPv4" });
    resolved = await browser.waitFor(
      (e: AvahiBrowseEntry) => e.event === "=" && e.name === "Ours" && e.protocol === "IPv4",
      { timeoutMs: 500 },
    ).catch(() => undefined);
  }
  assert.ok(resolved, `avahi-browse never resolved our service:\n${browser.lines.join("\n")}`);
  assert.equal(resolved.port, 5454);
  assert.equal(resolved.address, "198.18.1.1");
  assert.deepEqual(resolved.txt, ["x=1"]);
  await publisher.stop();
  await browser.stop();
  await ours.waitStats((s) => s.echoes >= 2, "our echoes dropped");
  await ours.close();
});
