/**
 * The soak scenario (issue 16, item 7), shared by the CI test
 * (`soak_test.ts`, 60 s) and the bench (`bench/soak_netns_bench.ts`, 10
 * minutes): host `a` runs `agents/soak_target.ts` (20 services published, 5
 * types browsed); after a warm-up, the network churns until the end: every
 * 10 s a peer on host `b` starts, publishes 3 services of the browsed types
 * and goes away 5 s later (goodbyes, or `kill -9` every third time so the
 * records only expire), once a minute a flood burst from host `c` (5,000
 * unique records, a quarter fake instances of a browsed type), and once a
 * minute `a`'s link bounces (down 2 s). The target reports RSS, live heap
 * and open file descriptors every `sampleMs`.
 */

import type { Host, Lab } from "./harness.ts";

const TARGET = new URL("./agents/soak_target.ts", import.meta.url).pathname;
const PUBLISHER = new URL("./agents/publish_agent.ts", import.meta.url).pathname;
const FLOOD = new URL("./agents/poison_flood.ts", import.meta.url).pathname;

// deno-lint-ignore no-explicit-any
type Message = Record<string, any>;

/** One report of the soaked process. */
export interface SoakSample {
  /** Seconds since the warm-up ended. */
  at: number;
  rss: number;
  heap: number;
  fds: number;
  events: number;
  listed: number[];
  received: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the soak in `lab` for `durationMs` after `warmUpMs`; the first sample is the baseline. */
export async function soak(
  lab: Lab,
  options: { warmUpMs: number; durationMs: number; sampleMs: number },
): Promise<SoakSample[]> {
  const [a, b, c] = await lab.hostsOnOneBridge("a", "b", "c");
  const target = a.deno(TARGET, [JSON.stringify({ services: 20, types: 5 })], {
    stdin: true,
    flags: ["--unstable-net", "--allow-all", "--v8-flags=--expose-gc"],
  });
  await target.waitFor((m: Message) => m.event === "published", {
    timeoutMs: 60_000,
    what: "published",
  });
  const sample = async (at: number): Promise<SoakSample> => {
    const mark = target.mark();
    await target.send({ op: "report" });
    const r = await target.waitFor((m: Message) => m.event === "report", { since: mark });
    return {
      at,
      rss: r.rss,
      heap: r.heap,
      fds: r.fds,
      events: r.events,
      listed: r.listed,
      received: r.stats.received,
    };
  };
  // Warm-up: one round of every kind of churn, so one-time costs land before the baseline.
  const start = performance.now();
  await churnRound(b, c, a, 0, true);
  await sleep(Math.max(0, options.warmUpMs - (performance.now() - start)));
  const samples = [await sample(0)];
  const began = performance.now();
  let round = 1;
  let nextSample = options.sampleMs;
  while (performance.now() - began < options.durationMs) {
    const everyMinute = round % 6 === 0;
    await churnRound(b, c, a, round, everyMinute);
    round++;
    const elapsed = performance.now() - began;
    if (elapsed >= nextSample) {
      samples.push(await sample(Math.round(elapsed / 1000)));
      nextSample += options.sampleMs;
    }
  }
  await sleep(5000); // the last peer's records settle
  samples.push(await sample(Math.round((performance.now() - began) / 1000)));
  await target.send({ op: "close" });
  await target.waitFor((m: Message) => m.event === "closed", { timeoutMs: 10_000 });
  return samples;
}

// One 10 s round: a peer comes and goes; with `big`, a flood burst and a link bounce too.
async function churnRound(
  peerHost: Host,
  floodHost: Host,
  target: Host,
  round: number,
  big: boolean,
) {
  const began = performance.now();
  const peer = peerHost.deno(PUBLISHER, [JSON.stringify({ hostName: `churn-${round}.local` })], {
    stdin: true,
  });
  await peer.waitFor((m: Message) => m.event !== undefined, { timeoutMs: 20_000 });
  for (let i = 0; i < 3; i++) {
    await peer.send({
      op: "publish",
      id: i,
      options: {
        name: `Churn ${round}-${i}`,
        type: `_soak${(round + i) % 5}._tcp`,
        port: 7000 + i,
      },
    });
  }
  if (big) {
    const flood = floodHost.deno(FLOOD, [
      JSON.stringify({
        records: 5000,
        type: `_soak${round % 5}._tcp.local`,
        packetsPerSecond: 300,
      }),
    ]);
    await flood.waitFor((m: Message) => m.event === "done", { timeoutMs: 30_000 });
    await target.setLink("eth0", "down");
    await sleep(2000);
    await target.setLink("eth0", "up");
  }
  await sleep(Math.max(0, 5000 - (performance.now() - began)));
  if (round % 3 === 2) await peer.stop("SIGKILL");
  else await peer.stop("SIGTERM");
  await sleep(Math.max(0, 10_000 - (performance.now() - began)));
}
