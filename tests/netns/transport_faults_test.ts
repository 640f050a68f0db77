/**
 * The interface watcher: link down/up, interface delete and re-create (new
 * index and MAC), and an interface that appears after start. The transport
 * must recover in the same process, in both directions and both families.
 */

import assert from "node:assert/strict";
import { Agent, type AgentMessage, carries } from "./agent.ts";
import { type Host, Lab, netnsTest } from "./harness.ts";
import { buildQuery, TYPE } from "./packets.ts";

const NO_FFI = ["--unstable-net", "--allow-all", "--deny-ffi"];

/** Multicast both ways over both families on `ifname` (ours) ↔ peer's eth0. */
async function exchange(ours: Agent, ifname: string, peer: Agent, tag: string): Promise<void> {
  for (const family of ["IPv4", "IPv6"] as const) {
    const out = `${tag}o${family.slice(-1)}`;
    const back = `${tag}b${family.slice(-1)}`;
    await ours.sendUntil(
      buildQuery(`${out}.local`, TYPE.A),
      { interfaceName: ifname, family },
      peer,
      (d) => carries(d, out),
      { tries: 40, what: out },
    );
    const got = await peer.sendUntil(
      buildQuery(`${back}.local`, TYPE.A),
      { interfaceName: "eth0", family },
      ours,
      (d) => carries(d, back),
      { tries: 40, what: back },
    );
    assert.equal(got.interfaceName, ifname);
  }
}

function linkEvent(type: string, name: string, check: (m: AgentMessage) => boolean = () => true) {
  return (m: AgentMessage) => m.event === type && m.link.name === name && check(m);
}

/**
 * The event that makes `name` usable over both families: it may come as
 * `link-added` (or `link-up`, with the FFI hatch, when the interface was seen
 * before it was set up) or as a `link-changed` once fe80 follows IPv4.
 */
function dualStack(name: string) {
  return (m: AgentMessage) =>
    /^link-(added|changed|up)$/.test(m.event) && m.link.name === name && m.link.ipv6.length > 0;
}

async function twoHosts(lab: Lab): Promise<[Host, Host]> {
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  return [a, b];
}

netnsTest(
  "transport: without the FFI hatch, link down and up show as address changes",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await twoHosts(lab);
    const [ta, tb] = await Promise.all([Agent.start(a, {}, NO_FFI), Agent.start(b)]);
    await exchange(ta, "eth0", tb, "pre");
    const start = ta.child.mark();
    let since = start;
    await a.setLink("eth0", "down");
    // Deno cannot see up/down. What it sees: the kernel drops every IPv6
    // address on link down (IPv4 stays listed), fe80 and so the index with them.
    const down = await ta.waitEvent(
      linkEvent("link-changed", "eth0", (m) => m.link.ipv6.length === 0),
      { since },
    );
    assert.equal(down.link.index, 0);
    assert.deepEqual(down.link.ipv4, down.previous.ipv4, "IPv4 stays");
    assert.ok(down.previous.ipv6.length > 0);
    since = ta.child.mark();
    await a.setLink("eth0", "up");
    // fe80 comes back (the ULA does not: keep_addr_on_down=0); IPv6 sockets reopen.
    const up = await ta.waitEvent(
      linkEvent("link-changed", "eth0", (m) => m.link.ipv6.length > 0),
      { since },
    );
    assert.ok(up.link.ipv6.some((c: string) => c.startsWith("fe80:")));
    assert.equal(up.link.index, ta.links[0].index, "the same interface, not a new one");
    assert.equal(up.previous.index, 0);
    const kinds = ta.child.filter((m) => /^link-/.test(m.event), start).map((m) => m.event);
    assert.ok(kinds.every((k) => k === "link-changed"), `only link-changed: ${kinds}`);
    await exchange(ta, "eth0", tb, "post");
    await Promise.all([ta.close(), tb.close()]);
  },
);

netnsTest("transport: recovers when its interface is deleted and re-created", async () => {
  await using lab = await Lab.create();
  const [a, b] = await twoHosts(lab);
  const [ta, tb] = await Promise.all([Agent.start(a), Agent.start(b)]);
  const oldIndex = ta.links[0].index;
  let since = ta.child.mark();
  await lab.unplug(a, "eth0");
  await ta.waitEvent(linkEvent("link-removed", "eth0"), { since });
  const { links } = await ta.stats();
  assert.deepEqual(links, []);
  // A send to a vanished link fails cleanly (false + send-error), never throws.
  assert.equal(await ta.send(new Uint8Array(12), { interfaceName: "eth0", family: "IPv4" }), false);
  since = ta.child.mark();
  await lab.replug(a, "eth0");
  // Added as soon as its IPv4 address is there, changed when fe80 follows.
  await ta.waitEvent(linkEvent("link-added", "eth0"), { since });
  const up = await ta.waitEvent(
    dualStack("eth0"),
    { since },
  );
  assert.notEqual(up.link.index, oldIndex, "a re-created veth gets a new ifindex");
  // rx4 must have re-joined and the IPv6 socket been recreated on the new index.
  await exchange(ta, "eth0", tb, "re");

  // Again, faster than a poll: the IPv4 address never disappears from the
  // list, so only the identity change (index, MAC) and re-joining every poll
  // can heal the memberships the kernel dropped with the old device.
  since = ta.child.mark();
  await lab.unplug(a, "eth0");
  await lab.replug(a, "eth0");
  // The MAC changed: removed then added, even when no poll saw it gone.
  await ta.waitEvent(linkEvent("link-removed", "eth0"), { since });
  const again = await ta.waitEvent(
    dualStack("eth0"),
    { since },
  );
  assert.notEqual(again.link.index, up.link.index);
  await exchange(ta, "eth0", tb, "fast");
  await Promise.all([ta.close(), tb.close()]);
});

