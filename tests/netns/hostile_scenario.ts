/**
 * The over-the-wire hostile-packet run (issue 16 item 1), shared by the CI
 * test (`hardening_hostile_test.ts`, a smaller count) and the bench script
 * (`bench/hardening_netns_bench.ts`, the full count): host `a` runs a stack
 * publishing `Den._mdt._tcp` as `hard-a.local` and browsing (the service
 * types and `_mdt._tcp`), host `b` fires the hostile packets at it over IPv4
 * and IPv6, host `c` checks four times a second that it still resolves. What
 * comes back is measured, not judged: the callers assert or print. The stack
 * is ours, or for the bench's side-by-side figures avahi-daemon or
 * python-zeroconf (`target.ts`): the same packets, the same checks from
 * outside; our stack's own counters (every packet accounted for) and V8
 * heap are ours alone.
 *
 * @module
 */

import type { Host, Lab } from "./harness.ts";
import type { PublisherMessage } from "./publisher.ts";
import {
  growthProblems,
  type Points,
  startTarget,
  type TargetKind,
  type TargetNames,
  type TargetUsage,
} from "./target.ts";

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
  /** The stack under attack. */
  kind: TargetKind;
  /** Packets the sender put on the wire, by kind and family. */
  sent: number;
  byKind: Record<string, number>;
  byFamily: Record<string, number>;
  /** Sender's wall time, s. */
  seconds: number;
  /** Queries the resolve checker sent, and its checks passed and failed. */
  checker: { sent: number; passed: number; failed: number };
  /** Datagrams that reached the target's transport during the run (delivered + dropped there; ours only). */
  arrived: number | undefined;
  /** Change of each counter of `mdns.stats` and of the transport's over the run (ours only). */
  stats: Record<string, number> | undefined;
  transport: Record<string, number> | undefined;
  /** Datagrams the kernel dropped on the target's port-5353 sockets during the run. */
  kernelDrops: number;
  /** RSS and V8 heap in use (bytes; the heap ours only, else 0) before, after warm-up (20 % of the packets) and at the end. */
  rss: Points;
  heap: Points;
  /** V8 heap reserved (heapTotal) and external buffers, bytes, at the same three points (ours only). */
  heapTotal: Points;
  external: Points;
  /** Target CPU time over the run, s. */
  cpuSeconds: number;
  /** The names the target holds at the end, and its rename/conflict events. */
  names: TargetNames;
  /** Whether the target process is still running. */
  alive: boolean;
}

export type { Points };

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

function delta(after: Record<string, unknown>, before: Record<string, unknown>) {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const was = before[k];
    if (typeof v === "number") out[k] = v - (typeof was === "number" ? was : 0);
  }
  return out;
}

/**
 * Runs the scenario in `lab` (three hosts on one bridge are created) at
 * `kind` (ours unless told); `flags` are our target's `deno run` flags
 * (`Publisher.start`'s default: V8's own heap sizing).
 */
export async function runHostile(
  lab: Lab,
  options: {
    count: number;
    rate: number;
    seed?: number;
    flags?: readonly string[];
    kind?: TargetKind;
    /** `false`: publish only (a diagnosis: what the browsing costs). @default {true} */
    browse?: boolean;
  },
): Promise<HostileRun> {
  const [a, b, c] = await lab.hostsOnOneBridge("a", "b", "c");
  const eth = a.interfaces.get("eth0")!;
  const kind = options.kind ?? "ours";
  const target = await startTarget(kind, a, {
    label: HOSTILE_TARGET.host.replace(/\.local$/, ""),
    flags: options.flags,
    browse: options.browse ?? true,
  });
  await new Promise((r) => setTimeout(r, 1000));
  const drops0 = await kernelDrops(a);
  const before = await target.usage();
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
  const warm = await target.usage();
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
  const alive = target.alive();
  const after = alive ? await target.usage() : { cpuSeconds: NaN, rss: NaN };
  const drops = (await kernelDrops(a)) - drops0;
  const stats = after.stats && before.stats && delta(after.stats, before.stats);
  const transport = after.transport && before.transport &&
    delta(after.transport, before.transport);
  const points = (read: (u: TargetUsage) => number | undefined): Points => ({
    before: read(before) ?? 0,
    warm: read(warm) ?? 0,
    end: read(after) ?? 0,
  });
  const run: HostileRun = {
    kind,
    sent: done.sent,
    byKind: done.byKind,
    byFamily: done.byFamily,
    seconds: done.seconds,
    checker: { sent: summary.sent, passed: summary.passed, failed: summary.failed },
    arrived: stats && transport && stats.received + sum(transport, ["offLink", "oversized"]),
    stats,
    transport,
    kernelDrops: drops,
    rss: points((u) => u.rss),
    heap: points((u) => u.heapUsed),
    heapTotal: points((u) => u.heapTotal),
    external: points((u) => u.external),
    cpuSeconds: after.cpuSeconds - before.cpuSeconds,
    names: alive ? await target.names() : { service: "", host: "", renames: [] },
    alive,
  };
  if (alive) await target.close(); // else the lab's teardown ends what is left
  return run;
}

