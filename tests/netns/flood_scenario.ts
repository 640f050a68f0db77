/**
 * The query-flood run (issue 16 item 2), shared by the CI test
 * (`hardening_flood_test.ts`, short) and the bench script
 * (`bench/hardening_netns_bench.ts`, 10 s): host `a` runs our stack publishing
 * `Den._mdt._tcp` as `flood-a.local`; host `b` floods it with PTR queries for
 * `_mdt._tcp.local` at a paced rate, multicast (both families) or legacy
 * unicast; host `c` checks four times a second that it resolves; host `d`
 * captures every multicast response about our names, to count how often each
 * record went out per link and family (RFC 6762 §6: at most once a second).
 * The publisher can be ours, avahi-daemon (`avahi-publish -s`) or
 * python-zeroconf (`target.ts`), for the bench's side-by-side figures; CPU
 * and RSS of the publishing process come from /proc (the V8 heap from ours alone).
 *
 * @module
 */

import type { Child, Host, Lab } from "./harness.ts";
import type { PublisherMessage } from "./publisher.ts";
import {
  growthProblems,
  startTarget,
  type Target,
  type TargetKind,
  type TargetUsage,
} from "./target.ts";
import { LEGACY_BURST_SECONDS, LEGACY_QUERY_RATE } from "../../responder/_legacy_limit.ts";

const FLOOD = new URL("./agents/query_flood.ts", import.meta.url).pathname;
const CHECKER = new URL("./agents/resolve_checker.ts", import.meta.url).pathname;
const CAPTURE = new URL("./agents/capture_agent.ts", import.meta.url).pathname;

/** RFC 6762 §6: a record is multicast on a link at most once a second. */
export const MULTICAST_INTERVAL_MS = 1000;
/** Slack for the capture's own timestamps (a userspace receive loop on a shared CPU). */
export const CAPTURE_SLACK_MS = 100;

/** What one flood measured. */
export interface FloodRun {
  mode: "multicast" | "legacy";
  /** Queries sent and the flood's wall time, s. */
  sent: number;
  seconds: number;
  checker: { sent: number; passed: number; failed: number; retried: number };
  /** Resolve checks by family: passed, failed, and the slowest passed answer (ms). */
  checksByFamily: Record<string, { passed: number; failed: number; slowestMs: number }>;
  /** Multicast responses about our names the capture saw, and the shortest gap between two sends of one record (name, type, data) on one family. */
  multicastRecords: number;
  shortestGapMs: number;
  /** The record and family with the shortest gap. */
  shortestGapRecord: string;
  rss: { before: number; warm: number; end: number };
  heap: { before: number; warm: number; end: number };
  cpuSeconds: number;
  /** Queries our stack counted over the run (undefined for the peers). */
  queries: number | undefined;
  /** Of those, legacy queries left unread: their address was past its bucket (ours only). */
  legacyLimited: number | undefined;
  alive: boolean;
}

type Captured = {
  event: string;
  ms: number;
  family: string;
  unicast: boolean;
  records: { name: string; type: number; ttl: number; data: string }[];
};

/** Which stack publishes `Den._mdt._tcp` on host a (`target.ts`). */
export type FloodPublisher = TargetKind;

/**
 * Starts the four hosts and the publisher; the same lab serves several floods.
 * `flags` replaces our publisher's `deno run` flags (V8 flags, say).
 */
export async function floodLab(
  lab: Lab,
  publisher: FloodPublisher = "ours",
  flags?: readonly string[],
): Promise<FloodLab> {
  const [a, b, c, d] = await lab.hostsOnOneBridge("a", "b", "c", "d");
  const target = await startTarget(publisher, a, { label: "flood-a", flags });
  const capture = d.deno(CAPTURE, [JSON.stringify({})], { stdin: true, label: "[d] capture" });
  await capture.waitFor((m: Captured) => m.event === "started", { timeoutMs: 20_000 });
  return new FloodLab(target, capture, { a, b, c });
}

/** Four hosts: publisher, flooder, checker, capture. */
export class FloodLab {
  /** The publishing process. */
  readonly target: Target;
  #capture: Child;
  #hosts: { a: Host; b: Host; c: Host };

  constructor(target: Target, capture: Child, hosts: { a: Host; b: Host; c: Host }) {
    this.target = target;
    this.#capture = capture;
    this.#hosts = hosts;
  }

