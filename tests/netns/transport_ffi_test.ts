/**
 * The FFI hatch (`transport/_ffi_sockopt.ts`), on real sockets: with the
 * `ffi` permission, what we send carries TTL / hop limit 255 (RFC 6762 §11)
 * and IPv4 multicast is attributed to its interface even when two links share
 * a prefix; without it (`--deny-ffi`, or `ffi: "off"`), Deno's defaults and
 * attribution by source subnet, as before.
 */

import assert from "node:assert/strict";
import { Agent, type AgentDatagram, carries } from "./agent.ts";
import type { Child } from "./child.ts";
import { type Host, Lab, netnsTest } from "./harness.ts";
import { type ProbeLine, startProbe } from "./ttl_probe.ts";
import { buildQuery, fromHex, hasLabel, TYPE } from "./packets.ts";

const NO_FFI = ["--unstable-net", "--allow-all", "--deny-ffi"];

/**
 * Sends a query tagged `tag` from `agent` to `to` (resending: the first
 * packets after start may be lost) and returns the TTL the probe saw.
 */
async function ttlOf(
  agent: Agent,
  probe: Child,
  to: { family: "IPv4" | "IPv6"; address?: string },
  tag: string,
): Promise<number> {
  const since = probe.mark();
  for (let i = 0; i < 20; i++) {
    assert.ok(
      await agent.send(buildQuery(`${tag}.local`, TYPE.A), { interfaceName: "eth0", ...to }),
    );
    try {
      const line = await probe.waitFor<ProbeLine>(
        (m) =>
          typeof (m as ProbeLine).hex === "string" && hasLabel(fromHex((m as ProbeLine).hex), tag),
        { since, timeoutMs: 250, what: tag },
      );
      assert.equal(line.family, to.family);
      assert.equal(
        line.destination,
        to.address ?? (to.family === "IPv4" ? "224.0.0.251" : "ff02::fb"),
      );
      return line.ttl;
    } catch (error) {
      if (i === 19) throw error;
    }
  }
  throw new Error("unreachable");
}

/** TTLs of IPv4 multicast, IPv4 unicast, IPv6 multicast, IPv6 unicast from `agent` to `peer`. */
async function ttls(agent: Agent, probe: Child, peer: Host, tag: string): Promise<number[]> {
  const { ipv4, ipv6 } = peer.interfaces.get("eth0")!;
  return [
    await ttlOf(agent, probe, { family: "IPv4" }, `${tag}m4`),
    await ttlOf(agent, probe, { family: "IPv4", address: ipv4 }, `${tag}u4`),
    await ttlOf(agent, probe, { family: "IPv6" }, `${tag}m6`),
    await ttlOf(agent, probe, { family: "IPv6", address: ipv6 }, `${tag}u6`),
  ];
}

netnsTest(
  "transport ffi: with --allow-ffi every packet leaves with TTL / hop limit 255",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const probe = await startProbe(b);
    const ta = await Agent.start(a);
    const { stats } = await ta.stats();
    assert.equal(stats.ffi, "active");
    assert.deepEqual(await ttls(ta, probe, b, "on"), [255, 255, 255, 255]);
    assert.equal((await ta.stats()).stats.ffiMisses, 0);
    await ta.close();
  },
);

netnsTest("transport ffi: without the permission, or with ffi off, Deno's defaults", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const probe = await startProbe(b);
  const denied = await Agent.start(a, {}, NO_FFI);
  assert.equal((await denied.stats()).stats.ffi, "unavailable");
  // IPv4 multicast gets 255 through Deno's own setTTL; the rest is Linux's default.
  assert.deepEqual(await ttls(denied, probe, b, "deny"), [255, 64, 1, 64]);
  await denied.close();
  const off = await Agent.start(a, { ffi: "off" });
  assert.equal((await off.stats()).stats.ffi, "off");
  assert.deepEqual(await ttls(off, probe, b, "off"), [255, 64, 1, 64]);
  await off.close();
});

netnsTest(
  "transport ffi: two links on one IPv4 prefix are told apart only with the hatch",
  async () => {
    await using lab = await Lab.create();
    const { mh, pa, pb } = await lab.twoLinks();
    // Each link gets an address in one shared /16 (as 169.254/16 on two links
    // would be) and nothing else in IPv4.
    const shared: [Host, string, string][] = [
      [mh, "eth0", "198.18.201.1/16"],
      [mh, "eth1", "198.18.202.1/16"],
      [pa, "eth0", "198.18.201.2/16"],
      [pb, "eth0", "198.18.202.2/16"],
    ];
    for (const [host, ifname, cidr] of shared) {
      await host.ip("-4", "addr", "flush", "dev", ifname);
      await host.ip("addr", "add", cidr, "dev", ifname);
    }
    const [exact, bySubnet, ta, tb] = await Promise.all([
      Agent.start(mh, { ipv6: false }),
      Agent.start(mh, { ipv6: false }, NO_FFI),
      Agent.start(pa, { ipv6: false }),
      Agent.start(pb, { ipv6: false }),
    ]);
    assert.equal((await exact.stats()).stats.ffi, "active");
    assert.equal((await bySubnet.stats()).stats.ffi, "unavailable");
    assert.deepEqual(exact.links.map((l) => [l.name, l.ipv4]), [
      ["eth0", ["198.18.201.1/16"]],
      ["eth1", ["198.18.202.1/16"]],
    ]);

    const heard = async (peer: Agent, tag: string): Promise<[AgentDatagram[], AgentDatagram[]]> => {
      const since = Math.min(exact.child.mark(), bySubnet.child.mark());
      const query = buildQuery(`${tag}.local`, TYPE.A);
      await peer.sendUntil(
        query,
        { interfaceName: "eth0", family: "IPv4" },
        exact,
        (d) => carries(d, tag),
      );
      await bySubnet.waitDatagram((d) => carries(d, tag), { what: tag });
      return [
        exact.datagrams((d) => carries(d, tag), since),
        bySubnet.datagrams((d) => carries(d, tag), since),
      ];
    };
    const [fromAExact, fromABySubnet] = await heard(ta, "froma");
    const [fromBExact, fromBBySubnet] = await heard(tb, "fromb");
    assert.deepEqual(new Set(fromAExact.map((d) => d.interfaceName)), new Set(["eth0"]));
    assert.deepEqual(new Set(fromBExact.map((d) => d.interfaceName)), new Set(["eth1"]));
    assert.ok(fromBExact.every((d) => d.address === "198.18.202.2" && !d.unicast));
    // By subnet, both sources match both links: the first one by name wins.
    assert.deepEqual(new Set(fromABySubnet.map((d) => d.interfaceName)), new Set(["eth0"]));
    assert.deepEqual(new Set(fromBBySubnet.map((d) => d.interfaceName)), new Set(["eth0"]));

    // Our own sends still leave on the chosen link and are heard only there.
    await exact.sendUntil(
      buildQuery("out1.local", TYPE.A),
      { interfaceName: "eth1", family: "IPv4" },
      tb,
      (d) => carries(d, "out1"),
    );
    assert.deepEqual(ta.datagrams((d) => carries(d, "out1")), []);
    await Promise.all([exact.close(), bySubnet.close(), ta.close(), tb.close()]);
  },
);
