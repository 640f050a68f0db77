/**
 * Soak, short version (issue 16, item 7; 10 minutes in
 * `bench/soak_netns_bench.ts`): one process publishing 20 services and
 * browsing 5 types for 60 s after a 20 s warm-up, on a network with churn
 * (peers coming and going, a flood burst, a link bounce: `_soak.ts`). After
 * the warm-up its live heap, RSS and open file descriptors stay flat within
 * the bounds below, and it keeps listing its own 20 services.
 */

import assert from "node:assert/strict";
import { Lab, netnsTest } from "./harness.ts";
import { soak } from "./_soak.ts";

/** Live heap (after a full GC) growth allowed after the warm-up. */
const HEAP_BOUND_BYTES = 8 * 2 ** 20;
/** RSS growth allowed after the warm-up. */
const RSS_BOUND_BYTES = 32 * 2 ** 20;
/** Open file descriptors: sockets come back after a link bounce, none leak. */
const FD_BOUND = 2;

netnsTest("soak: 60 s of churn leave heap, RSS and file descriptors flat", async () => {
  await using lab = await Lab.create();
  const samples = await soak(lab, { warmUpMs: 20_000, durationMs: 60_000, sampleMs: 20_000 });
  const [base, ...rest] = samples;
  const last = rest[rest.length - 1];
  const figures = JSON.stringify(samples);
  // deno-lint-ignore no-console
  console.log(`soak: ${figures}`);
  assert.ok(last.received > base.received, `the churn reached it: ${figures}`);
  for (const s of rest) {
    assert.ok(s.heap - base.heap <= HEAP_BOUND_BYTES, `heap at ${s.at} s: ${figures}`);
    assert.ok(s.rss - base.rss <= RSS_BOUND_BYTES, `RSS at ${s.at} s: ${figures}`);
    assert.ok(s.fds - base.fds <= FD_BOUND, `file descriptors at ${s.at} s: ${figures}`);
  }
  // Our own 20 services (4 of each type) are listed by the browses at the end.
  assert.ok(last.listed.every((n) => n >= 4), figures);
});
