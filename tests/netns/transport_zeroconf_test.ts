/**
 * python-zeroconf peers on another host, both directions, plus a check that
 * the harness's avahi and python-zeroconf see each other.
 */

import assert from "node:assert/strict";
import { Agent, carries } from "./agent.ts";
import {
  type AvahiBrowseEntry,
  Lab,
  netnsTest,
  startAvahi,
  zeroconfBrowse,
  type ZeroconfBrowseEvent,
  zeroconfPublish,
} from "./harness.ts";
import { buildQuery, buildResponse, serviceRecords, TYPE } from "./packets.ts";

netnsTest("transport: talks to python-zeroconf both ways", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const [ours, peer, browser] = await Promise.all([
    Agent.start(a),
    zeroconfPublish(b, {
      name: "Py Svc",
      type: "_mdt._tcp.local.",
      port: 8080,
      server: "pyhost-b.local.",
      addresses: ["198.18.1.2"],
      txt: { k: "v" },
    }),
    zeroconfBrowse(b, "_mdtb._tcp.local."),
  ]);

  // Our PTR query is answered by python-zeroconf.
  const answer = await ours.sendUntil(
    buildQuery("_mdt._tcp.local", TYPE.PTR),
    { interfaceName: "eth0", family: "IPv4" },
    ours,
    (d) => d.response && d.family === "IPv4" && carries(d, "Py Svc"),
    { intervalMs: 500, what: "python-zeroconf's PTR answer" },
  );
  assert.equal(answer.address, "198.18.1.2");
  assert.equal(answer.interfaceName, "eth0");
  // It multicasts on IPv6 too (answers and announcements), from b's addresses.
  const v6 = await ours.waitDatagram((d) =>
    d.response && d.family === "IPv6" && carries(d, "Py Svc")
  );
  assert.ok([await b.linkLocal("eth0"), "fd00:5353:1::2"].includes(v6.address), v6.address);

  // python-zeroconf's browser picks up what we announce.
  const announcement = buildResponse(serviceRecords({
    instance: "Ours",
    type: "_mdtb._tcp.local",
    host: "ours-a.local",
    port: 5454,
    ipv4: "198.18.1.1",
    txt: ["x=1"],
  }));
  let added: ZeroconfBrowseEvent | undefined;
  for (let i = 0; i < 10 && added === undefined; i++) {
    await ours.send(announcement, { interfaceName: "eth0", family: "IPv4" });
    added = await browser.waitFor(
      (e: ZeroconfBrowseEvent) => e.event === "added" && e.resolved === true,
      { timeoutMs: 1000 },
    ).catch(() => undefined);
  }
  assert.ok(added, `python-zeroconf never resolved our service:\n${browser.lines.join("\n")}`);
  assert.equal(added.name, "Ours._mdtb._tcp.local.");
  assert.equal(added.port, 5454);
  assert.deepEqual(added.addresses, ["198.18.1.1"]);
  assert.deepEqual(added.txt, { x: "1" });
  await Promise.all([ours.close(), peer.stop(), browser.stop()]);
});

netnsTest("harness: avahi-browse finds a python-zeroconf service", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const [avahi] = await Promise.all([
    startAvahi(a, { hostName: "avahi-a" }),
    zeroconfPublish(b, {
      name: "Py Two",
      type: "_mdt._tcp.local.",
      port: 9,
      server: "pyhost-b.local.",
      addresses: ["198.18.1.2"],
      ipVersion: "v4",
    }),
  ]);
  const browser = avahi.browse("_mdt._tcp");
  const found = await browser.waitFor(
    (e: AvahiBrowseEntry) => e.event === "=" && e.name === "Py Two" && e.protocol === "IPv4",
    { timeoutMs: 10_000, what: "Py Two resolved by avahi" },
  );
  assert.equal(found.host, "pyhost-b.local");
  assert.equal(found.address, "198.18.1.2");
  assert.equal(found.port, 9);
});
