/**
 * Real sockets between two hosts on one bridge: multicast both ways over IPv4
 * and IPv6, unicast replies (including to a bare fe80 source), echo filtering,
 * and a second stack on the same host.
 */

import assert from "node:assert/strict";
import { Agent, carries } from "./agent.ts";
import { Lab, netnsTest } from "./harness.ts";
import { buildQuery, TYPE } from "./packets.ts";

netnsTest("transport: IPv4 and IPv6 multicast and unicast between two hosts", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const [ta, tb] = await Promise.all([Agent.start(a), Agent.start(b)]);
  assert.deepEqual(ta.links.map((l) => l.name), ["eth0"]);
  const aLink = ta.links[0];
  assert.deepEqual(aLink.ipv4, ["198.18.1.1/24"]);
  assert(aLink.index > 0, "index comes from the fe80 scope id");
  const aFe80 = await a.linkLocal("eth0");
  const bFe80 = await b.linkLocal("eth0");

  for (const family of ["IPv4", "IPv6"] as const) {
    const tag = `m${family.slice(-1)}`;
    const got = await ta.sendUntil(
      buildQuery(`${tag}.local`, TYPE.A),
      { interfaceName: "eth0", family },
      tb,
      (d) => carries(d, tag),
    );
    assert.deepEqual(got.interfaceName, "eth0");
    assert.deepEqual(got.family, family);
    assert.deepEqual(got.unicast, false);
    assert.deepEqual(got.port, 5353);
    assert.deepEqual(got.address, family === "IPv4" ? "198.18.1.1" : aFe80);

    // Unicast reply to the source as seen (a bare fe80 for IPv6).
    const rtag = `r${family.slice(-1)}`;
    const reply = await tb.sendUntil(
      buildQuery(`${rtag}.local`, TYPE.A),
      { interfaceName: "eth0", family, address: got.address },
      ta,
      (d) => carries(d, rtag),
    );
    assert.deepEqual(reply.unicast, true);
    assert.deepEqual(reply.family, family);
    assert.deepEqual(reply.address, family === "IPv4" ? "198.18.1.2" : bFe80);
    // Unicast to the ULA as well.
    if (family === "IPv6") {
      const utag = "uula";
      const ula = await tb.sendUntil(
        buildQuery(`${utag}.local`, TYPE.A),
        { interfaceName: "eth0", family, address: "fd00:5353:1::1" },
        ta,
        (d) => carries(d, utag),
      );
      assert.equal(ula.unicast, true);
    }
  }
  // Our own multicast comes back (loopback is on) and is dropped.
  await ta.waitStats((s) => s.echoes >= 2, "echoes of m4 and m6");
  assert.deepEqual(ta.datagrams((d) => carries(d, "m4") || carries(d, "m6")), []);
  await Promise.all([ta.close(), tb.close()]);
});

netnsTest("transport: a second stack on the same host hears us, and we hear it", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const [t1, t2, tb] = await Promise.all([Agent.start(a), Agent.start(a), Agent.start(b)]);
  for (const family of ["IPv4", "IPv6"] as const) {
    const tag = `same${family.slice(-1)}`;
    // t2 shares t1's address and port 5353: only t1's echo filter knows the packet is t1's.
    const got = await t1.sendUntil(
      buildQuery(`${tag}.local`, TYPE.PTR),
      { interfaceName: "eth0", family },
      t2,
      (d) => carries(d, tag),
    );
    assert.deepEqual(got.address, family === "IPv4" ? "198.18.1.1" : await a.linkLocal("eth0"));
    await tb.waitDatagram((d) => carries(d, tag), { what: `${tag} at b` });
    // And the other way round.
    const back = `back${family.slice(-1)}`;
    await t2.sendUntil(
      buildQuery(`${back}.local`, TYPE.PTR),
      { interfaceName: "eth0", family },
      t1,
      (d) => carries(d, back),
    );
  }
  assert.deepEqual(t1.datagrams((d) => carries(d, "same4") || carries(d, "same6")), []);
  assert.deepEqual(t2.datagrams((d) => carries(d, "back4") || carries(d, "back6")), []);
  await Promise.all([t1.close(), t2.close(), tb.close()]);
});
