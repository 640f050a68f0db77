/**
 * What Avahi's and python-zeroconf's documented schedules would send on the
 * LAN of `bench/lan_500_sim.ts` (issue 16 item 8), and the least the protocol
 * needs there: a small discrete-event model, not a run of either stack.
 *
 * The LAN: `hosts` hosts start at the same seeded times as the simulation
 * (uniform in the first `startSpreadMs`), each publishes one instance of each
 * of three types and browses one type (host i browses type i mod 3); one IPv4
 * link. Every packet is multicast and heard by every host.
 *
 * What the model counts, per stack:
 * - Probes and announcements: fixed per-host packet schedules (below).
 * - Browse queries: the browser's own schedule, plus cache-refresh queries;
 *   a query lists as Known Answers the PTRs of its type it holds with more
 *   than half their TTL left (RFC 6762 §7.1), in as many packets as they need
 *   (`KNOWN_ANSWERS_PER_PACKET`, the rest with TC, §7.2). A query with an
 *   empty Known-Answer list suppresses the same question of other browsers
 *   for a second (§7.3; both stacks do this: Avahi `server.c` only for a
 *   query without known answers, python-zeroconf `QuestionHistory`).
 * - Responses: each publisher of the type whose PTR is not in the query's
 *   Known Answers answers once, unless it multicast that PTR less than
 *   `historyMs` ago (Avahi's 500 ms response history, python-zeroconf's and
 *   RFC 6762 §6's one second); a response is heard by all and refreshes
 *   every cache.
 * Left out: reordering, loss, answers aggregated across questions, and the
 *   service resolution a browse does not need (SRV/TXT/A of every instance;
 *   neither `avahi-browse` without `-r` nor python-zeroconf's ServiceBrowser
 *   resolves).
 *
 * Schedules (read from the sources through the search tools, 2026-12):
 * - Avahi (avahi-core): probes 250 ms apart after a 0-250 ms jitter, three
 *   (`announce.c`: AVAHI_PROBE_INTERVAL_MSEC, 3 probes); the records probed
 *   together go in one packet (`probe-sched.c`), so the host name and three
 *   services, registered together, probe in 3 packets. Three announcements,
 *   1 s then 2 s apart (`announce.c`, `sec_delay` doubling), aggregated by
 *   the response scheduler into one packet each. Browse (`querier.c`): a
 *   query at once, then 1 s, doubling, capped at one hour (`sec_delay *= 2`,
 *   60*60). Cache refresh (`cache.c`): a query at 80 % of a record's TTL
 *   (then 85/90/95 % if unanswered).
 * - python-zeroconf 0.47.3 (Debian's, the one our namespace tests run): per
 *   service, three probes `_CHECK_TIME` 175 ms apart after a 150-250 ms
 *   delay, then three announcements `_REGISTER_TIME` 225 ms apart
 *   (`_REGISTER_BROADCASTS`), one service at a time and no host-name probe:
 *   18 packets per host for three services. Browse (`ServiceBrowser`,
 *   `QueryScheduler`): first query after 20-120 ms
 *   (`_FIRST_QUERY_DELAY_RANDOM_INTERVAL`), then `_BROWSER_TIME` 1 s,
 *   doubling to `_BROWSER_BACKOFF_LIMIT` 3600 s; a PTR at 75 % of its TTL
 *   (`_EXPIRE_REFRESH_TIME_PERCENT`) brings the type's next query forward.
 * - The protocol's least: 3 probes for all four unique names in one packet
 *   each (RFC 6762 §8.1), 2 announcements (§8.3 "at least twice"), and one
 *   query per browser (§5.2: a browse starts with a query; with every host
 *   starting within a second the announcements bring every service: a host's
 *   second announcement comes at least 1.75 s after its start, after every
 *   browser started) and nothing else in the first minute: 5 packets per
 *   host plus one per browser, 6 N. In a steady hour: PTRs (TTL 4500 s)
 *   need one refresh per TTL: one query per type (§7.3 suppresses the rest)
 *   and one response per publisher per type, so 3 × 3600 / 4500 = 2.4
 *   responses per host per hour and 2.4 queries for the whole LAN.
 *
 * @module
 */

