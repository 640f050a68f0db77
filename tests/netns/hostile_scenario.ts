/**
 * The over-the-wire hostile-packet run (issue 16 item 1), shared by the CI
 * test (`hardening_hostile_test.ts`, a smaller count) and the bench script
 * (`bench/hardening_netns_bench.ts`, the full count): host `a` runs our stack
 * publishing `Den._mdt._tcp` as `hard-a.local` and browsing (the service
 * types and `_mdt._tcp`), host `b` fires the hostile packets at it over IPv4
 * and IPv6, host `c` checks four times a second that it still resolves. What
 * comes back is measured, not judged: the callers assert or print.
 *
 * @module
 */

import type { Host, Lab } from "./harness.ts";
import { Publisher, type PublisherMessage } from "./publisher.ts";

const SENDER = new URL("./agents/hostile_sender.ts", import.meta.url).pathname;
const CHECKER = new URL("./agents/resolve_checker.ts", import.meta.url).pathname;

/** The target's names. */
export const HOSTILE_TARGET = {
  host: "hard-a.local",
  instance: "Den._mdt._tcp.local",
  type: "_mdt._tcp.local",
} as const;

/** What one run measured. */
export interface HostileRun {
  /** Packets the sender put on the wire, by kind and family. */
  sent: number;
  byKind: Record<string, number>;
  byFamily: Record<string, number>;
  /** Sender's wall time, s. */
  seconds: number;
  /** Queries the resolve checker sent, and its checks passed and failed. */
  checker: { sent: number; passed: number; failed: number };
  /** Datagrams that reached the target's transport during the run (delivered + dropped there). */
  arrived: number;
  /** Change of each counter of `mdns.stats` and of the transport's over the run. */
  stats: Record<string, number>;
  transport: Record<string, number>;
  /** Datagrams the kernel dropped on the target's port-5353 sockets during the run. */
  kernelDrops: number;
  /** RSS and V8 heap in use (bytes) before, after warm-up (20 % of the packets) and at the end. */
  rss: { before: number; warm: number; end: number };
  heap: { before: number; warm: number; end: number };
  /** Target CPU time over the run, s. */
  cpuSeconds: number;
  /** The names the target holds at the end, and its rename/conflict events. */
  names: { service: string; host: string; renames: PublisherMessage[] };
  /** Whether the target process is still running. */
  alive: boolean;
}

/** Sum of the drop counters of `/proc/net/udp` and `udp6` for sockets on port 5353. */
export async function kernelDrops(host: Host): Promise<number> {
  let total = 0;
  for (const file of ["/proc/net/udp", "/proc/net/udp6"]) {
    const { stdout } = await host.exec(["cat", file]);
    for (const line of stdout.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 13) continue;
      if (!fields[1].endsWith(":14E9")) continue; // local port 5353
      total += Number(fields[fields.length - 1]);
    }
  }
  return total;
}

const sum = (o: Record<string, number>, keys: readonly string[]) =>
  keys.reduce((n, k) => n + (o[k] ?? 0), 0);

/** Every counter a received datagram can end in (RFC 6762's drops and the two routes). */
export const OUTCOME_COUNTERS = [
  "queries",
  "responses",
  "malformed",
  "opcode",
  "rcode",
  "sourcePort",
  "offLink",
  "unsolicitedUnicast",
] as const;

function delta(after: Record<string, number>, before: Record<string, number>) {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    if (typeof v === "number") out[k] = v - (before[k] ?? 0);
  }
  return out;
}

/** Runs the scenario in `lab` (three hosts on one bridge are created). */
export async function runHostile(
  lab: Lab,
  options: { count: number; rate: number; seed?: number },
): Promise<HostileRun> {
  const [a, b, c] = await lab.hostsOnOneBridge("a", "b", "c");
  const eth = a.interfaces.get("eth0")!;
  const target = await Publisher.start(a, { hostName: HOSTILE_TARGET.host });
  const published = await target.publish({
    name: "Den",
    type: "_mdt._tcp",
    port: 4242,
    txt: { path: "/" },
  });
  await target.browse();
  await target.browse("_mdt._tcp");
  await new Promise((r) => setTimeout(r, 1000));
  const drops0 = await kernelDrops(a);
  const before = await target.cpu();
  // Started after the snapshot: every query it sends falls inside the run.
  const checker = c.deno(CHECKER, [JSON.stringify({
    v4: eth.ipv4,
    v6: eth.ipv6,
    name: HOSTILE_TARGET.instance,
    host: HOSTILE_TARGET.host,
    intervalMs: 250,
  })], { stdin: true, label: "[c] resolve_checker" });
  await checker.waitFor((m: PublisherMessage) => m.event === "started", { timeoutMs: 20_000 });
  const sender = b.deno(SENDER, [JSON.stringify({
    seed: options.seed ?? 0x5eed,
    count: options.count,
    rate: options.rate,
    v4: eth.ipv4,
    v6: eth.ipv6,
    target: HOSTILE_TARGET,
  })], { label: "[b] hostile_sender" });
  const expectedMs = options.count / options.rate * 1000;
  await sender.waitFor(
    (m: PublisherMessage) => m.event === "progress" && m.sent >= options.count / 5,
    {
      timeoutMs: expectedMs + 30_000,
      what: "20 % of the hostile packets",
    },
  );
  const warm = await target.cpu();
  type Done = {
    event: string;
    sent: number;
    byKind: Record<string, number>;
    byFamily: Record<string, number>;
    seconds: number;
  };
  const done = await sender.waitFor((m: Done) => m.event === "done", {
    timeoutMs: expectedMs * 2 + 60_000,
    what: "the sender's last packet",
  });
  await checker.send({ op: "stop" });
  const summary = await checker.waitFor((m: PublisherMessage) => m.event === "summary", {
    timeoutMs: 10_000,
  });
  await new Promise((r) => setTimeout(r, 500)); // the last datagrams land
  const after = await target.cpu();
  const drops = (await kernelDrops(a)) - drops0;
  const stats = delta(after.stats, before.stats);
  const transport = delta(after.transport, before.transport);
  const alive = !target.child.exited;
  const renames = target.child.filter((m: PublisherMessage) =>
    m.event === "renamed" || m.event === "conflict" || m.event === "host-renamed"
  );
  const run: HostileRun = {
    sent: done.sent,
    byKind: done.byKind,
    byFamily: done.byFamily,
    seconds: done.seconds,
    checker: { sent: summary.sent, passed: summary.passed, failed: summary.failed },
    arrived: stats.received + sum(transport, ["offLink", "oversized"]),
    stats,
    transport,
    kernelDrops: drops,
    rss: { before: before.rss, warm: warm.rss, end: after.rss },
    heap: { before: before.heapUsed, warm: warm.heapUsed, end: after.heapUsed },
    cpuSeconds: (after.micros - before.micros) / 1e6,
    names: { service: published.name, host: published.host, renames },
    alive,
  };
  await target.close();
  return run;
}
