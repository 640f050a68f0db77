/**
 * A link that loses all its IPv4 addresses while we publish: the goodbye for
 * the address that left (RFC 6762 §10.1, TTL 0) goes over IPv4 too, where an
 * IPv4-only peer (python-zeroconf's default) cached it. Once the address is
 * gone Linux sends IPv4 multicast on that link only from a socket not bound
 * to it, with the link chosen by index (IP_MULTICAST_IF): the datagram leaves
 * from 0.0.0.0 (or another link's address), port 5353. Deno's API has no
 * IP_MULTICAST_IF, so this takes the FFI hatch; without it the goodbye goes
 * over IPv6 alone and IPv4-only caches expire the record by its TTL. (Avahi
 * drops IPv4 datagrams from 0.0.0.0 in `avahi_recv_dns_packet_ipv4`, so it is
 * not the peer here.)
 */

import assert from "node:assert/strict";
import { Lab, netnsTest } from "./harness.ts";
import { type ProbeLine, startProbe } from "./ttl_probe.ts";
import { fromHex } from "./packets.ts";
import { QuerierAgent } from "./querier_agent.ts";
import { SYSTEM_PYTHON } from "./zeroconf.ts";
import { decodeMessage, type DnsMessage } from "../../codec/mod.ts";

const WATCH = new URL("./peers/zc_address_watch.py", import.meta.url).pathname;

const decoded = (hex: string): DnsMessage | undefined => {
  try {
    return decodeMessage(fromHex(hex));
  } catch {
    return undefined;
  }
};

netnsTest(
  "ipv4 loss: the goodbye for the lost IPv4 address goes over IPv4 too (FFI hatch)",
  async () => {
    await using lab = await Lab.create();
    const [a, m] = await lab.hostsOnOneBridge("a", "m");
    const address = a.interfaces.get("eth0")!.ipv4;
    const [ours, probe] = await Promise.all([
      QuerierAgent.start(a, { ffi: "auto", hostName: "loss-a.local" }),
      startProbe(m),
    ]);
    const p = await ours.op({
      op: "publish",
      options: { name: "LossA", type: "_lss._tcp", port: 7 },
    });
    await ours.reply(p, "published");
    const since = probe.mark();
    await a.ip("-4", "addr", "flush", "dev", "eth0"); // IPv6 stays
    const goodbye = (family: "IPv4" | "IPv6") =>
      probe.waitFor<ProbeLine>((line) => {
        if (line.family !== family || typeof line.hex !== "string") return false;
        return decoded(line.hex)?.answers.some((r) =>
          r.name === "loss-a.local" && r.type === 1 && r.data === address && r.ttl === 0
        ) ?? false;
      }, { since, timeoutMs: 10_000, what: `the ${family} goodbye for ${address}` });
    const [v6, v4] = await Promise.all([goodbye("IPv6"), goodbye("IPv4")]);
    assert.equal(v6.destination, "ff02::fb");
    assert.equal(v4.destination, "224.0.0.251");
    assert.equal(v4.source, "0.0.0.0"); // no IPv4 address left on a: the kernel's choice
    assert.equal(v4.port, 5353); // RFC 6762 §6: a response from another port is ignored
    assert.equal(v4.ttl, 255); // §11
    // The stack lives on: it still answers a command.
    const dump = await ours.op({ op: "dump" });
    await ours.reply(dump, "dump");
  },
);

netnsTest(
  "ipv4 loss: python-zeroconf on IPv4 alone drops the lost address at our goodbye (FFI hatch)",
  async () => {
    await using lab = await Lab.create();
    const [a, m] = await lab.hostsOnOneBridge("a", "m");
    const address = a.interfaces.get("eth0")!.ipv4;
    const ours = await QuerierAgent.start(a, { ffi: "auto", hostName: "loss-b.local" });
    const p = await ours.op({
      op: "publish",
      options: { name: "LossB", type: "_lss._tcp", port: 7 },
    });
    await ours.reply(p, "published");
    // python-zeroconf's default: IPv4 only, so the IPv6 goodbye never reaches it.
    const zc = m.spawn([
      SYSTEM_PYTHON,
      WATCH,
      JSON.stringify({
        type: "_lss._tcp.local.",
        name: "LossB._lss._tcp.local.",
        host: "loss-b.local.",
        ipVersion: "v4",
      }),
    ], { label: `[${m.name}] zc_address_watch` });
    type Line = { event: string; addresses?: string[] };
    const resolved = await zc.waitFor<Line>(
      (l) => l.event === "resolved" || l.event === "unresolved",
      {
        timeoutMs: 10_000,
        what: "python-zeroconf resolving LossB",
      },
    );
    assert.ok(resolved.addresses?.includes(address), JSON.stringify(resolved));
    await zc.waitFor<Line>((l) => l.event === "cache" && l.addresses?.includes(address) === true, {
      what: "the A record in python-zeroconf's cache",
    });
    const since = zc.mark();
    await a.ip("-4", "addr", "flush", "dev", "eth0"); // IPv6 stays
    // A goodbye expires the record within 1 s (RFC 6762 §10.1); without one it
    // would stay for the A's 120 s TTL.
    await zc.waitFor<Line>((l) => l.event === "cache" && !l.addresses!.includes(address), {
      since,
      timeoutMs: 8_000,
      what: `python-zeroconf forgetting ${address}`,
    });
  },
);
