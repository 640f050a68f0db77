/**
 * The hatch's datagram path (`transport/_ffi_datagrams.ts`), on real sockets:
 * with the `ffi` permission a burst is drained by `recvmmsg` after one wake-up
 * of Deno's `receive()` and replies leave through `sendto`; every datagram is
 * delivered once, with the source address text and port Deno itself would
 * give (IPv4, IPv6 global and fe80), and a refused send is reported as Deno
 * reports it; every socket gets the larger receive buffer. Without the
 * permission, the same traffic takes Deno's path and the system's buffer.
 */

import assert from "node:assert/strict";
import { Agent, type AgentDatagram } from "./agent.ts";
import { type Host, Lab, netnsTest } from "./harness.ts";
import { buildQuery, fromHex, hasLabel, TYPE } from "./packets.ts";
import { decodeMessage } from "../../codec/mod.ts";
import { SOCKET_RECEIVE_BUFFER_BYTES } from "../../transport/_link_sockets.ts";
import { SYSTEM_PYTHON } from "./zeroconf.ts";

const NO_FFI = ["--unstable-net", "--allow-all", "--deny-ffi"];
const BURST = 200;

/**
 * Sends `BURST` queries tagged `<tag>0..` from `host` as fast as Python can,
 * from one socket on port 5353 (or an ephemeral port), to each destination.
 */
async function burst(
  host: Host,
  destinations: { address: string; family: 4 | 6 }[],
  tag: string,
  port = 0,
): Promise<number> {
  const packets = Array.from(
    { length: BURST },
    (_, i) => [...buildQuery(`${tag}${i}.local`, TYPE.A)],
  );
  const script = `
import json, socket, sys
cfg = json.loads(sys.argv[1])
port = None
for d in cfg["destinations"]:
    fam = socket.AF_INET6 if d["family"] == 6 else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", cfg["port"]))
    if d["address"].startswith("ff02"):
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, socket.if_nametoindex("eth0"))
    for p in cfg["packets"]:
        s.sendto(bytes(p), (d["address"], 5353))
    port = s.getsockname()[1]
    s.close()
print(port)
`;
  const out = await host.exec([
    SYSTEM_PYTHON,
    "-c",
    script,
    JSON.stringify({ destinations, packets, port }),
  ]);
  return Number(out.stdout.trim());
}

/** Datagrams since `since` whose question is `<tag><n>.local`, one per distinct n. */
function tagged(agent: Agent, tag: string, since: number): AgentDatagram[] {
  return agent.datagrams((d) => {
    const name = decodeMessage(fromHex(d.hex)).questions[0]?.name ?? "";
    return new RegExp(`^${tag}\\d+\\.local$`).test(name);
  }, since);
}

async function waitFor(count: () => number, want: number, what: string): Promise<void> {
  const end = performance.now() + 5000;
  while (count() < want) {
    if (performance.now() > end) throw new Error(`Timed out: ${what}: ${count()} of ${want}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Receive buffer sizes (`rb` in `ss -m`) of the sockets bound to port 5353 in `host`. */
async function receiveBuffers(host: Host): Promise<number[]> {
  const out = await host.exec(["ss", "-uamnH", "sport = :5353"]);
  return [...out.stdout.matchAll(/rb(\d+)/g)].map((m) => Number(m[1]));
}

/** Delivers a burst to `agent` over IPv4, IPv6 and fe80 multicast; checks each datagram. */
async function checkBurst(agent: Agent, a: Host, b: Host, tag: string): Promise<void> {
  const { ipv4, ipv6 } = a.interfaces.get("eth0")!;
  const from = b.interfaces.get("eth0")!;
  const fe80 = await b.linkLocal("eth0");
  const cases = [
    { address: ipv4, family: 4 as const, source: from.ipv4, tag: `${tag}v4x` },
    { address: ipv6, family: 6 as const, source: from.ipv6, tag: `${tag}v6x` },
    { address: "ff02::fb", family: 6 as const, source: fe80, tag: `${tag}llx` },
  ];
  for (const c of cases) {
    const since = agent.child.mark();
    const port = await burst(b, [{ address: c.address, family: c.family }], c.tag);
    await waitFor(() => tagged(agent, c.tag, since).length, BURST, `${c.tag} burst`);
    const got = tagged(agent, c.tag, since);
    assert.equal(got.length, BURST, `${c.tag}: each datagram once`);
    for (const d of got) {
      assert.equal(d.address, c.source, `${c.tag}: source address text`);
      assert.equal(d.port, port, `${c.tag}: source port`);
      assert.equal(d.family, c.family === 4 ? "IPv4" : "IPv6");
      assert.equal(d.unicast, !c.address.startsWith("ff02"));
    }
  }
}

netnsTest(
  "transport direct io: with the hatch, bursts are drained by recvmmsg and sent by sendto",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const agent = await Agent.start(a);
    assert.equal((await agent.stats()).stats.ffi, "active");
    // Every socket gets the larger receive buffer (the kernel reports twice what was set).
    const buffers = await receiveBuffers(a);
    assert.ok(buffers.length >= 3, `sockets: ${buffers}`);
    for (const rb of buffers) assert.equal(rb, 2 * SOCKET_RECEIVE_BUFFER_BYTES);
    await checkBurst(agent, a, b, "d");
    const { stats } = await agent.stats();
    assert.ok(
      stats.directReceived > 0,
      `some of a burst came through recvmmsg: ${stats.directReceived}`,
    );

    // Sends: unicast and multicast through sendto, received intact by a peer without the hatch.
    const peer = await Agent.start(b, {}, NO_FFI);
    const sentBefore = (await agent.stats()).stats.directSent;
    const query = buildQuery("direct-send.local", TYPE.A);
    const { ipv4, ipv6 } = b.interfaces.get("eth0")!;
    for (
      const to of [
        { family: "IPv4" as const, address: ipv4 },
        { family: "IPv6" as const, address: ipv6 },
        { family: "IPv4" as const },
        { family: "IPv6" as const },
      ]
    ) {
      await agent.sendUntil(
        query,
        { interfaceName: "eth0", ...to },
        peer,
        (d) =>
          hasLabel(fromHex(d.hex), "direct-send") && d.unicast === (to.address !== undefined) &&
          d.family === to.family,
      );
    }
    assert.ok((await agent.stats()).stats.directSent >= sentBefore + 4);

    // A refused send: reported as Deno reports it (message and os error), never thrown.
    const since = agent.child.mark();
    assert.equal(
      await agent.send(query, { interfaceName: "eth0", family: "IPv4", address: "192.0.2.1" }),
      false,
    );
    const error = await agent.waitEvent((m) => m.event === "send-error", { since });
    assert.match(error.message, /^Network is unreachable \(os error 101\)$/);
    await Promise.all([agent.close(), peer.close()]);
  },
);

netnsTest(
  "transport direct io: without the ffi permission the same bursts take Deno's path",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const agent = await Agent.start(a, {}, NO_FFI);
    assert.equal((await agent.stats()).stats.ffi, "unavailable");
    await checkBurst(agent, a, b, "n");
    const since = agent.child.mark();
    assert.equal(
      await agent.send(buildQuery("x.local", TYPE.A), {
        interfaceName: "eth0",
        family: "IPv4",
        address: "192.0.2.1",
      }),
      false,
    );
    const error = await agent.waitEvent((m) => m.event === "send-error", { since });
    assert.match(error.message, /^Network is unreachable \(os error 101\)$/);
    const { stats } = await agent.stats();
    assert.equal(stats.directReceived, 0);
    assert.equal(stats.directSent, 0);
    await agent.close();
  },
);