netnsTest("transport: picks up an interface that appears after start", async () => {
  await using lab = await Lab.create();
  const [a, b] = await twoHosts(lab);
  const br2 = await lab.addBridge();
  const c = await lab.addHost("c");
  await lab.connect(c, br2);
  const [ta, tb, tc] = await Promise.all([Agent.start(a), Agent.start(b), Agent.start(c)]);
  assert.deepEqual(ta.links.map((l) => l.name), ["eth0"]);
  const since = ta.child.mark();
  await lab.connect(a, br2, { ifname: "eth1" });
  await ta.waitEvent(linkEvent("link-added", "eth1"), { since });
  await ta.waitEvent(
    dualStack("eth1"),
    { since },
  );
  await exchange(ta, "eth1", tc, "late");
  await exchange(ta, "eth0", tb, "old");
  await Promise.all([ta.close(), tb.close(), tc.close()]);
});

netnsTest("transport: waitForInterfaces starts with no interface and picks one up", async () => {
  await using lab = await Lab.create();
  const br = await lab.addBridge();
  const a = await lab.addHost("a");
  const b = await lab.addHost("b");
  await lab.connect(b, br);
  const [ta, tb] = await Promise.all([Agent.start(a, { waitForInterfaces: true }), Agent.start(b)]);
  assert.deepEqual(ta.links, []);
  const since = ta.child.mark();
  await lab.connect(a, br);
  await ta.waitEvent(linkEvent("link-added", "eth0"), { since });
  await ta.waitEvent(
    dualStack("eth0"),
    { since },
  );
  await exchange(ta, "eth0", tb, "wait");
  await Promise.all([ta.close(), tb.close()]);
});

netnsTest(
  "transport: an address added and removed changes the link, with the previous view",
  async () => {
    await using lab = await Lab.create();
    const [a] = await lab.hostsOnOneBridge("a");
    const ta = await Agent.start(a);
    const [before] = ta.links;
    let since = ta.child.mark();
    await a.ip("addr", "add", "198.18.77.1/24", "dev", "eth0");
    const added = await ta.waitEvent(linkEvent("link-changed", "eth0"), { since });
    assert.deepEqual(added.link.ipv4, [...before.ipv4, "198.18.77.1/24"]);
    assert.deepEqual(added.previous, before);
    since = ta.child.mark();
    await a.ip("addr", "del", "198.18.77.1/24", "dev", "eth0");
    const removed = await ta.waitEvent(linkEvent("link-changed", "eth0"), { since });
    assert.deepEqual(removed.link, before);
    assert.deepEqual(removed.previous.ipv4, added.link.ipv4);
    await ta.close();
  },
);

netnsTest(
  "transport: with the FFI hatch, link down and up (admin and carrier) are seen",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await twoHosts(lab);
    const [ta, tb] = await Promise.all([Agent.start(a), Agent.start(b)]);
    assert.equal((await ta.stats()).stats.ffi, "active");
    const start = ta.child.mark();
    let since = start;
    await a.setLink("eth0", "down");
    const down = await ta.waitEvent(linkEvent("link-down", "eth0"), { since });
    assert.deepEqual(down.link.ipv4, ta.links[0].ipv4);
    assert.deepEqual((await ta.stats()).links, [], "a down link is not in links");
    assert.equal(
      await ta.send(new Uint8Array(12), { interfaceName: "eth0", family: "IPv4" }),
      false,
    );
    const error = await ta.waitEvent((m) => m.event === "send-error", { since });
    assert.match(error.message, /^Cannot send: interface is down: eth0$/);
    since = ta.child.mark();
    await a.setLink("eth0", "up");
    await ta.waitEvent(linkEvent("link-up", "eth0"), { since });
    await ta.waitEvent(dualStack("eth0"), { since });
    await exchange(ta, "eth0", tb, "admin");

    // Carrier: the switch side of the veth goes down; the addresses all stay.
    const port = a.interfaces.get("eth0")!.port;
    since = ta.child.mark();
    await lab.setSwitchPort(port, "down");
    const lost = await ta.waitEvent(linkEvent("link-down", "eth0"), { since });
    assert.ok(lost.link.ipv6.length > 0, "carrier loss keeps IPv6 addresses");
    since = ta.child.mark();
    await lab.setSwitchPort(port, "up");
    await ta.waitEvent(linkEvent("link-up", "eth0"), { since });
    await exchange(ta, "eth0", tb, "carrier");
    const kinds = ta.child.filter((m) => /^link-/.test(m.event), start).map((m) => m.event);
    assert.ok(!kinds.includes("link-removed") && !kinds.includes("link-added"), `${kinds}`);
    await Promise.all([ta.close(), tb.close()]);
  },
);