import { seededRandom } from "../testing/mod.ts";

/** PTR TTL (RFC 6762 §10: 75 minutes for records not tied to a host name). */
const PTR_TTL_MS = 4_500_000;
/** Known-Answer PTRs one 1472-byte query holds: ~12 + 20 bytes each (compressed names). */
export const KNOWN_ANSWERS_PER_PACKET = 45;
const TYPES = 3;

/** A stack's schedules, in milliseconds after the host's start. */
interface Schedule {
  name: string;
  /** Probe and announcement packet times after start (random draws from `r`). */
  claim(r: () => number): number[];
  /** When the last announcement goes out: the PTRs are heard from then. */
  announcedAt(claimTimes: number[]): number;
  /** The browse's periodic query times after start, up to `untilMs`. */
  queries(r: () => number, untilMs: number): number[];
  /** Fraction of a PTR's TTL at which a refresh query is due. */
  refreshAt: number;
  /** A publisher does not multicast its PTR again within this long. */
  historyMs: number;
}

function doubling(first: number, interval: number, cap: number, until: number): number[] {
  const out: number[] = [];
  for (let t = first, d = interval; t < until; t += d, d = Math.min(d * 2, cap)) out.push(t);
  return out;
}

const AVAHI: Schedule = {
  name: "Avahi",
  claim: (r) => {
    const p = r() * 250;
    const a = p + 750;
    return [p, p + 250, p + 500, a, a + 1000, a + 3000];
  },
  announcedAt: (c) => c[3],
  queries: (_r, until) => doubling(0, 1000, 3_600_000, until),
  refreshAt: 0.8,
  historyMs: 500,
};

const ZEROCONF: Schedule = {
  name: "python-zeroconf",
  claim: (r) => {
    const out: number[] = [];
    let t = 0;
    for (let s = 0; s < 3; s++) {
      t += 150 + r() * 100;
      for (let i = 0; i < 3; i++, t += 175) out.push(t);
      for (let i = 0; i < 3; i++, t += 225) out.push(t);
    }
    return out;
  },
  // The last service's first announcement: every PTR is out by then.
  announcedAt: (c) => c[15],
  queries: (r, until) => doubling(20 + r() * 100, 1000, 3_600_000, until),
  refreshAt: 0.75,
  historyMs: 1000,
};

/** Packets a stack's schedules send, whole LAN, in two windows. */
export interface ModelCounts {
  stack: string;
  /** Sent in the first minute, per host (mean). */
  firstMinutePerHost: number;
  /** Sent in the steady hour (from 1 h to 2 h), per host (mean). */
  steadyHourPerHost: number;
  /** Of the first minute, whole LAN: claims, queries, responses. */
  firstMinute: { claims: number; queries: number; responses: number };
  steadyHour: { claims: number; queries: number; responses: number };
}

interface Ev {
  at: number;
  kind: "query" | "claim";
  host: number;
}

/**
 * Runs one stack's model for `hosts` hosts started at `starts` (ms), for two
 * hours of model time.
 */
