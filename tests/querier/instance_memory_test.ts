// What a browse holds per instance it follows (issue 16, item 3): under a
// flood of PTR-only fake instances a browse follows every instance the cache
// budget keeps (~9,000 at 4 MiB), so each must be cheap. One cache watch per
// instance (its SRV and TXT together, `PeerWatchOptions.types`), not one per
// type; the address watch only once an SRV names a target. Bytes per instance are measured in
// `bench/poisoning_memory_bench.ts` (heap snapshot with MDNS_HEAP_SNAPSHOT).
import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import type { PeerServiceCache } from "../../cache/peer_cache.ts";
import { a, ptr, srv, txt } from "../cache/_records.ts";
import { FOLLOWED_INCOMPLETE_LIMIT } from "../../querier/_constants.ts";
import { nextEvent, rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";

/** Counts the cache watches in place (started and not cancelled). */
function countWatches(cache: PeerServiceCache): { live: number; types: (number | undefined)[] } {
  const counter = { live: 0, types: [] as (number | undefined)[] };
  const watch = cache.watch.bind(cache);
  cache.watch = (name, listener, options) => {
    const w = watch(name, listener, options);
    counter.live++;
    counter.types.push(options?.types?.length);
    let cancelled = false;
    const cancel = () => {
      if (!cancelled) counter.live--;
      cancelled = true;
      w.cancel();
    };
    return { cancel, [Symbol.dispose]: cancel };
  };
  return counter;
}

Deno.test("a browse holds one cache watch per PTR-only instance, not one per type", async () => {
  await using r = await rig();
  const watches = countWatches(r.cache);
  const browser = r.querier.browse("_http._tcp");
  const before = watches.live; // the browse's PTR watch
  const records = [];
  for (let i = 0; i < 1000; i++) records.push(ptr(TYPE, `Fake ${i}.${TYPE}`));
  for (let i = 0; i < records.length; i += 50) r.respond(records.slice(i, i + 50));
  await r.advance(1000);
  // Before: 2,000 (an SRV watch and a TXT watch for each instance); the rest
  // are parked (FOLLOWED_INCOMPLETE_LIMIT).
  assert.equal(watches.live - before, Math.min(1000, FOLLOWED_INCOMPLETE_LIMIT));
  await browser[Symbol.asyncDispose]();
  assert.equal(watches.live, 0, "every watch cancelled with the browse");
});

Deno.test("an instance's address watch begins with its SRV and covers A and AAAA at once", async () => {
  await using r = await rig();
  const watches = countWatches(r.cache);
  const browser = r.querier.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  const den = `Den.${TYPE}`;
  r.respond([ptr(TYPE, den)]);
  await r.advance(10);
  const listed = watches.live;
  r.respond([srv(den, "den.local"), txt(den, []), a("den.local", "198.18.0.9")]);
  const event = await nextEvent(r, it);
  assert.equal(event?.type, "added");
  assert.equal(watches.live, listed + 1, "one watch for the target's addresses");
  assert.equal(watches.types.at(-1), 2, "A and AAAA in one watch");
  assert.equal(r.cache.lookup(den, RecordType.SRV, { now: r.clock.now() }).length, 1);
  await browser[Symbol.asyncDispose]();
  assert.equal(watches.live, 0);
});

Deno.test("a PTR-only instance is watched and asked about under the key its browse already holds", async () => {
  // One lowered copy of each fake instance's name, not one per watch and
  // per question (thousands of instances under a flood).
  await using r = await rig();
  const names: string[] = [];
  const watch = r.cache.watch.bind(r.cache);
  r.cache.watch = (name, listener, options) => {
    names.push(name);
    return watch(name, listener, options);
  };
  const browser = r.querier.browse("_http._tcp", { resolve: true });
  r.respond([ptr(TYPE, `Fake 1.${TYPE}`)]);
  await r.advance(10);
  assert.deepEqual(names.slice(1), [`fake 1.${TYPE}`]);
  await browser[Symbol.asyncDispose]();
});

Deno.test("under a flood of PTR-only instances a browse follows at most FOLLOWED_INCOMPLETE_LIMIT in full", async () => {
  await using r = await rig();
  const watches = countWatches(r.cache);
  const browser = r.querier.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  const before = watches.live; // the browse's PTR watch
  const fakes = 5000;
  for (let i = 0; i < fakes; i += 50) {
    const records = [];
    for (let j = i; j < i + 50; j++) records.push(ptr(TYPE, `Fake ${j}.${TYPE}`));
    r.respond(records);
  }
  await r.advance(1000);
  // Before: one watch (and an SRV and a TXT question) for each of the 5,000.
  assert.equal(watches.live - before, FOLLOWED_INCOMPLETE_LIMIT);
  const asked = () =>
    new Set(
      r.ourQueries(0).flatMap((p) => p.message.questions)
        .filter((q) => q.type === RecordType.SRV).map((q) => q.name),
    );
  assert.ok(!asked().has(`Fake ${fakes - 1}.${TYPE}`), "a parked instance is not asked about");
  // An SRV and TXT nobody asked for (a responder's announcement) completes a
  // parked instance at once.
  const late = `Fake ${fakes - 1}.${TYPE}`;
  r.respond([srv(late, "late.local"), txt(late, []), a("late.local", "198.18.0.7")]);
  const event = await nextEvent(r, it);
  assert.equal(event?.type, "added");
  assert.equal(event?.type === "added" && event.service.name, `Fake ${fakes - 1}`);
  // The parked are doubted (§10.4) and the followed ones too, after their
  // SRV questions went unanswered: the fakes go. One whose PTR its responder
  // confirms stays parked and is taken up once the followed ones are gone.
  const kept = `Fake ${fakes - 2}.${TYPE}`;
  for (let t = 0; t < 40_000; t += 1000) {
    r.respond([ptr(TYPE, kept)]);
    await r.advance(1000);
  }
  assert.ok(asked().has(kept), "the parked instance left asked about");
  const left = r.cache.lookup(TYPE, RecordType.PTR, { now: r.clock.now() }).map((p) => p.data);
  assert.deepEqual(left.sort(), [kept, late].sort(), "the other fakes purged");
  assert.ok(watches.live - before <= 3, `${watches.live - before} watches`);
  await browser[Symbol.asyncDispose]();
  assert.equal(watches.live, 0, "every watch cancelled with the browse");
});