/** Every shape the generator makes: a run that misses one did not test it. */
export const HOSTILE_KINDS = [
  "mutated",
  "pointer-loop",
  "pointer-chain",
  "counts-beyond",
  "rdlength-past-end",
  "empty-rdata",
  "txt-65535",
  "txt-large",
  "escaped-dot",
  "self-reference",
  "opcode",
  "rcode",
  "own-probe-garbage",
  "own-response-garbage",
  "other-port",
] as const;

/**
 * The bounds a run must keep, from warm-up (20 % of the packets: the peer
 * cache has filled) to the end. The live heap (measured after a full
 * collection) may grow by the peer cache's 4 MiB budget plus a constant: that
 * is our state. RSS may grow by more, and does: V8 sizes its heap for the
 * allocation rate and keeps what it reserved (100,000 packets: live heap
 * +2.5 MiB, V8's reserved heap +24 MiB, RSS +29 MiB). The RSS bound is V8's
 * young generation at its default maximum (two 16 MiB semi-spaces) plus 16
 * MiB; `--v8-flags=--max-semi-space-size=1` shrinks the growth to about 5 MiB
 * (README, Limitations).
 */
export const HOSTILE_BOUNDS = {
  rssGrowthAfterWarmUp: 48 * 1024 * 1024,
  heapGrowthAfterWarmUp: 8 * 1024 * 1024,
} as const;

/** What a run did wrong (empty when it kept every promise of issue 16 item 1). */
export function checkHostileRun(run: HostileRun): string[] {
  const problems: string[] = [];
  if (!run.alive) problems.push("the target died");
  for (const kind of HOSTILE_KINDS) {
    if (!(run.byKind[kind] > 0)) problems.push(`no ${kind} packet was sent`);
  }
  if (!(run.byFamily.IPv4 > 0 && run.byFamily.IPv6 > 0)) problems.push("not both families");
  if (run.names.renames.length > 0) problems.push(`renamed: ${JSON.stringify(run.names.renames)}`);
  if (run.names.service !== "Den" || run.names.host !== HOSTILE_TARGET.host) {
    problems.push(`names changed: ${JSON.stringify(run.names)}`);
  }
  const { sent, passed, failed } = run.checker;
  if (failed > 0 || passed !== sent || passed < run.seconds * 2) {
    problems.push(`resolve checks: ${passed} of ${sent} passed, ${failed} failed`);
  }
  if (run.kind === "ours") {
    if (run.stats === undefined || run.arrived === undefined) problems.push("no counters read");
    else problems.push(...checkAccounting(run, run.stats, run.arrived));
  }
  problems.push(...growthProblems(run, HOSTILE_BOUNDS));
  return problems;
}

/** Our stack's own counters: every packet that arrived is accounted for once. */
function checkAccounting(run: HostileRun, stats: Record<string, number>, arrived: number) {
  const problems: string[] = [];
  // Accounting: every datagram that arrived ends in exactly one counter, and
  // every datagram sent arrived or was dropped by the kernel (counted there).
  const outcomes = sum(stats, OUTCOME_COUNTERS);
  if (outcomes !== stats.received) {
    problems.push(`counters sum to ${outcomes}, received ${stats.received}`);
  }
  // The kernel's drop counters also count the target's own multicast looped
  // back to it (echoes, which the transport would have dropped) when they did
  // not fit: drops may only widen the window, and with none it is exact.
  const expected = run.sent + run.checker.sent;
  if (arrived > expected || arrived + run.kernelDrops < expected) {
    problems.push(
      `sent ${expected} (hostile ${run.sent} + checker ${run.checker.sent}), arrived ${arrived}, kernel drops ${run.kernelDrops}`,
    );
  }
  for (const counter of ["malformed", "opcode", "rcode", "sourcePort", "queries", "responses"]) {
    if (!(stats[counter] > 0)) problems.push(`nothing counted as ${counter}`);
  }
  return problems;
}