function run(schedule: Schedule, starts: readonly number[], seed: number): ModelCounts {
  const r = seededRandom(seed);
  const hosts = starts.length;
  const END = 7_200_000;
  const events: Ev[] = [];
  /** Per type: when each host last multicast its PTR of that type (heard by all). */
  const lastHeard = Array.from(
    { length: TYPES },
    () => new Array<number>(hosts).fill(-Infinity),
  );
  const announced = new Array<number>(hosts).fill(Infinity);
  for (let h = 0; h < hosts; h++) {
    const claim = schedule.claim(r).map((t) => t + starts[h]);
    for (const at of claim) events.push({ at, kind: "claim", host: h });
    announced[h] = schedule.announcedAt(claim);
    for (const t of schedule.queries(r, END)) {
      events.push({ at: starts[h] + t, kind: "query", host: h });
    }
  }
  events.sort((a, b) => a.at - b.at);
  const first = { claims: 0, queries: 0, responses: 0 };
  const steady = { claims: 0, queries: 0, responses: 0 };
  const bucket = (at: number) => at < 60_000 ? first : at >= 3_600_000 ? steady : undefined;
  /** Per type: the last query with no Known Answers (for §7.3 suppression). */
  const lastBare = new Array<number>(TYPES).fill(-Infinity);
  /** Per browser: the next refresh query due from its PTRs' TTLs. */
  const refreshDue: number[] = new Array(hosts).fill(Infinity);
  const ask = (h: number, at: number) => {
    const type = h % TYPES;
    // Known Answers: PTRs of the type heard since the browser started, over half TTL left.
    let known = 0;
    const silent: number[] = [];
    const heardOf = lastHeard[type];
    for (let p = 0; p < hosts; p++) {
      if (p === h) continue; // its own: it answers nobody, nobody answers it
      // The browser holds p's PTR if it was listening when p last multicast it.
      const heard = heardOf[p];
      if (heard >= starts[h] && heard <= at && at - heard < PTR_TTL_MS / 2) known++;
      else if (announced[p] <= at) silent.push(p);
    }
    if (known === 0 && at - lastBare[type] < 1000) return; // §7.3
    if (known === 0) lastBare[type] = at;
    const b = bucket(at);
    const packets = Math.max(1, Math.ceil(known / KNOWN_ANSWERS_PER_PACKET));
    if (b) b.queries += packets;
    for (const p of silent) {
      if (at - heardOf[p] < schedule.historyMs) continue;
      heardOf[p] = at + 20;
      if (b) b.responses++;
    }
    // Everyone heard these responses: the next refresh is due from them.
    for (let o = type; o < hosts; o += TYPES) {
      refreshDue[o] = Math.min(refreshDue[o], at + PTR_TTL_MS * schedule.refreshAt);
    }
  };
  let next = 0;
  const refreshes = () => {
    let soonest = Infinity, who = -1;
    for (let h = 0; h < hosts; h++) {
      if (refreshDue[h] < soonest) [soonest, who] = [refreshDue[h], h];
    }
    return { soonest, who };
  };
  for (;;) {
    const { soonest, who } = refreshes();
    const ev = events[next];
    if (ev === undefined && soonest >= END) break;
    if (ev === undefined || soonest < ev.at) {
      refreshDue[who] = Infinity;
      ask(who, soonest);
      continue;
    }
    next++;
    if (ev.kind === "claim") {
      const b = bucket(ev.at);
      if (b) b.claims++;
      if (ev.at >= announced[ev.host]) {
        // An announcement carries the host's PTRs of every type.
        for (const heardOf of lastHeard) heardOf[ev.host] = ev.at;
        for (let o = 0; o < hosts; o++) {
          refreshDue[o] = Math.min(refreshDue[o], ev.at + PTR_TTL_MS * schedule.refreshAt);
        }
      }
    } else ask(ev.host, ev.at);
  }
  const sum = (c: typeof first) => c.claims + c.queries + c.responses;
  return {
    stack: schedule.name,
    firstMinutePerHost: sum(first) / hosts,
    steadyHourPerHost: sum(steady) / hosts,
    firstMinute: first,
    steadyHour: steady,
  };
}

/** The least the protocol needs (see the module doc), per host. */
export function protocolMinimum(hosts: number): ModelCounts {
  const steadyResponses = (TYPES * 3600) / 4500 * hosts;
  const steadyQueries = (TYPES * 3600) / 4500;
  return {
    stack: "protocol minimum",
    firstMinutePerHost: 6,
    steadyHourPerHost: (steadyResponses + steadyQueries) / hosts,
    firstMinute: { claims: 5 * hosts, queries: hosts, responses: 0 },
    steadyHour: { claims: 0, queries: steadyQueries, responses: steadyResponses },
  };
}

/** Avahi's and python-zeroconf's modelled counts for hosts started at `starts`. */
export function peerModels(starts: readonly number[], seed = 1): ModelCounts[] {
  return [run(AVAHI, starts, seed), run(ZEROCONF, starts, seed)];
}
