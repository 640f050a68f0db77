/**
 * A host on two bridges: sends leave on the chosen interface only, arrivals
 * are attributed to the interface they came in on, and unicast replies to a
 * bare fe80 source go out of the right link (not the first fe80 route).
 */

import assert from "node:assert/strict";
import { Agent, carries } from "./agent.ts";
import { Lab, netnsTest } from "./harness.ts";
import { buildQuery, TYPE } from "./packets.ts";

netnsTest(
  "transport: multi-homed host sends on the chosen interface and attributes arrivals",
  async () => {
    await using lab = await Lab.create();
    const { mh, pa, pb } = await lab.twoLinks();
    const [tmh, ta, tb] = await Promise.all([Agent.start(mh), Agent.start(pa), Agent.start(pb)]);
    assert.deepEqual(tmh.links.map((l) => l.name), ["eth0", "eth1"]);

    for (const family of ["IPv4", "IPv6"] as const) {
      const f = family.slice(-1);
      // Out of eth1 only: pb hears it; pa must not.
      await tmh.sendUntil(
        buildQuery(`only1x${f}.local`, TYPE.A),
        { interfaceName: "eth1", family },
        tb,
        (d) => carries(d, `only1x${f}`),
      );
      // Then out of eth0: once pa hears this, it would have heard the earlier one too.
      await tmh.sendUntil(
        buildQuery(`only0x${f}.local`, TYPE.A),
        { interfaceName: "eth0", family },
        ta,
        (d) => carries(d, `only0x${f}`),
      );
      assert.deepEqual(
        ta.datagrams((d) => carries(d, `only1x${f}`)),
        [],
        "eth1 traffic leaked to eth0",
      );
      assert.deepEqual(
        tb.datagrams((d) => carries(d, `only0x${f}`)),
        [],
        "eth0 traffic leaked to eth1",
      );

      // Arrivals are attributed per interface.
      const fromA = await ta.sendUntil(
        buildQuery(`froma${f}.local`, TYPE.A),
        { interfaceName: "eth0", family },
        tmh,
        (d) => carries(d, `froma${f}`),
      );
      const fromB = await tb.sendUntil(
        buildQuery(`fromb${f}.local`, TYPE.A),
        { interfaceName: "eth0", family },
        tmh,
        (d) => carries(d, `fromb${f}`),
      );
      assert.equal(fromA.interfaceName, "eth0");
      assert.equal(fromB.interfaceName, "eth1");
      assert.equal(fromA.family, family);
      assert.equal(fromB.family, family);

      // Unicast reply to pb's source address (bare fe80 for IPv6) through eth1.
      // eth0's fe80 route comes first, so this fails unless the socket is device-bound.
      await tmh.sendUntil(
        buildQuery(`reply1x${f}.local`, TYPE.A),
        { interfaceName: "eth1", family, address: fromB.address },
        tb,
        (d) => carries(d, `reply1x${f}`) && d.unicast,
      );
      await tmh.sendUntil(
        buildQuery(`reply0x${f}.local`, TYPE.A),
        { interfaceName: "eth0", family, address: fromA.address },
        ta,
        (d) => carries(d, `reply0x${f}`) && d.unicast,
      );
    }
    await Promise.all([tmh.close(), ta.close(), tb.close()]);
  },
);

netnsTest(
  "transport: include/exclude select interfaces; off-link IPv4 sources are dropped",
  async () => {
    await using lab = await Lab.create();
    const { mh, pa, pb } = await lab.twoLinks();
    // pa gets an extra address outside mh's subnet: its multicast from there is off-link.
    await pa.ip("addr", "add", "198.19.77.1/24", "dev", "eth0");
    const [only1, not1, ta, tb] = await Promise.all([
      Agent.start(mh, { interfaces: { include: ["eth1"] } }),
      Agent.start(mh, { interfaces: { exclude: ["eth1"] }, ipv6: false }),
      Agent.start(pa),
      Agent.start(pb),
    ]);
    assert.deepEqual(only1.links.map((l) => l.name), ["eth1"]);
    assert.deepEqual(not1.links.map((l) => l.name), ["eth0"]);
    assert.deepEqual(not1.links[0].ipv6, []);
    assert.equal(
      await only1.send(new Uint8Array(12), { interfaceName: "eth0", family: "IPv4" }),
      false,
    );
    await only1.waitEvent((m) => m.event === "send-error", { what: "send-error for eth0" });
    await tb.sendUntil(
      buildQuery("sel1.local", TYPE.A),
      { interfaceName: "eth0", family: "IPv4" },
      only1,
      (d) => carries(d, "sel1"),
    );
    await ta.sendUntil(
      buildQuery("sel0.local", TYPE.A),
      { interfaceName: "eth0", family: "IPv4" },
      not1,
      (d) => carries(d, "sel0"),
    );
    assert.deepEqual(only1.datagrams((d) => carries(d, "sel0")), []);
    // Multicast and unicast from pa's off-link source address reach not1's
    // sockets but are dropped (RFC 6762 §11).
    const before = (await not1.stats()).stats.offLink;
    await pa.exec([
      "/usr/bin/python3",
      "-c",
      "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);" +
      "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(('198.19.77.1',5353));" +
      "s.sendto(bytes(12),('224.0.0.251',5353));s.sendto(bytes(12),('198.18.1.1',5353))",
    ]);
    const deadline = Date.now() + 3000;
    while ((await not1.stats()).stats.offLink < before + 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await not1.stats()).stats.offLink, before + 2);
    assert.deepEqual(not1.datagrams((d) => d.address === "198.19.77.1"), []);
    await Promise.all([only1.close(), not1.close(), ta.close(), tb.close()]);
  },
);