  /** One flood of `seconds` at `rate` queries a second. */
  async flood(mode: "multicast" | "legacy", rate: number, seconds: number): Promise<FloodRun> {
    const eth = this.#hosts.a.interfaces.get("eth0")!;
    const before = await this.target.usage();
    const checker = this.#hosts.c.deno(CHECKER, [JSON.stringify({
      v4: eth.ipv4,
      v6: eth.ipv6,
      name: "Den._mdt._tcp.local",
      host: this.target.host,
      intervalMs: 250,
      // A resolve as a stub resolver makes it: one retry after 1 s. The flood
      // fills the shared socket buffer and the kernel drops what does not fit,
      // the first try included; `retried` says how often.
      retryMs: 1000,
      timeoutMs: 2500,
    })], { stdin: true, label: "[c] resolve_checker" });
    await checker.waitFor((m: PublisherMessage) => m.event === "started", { timeoutMs: 20_000 });
    const since = this.#capture.mark();
    const flooder = this.#hosts.b.deno(FLOOD, [JSON.stringify({
      address: eth.ipv4,
      name: "_mdt._tcp.local",
      type: 12,
      durationMs: seconds * 1000,
      rate,
      multicast: mode === "multicast",
    })], { label: `[b] ${mode} flood` });
    await new Promise((r) => setTimeout(r, seconds * 1000 / 5 + 1000)); // Deno starts in ~1 s
    const warm = await this.target.usage();
    type Done = { event: string; sent: number; seconds: number };
    const done = await flooder.waitFor((m: Done) => m.event === "done", {
      timeoutMs: seconds * 1000 + 30_000,
      what: "the flood's end",
    });
    await checker.send({ op: "stop" });
    const summary = await checker.waitFor((m: PublisherMessage) => m.event === "summary", {
      timeoutMs: 10_000,
    });
    const after = await this.target.usage();
    const checksByFamily: FloodRun["checksByFamily"] = {};
    type Check = { event: string; family: string; ok: boolean; ms: number };
    for (const c of checker.messages as Check[]) {
      if (c.event !== "check") continue;
      const f = checksByFamily[c.family] ??= { passed: 0, failed: 0, slowestMs: 0 };
      if (c.ok) {
        f.passed++;
        f.slowestMs = Math.max(f.slowestMs, Math.round(c.ms));
      } else f.failed++;
    }
    // Gaps between multicast sends of one record (name, type) on one family.
    const last = new Map<string, number>();
    let shortestGapMs = Infinity, shortestGapRecord = "", multicastRecords = 0;
    for (
      const m of this.#capture.filter((m: Captured) => m.event === "response" && !m.unicast, since)
    ) {
      const inPacket = new Set<string>(); // a record in answers and additionals counts once
      for (const r of m.records) {
        if (!/den\._mdt\._tcp\.local|_mdt\._tcp\.local|flood-a\.local/i.test(r.name)) continue;
        const key = `${r.name.toLowerCase()} ${r.type} ${r.data} ${m.family}`;
        if (inPacket.has(key)) continue;
        inPacket.add(key);
        multicastRecords++;
        const previous = last.get(key);
        if (previous !== undefined && m.ms - previous < shortestGapMs) {
          shortestGapMs = m.ms - previous;
          shortestGapRecord = key;
        }
        last.set(key, m.ms);
      }
    }
    return {
      mode,
      sent: done.sent,
      seconds: done.seconds,
      checker: {
        sent: summary.sent,
        passed: summary.passed,
        failed: summary.failed,
        retried: summary.retried,
      },
      checksByFamily,
      multicastRecords,
      shortestGapMs,
      shortestGapRecord,
      rss: { before: before.rss, warm: warm.rss, end: after.rss },
      heap: { before: before.heapUsed ?? 0, warm: warm.heapUsed ?? 0, end: after.heapUsed ?? 0 },
      cpuSeconds: after.cpuSeconds - before.cpuSeconds,
      queries: counted(after, before, "queries"),
      legacyLimited: counted(after, before, "legacyLimited"),
      alive: this.target.alive(),
    };
  }
}

/** Change of one of our stack's counters (undefined for the peers, which count nothing we read). */
function counted(after: TargetUsage, before: TargetUsage, name: string): number | undefined {
  if (after.stats === undefined || before.stats === undefined) return undefined;
  return after.stats[name] - before.stats[name];
}

/**
 * Bounds a flood must keep after warm-up (20 % of the flood), as for the
 * hostile packets (`HOSTILE_BOUNDS` says why RSS may grow more than the live
 * heap): RSS within V8's default young generation plus 16 MiB, the live heap
 * (ours only) within 8 MiB.
 */
export const FLOOD_BOUNDS = {
  rssGrowthAfterWarmUp: 48 * 1024 * 1024,
  heapGrowthAfterWarmUp: 8 * 1024 * 1024,
} as const;

/** What a flood did wrong (empty when it kept issue 16 item 2's promises). */
export function checkFloodRun(run: FloodRun): string[] {
  const problems: string[] = [];
  if (!run.alive) problems.push("the target died");
  const { sent, passed, failed, retried } = run.checker;
  if (failed > 0 || passed !== sent - retried || passed < run.seconds * 2) {
    problems.push(`resolve checks: ${passed} of ${sent} passed, ${failed} failed`);
  }
  // The flood must have been one: at least a thousand queries a second reached
  // our stack (the kernel drops what overflows the socket buffer: a figure for
  // the bench, not a pass/fail). The peers count nothing we can read.
  if (run.queries !== undefined && run.queries < run.seconds * 1000) {
    problems.push(`only ${run.queries} of ${run.sent} queries reached the stack`);
  }
  // A legacy flood from one address is read at most its bucket's worth
  // (responder/_legacy_limit.ts); the checker's queries come from another.
  // The counters span the flood plus a few seconds of start and stop.
  if (run.mode === "legacy" && run.queries !== undefined && run.legacyLimited !== undefined) {
    const read = run.queries - run.legacyLimited - run.checker.sent;
    const bound = LEGACY_QUERY_RATE * (LEGACY_BURST_SECONDS + run.seconds + 10);
    if (read > bound) problems.push(`${read} flood queries read, bound ${bound}`);
  }
  if (run.mode === "multicast" && run.multicastRecords === 0) {
    problems.push("the capture saw no multicast answer: the flood was not answered at all");
  }
  if (run.shortestGapMs < MULTICAST_INTERVAL_MS - CAPTURE_SLACK_MS) {
    problems.push(`${run.shortestGapRecord} multicast twice within ${run.shortestGapMs} ms`);
  }
  problems.push(...growthProblems(run, FLOOD_BOUNDS));
  return problems;
}
