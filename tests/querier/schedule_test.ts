import assert from "node:assert/strict";
import { MessageFlags, MessageWriter, RecordType } from "../../codec/mod.ts";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import { QuestionSet } from "../../querier/_questions.ts";
import { queryPackets } from "../../querier/_query_packets.ts";
import { MAX_QUERY_INTERVAL_MS, REFRESH_FLOOR_MS } from "../../querier/_constants.ts";
import { a, nsec, ptr, srv, txt } from "../cache/_records.ts";
import { seededRandom } from "../../testing/mod.ts";
import { nextEvent, rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";
const DEN = "Den._http._tcp.local";
const ptrQuestion = { name: TYPE, type: RecordType.PTR, class: 1, unicastResponse: false };

Deno.test("schedule: first query 20-120 ms after browse(), QU on the first only, then 1 s tripling, then hourly", async () => {
  const delays: number[] = [];
  for (let seed = 1; seed <= 20; seed++) {
    await using r = await rig({ seed });
    const start = r.clock.now();
    const browser = r.querier.browse("_http._tcp", { resolve: false });
    await r.advance(40_000);
    // One packet per family per query: take the IPv4 ones.
    const qs = r.ourQueries().filter((p) => p.entry.family === "IPv4");
    const times = qs.map((p) => p.time);
    delays.push(times[0] - start);
    assert.ok(times[0] - start >= 20 && times[0] - start <= 121, `first at ${times[0] - start}`);
    assert.equal(qs[0].message.questions[0].unicastResponse, true);
    assert.ok(qs.slice(1).every((p) => !p.message.questions[0].unicastResponse));
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    // 1, 3, 9 s (RFC 6762 §5.2: at least doubling; mDNSResponder triples), then 60 min.
    assert.deepEqual(gaps, [1000, 3000, 9000]);
    await browser[Symbol.asyncDispose]();
  }
  assert.ok(new Set(delays).size > 5, "the first delay is random");
});

Deno.test("schedule: intervals stop doubling at 60 minutes", () => {
  const questions = new QuestionSet(() => 0);
  const q = questions.ask(TYPE, RecordType.PTR, undefined, 0);
  let last = 0;
  for (let i = 0; i < 20; i++) {
    last = q.nextAt;
    questions.markSent(q, q.nextAt);
  }
  assert.equal(q.nextAt - last, MAX_QUERY_INTERVAL_MS);
});

Deno.test("schedule: known answers with more than half their TTL left, at their remaining TTL", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  r.respond([ptr(TYPE, "Fresh._http._tcp.local", 4500), ptr(TYPE, "Stale._http._tcp.local", 20)]);
  await r.advance(12_000); // queries at ~1.1 s, 4.1 s, then ~13.1 s
  const since = r.clock.now();
  await r.advance(2000);
  const [q] = r.ourQueries(since).filter((p) => p.entry.family === "IPv4");
  assert.ok(q !== undefined);
  const known = q.message.answers.map((x) => `${x.data} ${x.ttl} ${x.cacheFlush}`);
  // At about 13 s the 20 s PTR has a third of its TTL left: left out.
  assert.equal(known.length, 1);
  assert.match(known[0], /^Fresh\._http\._tcp\.local 44(8|9)\d false$/);
  await browser[Symbol.asyncDispose]();
});

Deno.test("schedule: known answers that do not fit are split over packets with TC (§7.2)", async () => {
  await using r = await rig();
  const now = r.clock.now();
  for (let i = 0; i < 300; i++) {
    r.cache.insertRecord(ptr(TYPE, `Instance number ${i}._http._tcp.local`), {
      interfaceName: "eth0",
      now,
    });
  }
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(200);
  const packets = r.ourQueries().filter((p) => p.entry.family === "IPv4");
  assert.ok(packets.length >= 2, `${packets.length} packets`);
  assert.ok(packets[0].message.questions.length >= 1);
  for (const [i, p] of packets.entries()) {
    const tc = (p.message.flags & MessageFlags.TRUNCATED) !== 0;
    assert.equal(tc, i < packets.length - 1, `packet ${i}`);
    if (i > 0) assert.equal(p.message.questions.length, 0);
    assert.equal(p.time, packets[0].time); // back to back
  }
  const listed = packets.flatMap((p) => p.message.answers.map((x) => x.data));
  assert.equal(new Set(listed).size, 300);
  await browser[Symbol.asyncDispose]();
});

Deno.test("schedule: queryPackets keeps every packet within the writer's size", () => {
  const cache = new PeerServiceCache();
  for (let i = 0; i < 100; i++) {
    cache.insertRecord(ptr(TYPE, `S${i}._http._tcp.local`), { interfaceName: "eth0", now: 0 });
  }
  const writer = new MessageWriter({ maxSize: 512 });
  const packets = queryPackets(writer, [ptrQuestion], cache.lookup(TYPE, RecordType.PTR), 0);
  assert.ok(packets.length > 3);
  assert.ok(packets.every((p) => p.length <= 512));
});

Deno.test("schedule: a QM question another host just asked suppresses ours (§7.3)", async () => {
  await using r = await rig({ seed: 5 });
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(200); // Q1 at 20-120 ms, Q2 one second later
  const q1 = r.ourQueries()[0].time;
  await r.advance(q1 + 900 - r.clock.now());
  r.query([ptrQuestion]); // 100 ms before our Q2
  await r.advance(500);
  assert.equal(r.ourQueries(q1 + 1).length, 0, "our second query was skipped");
  await r.advance(3000); // Q3 at q1 + 4 s goes out as usual
  assert.ok(r.ourQueries(q1 + 3999).length > 0);
  await browser[Symbol.asyncDispose]();
});

Deno.test("schedule: no suppression when the other query lists an answer we would not", async () => {
  await using r = await rig({ seed: 5 });
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(200);
  const q1 = r.ourQueries()[0].time;
  await r.advance(q1 + 900 - r.clock.now());
  r.query([ptrQuestion], [ptr(TYPE, "Other._http._tcp.local")]);
  await r.advance(500);
  assert.ok(r.ourQueries(q1 + 1).length > 0, "our second query went out");
  await browser[Symbol.asyncDispose]();
});

Deno.test("schedule: refresh queries at 80, 85, 90, 95 % (+0-2 %) of a watched record's TTL, removal at 100 %", async () => {
  await using r = await rig({ seed: 3 });
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  const it = browser[Symbol.asyncIterator]();
  await r.advance(10);
  const heard = r.clock.now() + 1; // delivered after the 1 ms latency
  r.respond([ptr(TYPE, DEN, 100)]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  await r.advance(70_000);
  const since = r.clock.now();
  await r.advance(31_000);
  const times = r.ourQueries(since).filter((p) => p.entry.family === "IPv4")
    .map((p) => (p.time - heard) / 1000);
  assert.equal(times.length, 4, times.join());
  for (const [i, low] of [80, 85, 90, 95].entries()) {
    assert.ok(times[i] >= low && times[i] <= low + 2, `refresh ${i} at ${times[i]} s`);
  }
  assert.equal(r.cache.lookup(TYPE, RecordType.PTR).length, 0);
  assert.equal((await nextEvent(r, it))?.type, "removed");
  await it.return!();
});

Deno.test("schedule: a fresh answer resets the refresh schedule", async () => {
  await using r = await rig({ seed: 3 });
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(10);
  r.respond([ptr(TYPE, DEN, 100)]);
  await r.advance(83_000);
  const reheard = r.clock.now() + 1;
  r.respond([ptr(TYPE, DEN, 100)]);
  await r.advance(2);
  const since = r.clock.now();
  await r.advance(15_000);
  assert.equal(r.ourQueries(since).length, 0, "no 85/90/95 % queries after the fresh answer");
  await r.advance(70_000);
  // The continuous question's own query (127 s after the browse began) aside,
  // the next refresh comes at 80-82 % of the new TTL.
  const refresh = r.ourQueries(reheard + 79_000).map((p) => p.time - reheard);
  assert.ok(refresh.length > 0 && refresh[0] >= 80_000 && refresh[0] <= 82_000, `${refresh}`);
  await browser[Symbol.asyncDispose]();
});

Deno.test("schedule: no refresh queries for records no running query needs", async () => {
  await using r = await rig();
  r.respond([ptr(TYPE, DEN, 100), srv(DEN, "den.local", 80, 100), txt(DEN, [], 100)]);
  r.respond([a("den.local", "198.18.0.9", 100)]);
  await r.advance(10);
  const service = await r.querier.resolve(DEN);
  assert.equal(service.port, 80);
  await r.advance(110_000);
  assert.deepEqual(r.ourQueries(), [], "nothing asked: resolve answered from the cache");
});

Deno.test("schedule: tiny TTLs cannot make us send a refresh storm (the floor)", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(150);
  const start = r.clock.now();
  // A peer re-announcing a PTR with TTL 1 every 900 ms for 30 s.
  for (let t = 0; t < 30_000; t += 900) {
    r.respond([ptr(TYPE, DEN, 1)]);
    await r.advance(900);
  }
  const refreshes = r.ourQueries(start).filter((p) =>
    p.entry.family === "IPv4" && p.message.questions.some((q) => q.name === TYPE)
  );
  // Continuous queries at about 1, 3, 7, 15 s after the start plus refreshes, at most one per floor.
  assert.ok(refreshes.length <= 4 + Math.ceil(30_000 / REFRESH_FLOOR_MS), `${refreshes.length}`);
  await browser[Symbol.asyncDispose]();
});

Deno.test("schedule: refresh asks only for the types a running query needs, never NSEC or HINFO", async () => {
  await using r = await rig({ seed: 6 });
  const browser = r.querier.browse("_http._tcp", { resolve: true, refreshResolved: true });
  const it = browser[Symbol.asyncIterator]();
  await r.advance(10);
  // A whole service plus records no browse needs: an NSEC at the instance and
  // the host, and the host's HINFO; then everything goes silent.
  r.respond([
    ptr(TYPE, DEN),
    srv(DEN, "den.local"),
    txt(DEN, []),
    nsec(DEN, [RecordType.SRV, RecordType.TXT]),
    a("den.local", "198.18.0.9"),
    nsec("den.local", [RecordType.A, RecordType.HINFO]),
    {
      name: "den.local",
      type: RecordType.HINFO,
      class: 1,
      cacheFlush: true,
      ttl: 120,
      data: { cpu: "X86_64", os: "LINUX" },
    },
  ]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  const since = r.clock.now();
  await r.advance(125_000);
  const asked = r.ourQueries(since).flatMap((p) => p.message.questions.map((q) => q.type));
  assert.ok(asked.includes(RecordType.SRV) && asked.includes(RecordType.A), `${asked}`);
  assert.deepEqual(asked.filter((t) => t === RecordType.NSEC || t === RecordType.HINFO), []);
  await it.return!();
});

// RFC 6762 §5.2: the first query's random 20-120 ms delay is there "to avoid
// accidental synchronization when ... multiple clients begin querying at
// exactly the same moment (e.g., because of some common external trigger
// event)": hearing the same answer is one. The questions a host asks at one
// moment go in one packet (§5.3); with a draw each, that packet went at the
// earliest of their draws, about 20 ms on every host.
Deno.test("schedule: questions asked at one moment share one 20-120 ms draw, so a host's first query after a common trigger is not the earliest of many draws", () => {
  const firsts: number[] = [];
  for (let seed = 1; seed <= 8; seed++) {
    const questions = new QuestionSet(seededRandom(seed));
    const asked = Array.from(
      { length: 50 },
      (_, i) => questions.ask(`S${i}._http._tcp.local`, RecordType.SRV, undefined, 1000, true),
    );
    const first = Math.min(...asked.map((q) => q.nextAt)) - 1000;
    assert.ok(first >= 20 && first <= 120, `first query ${first} ms after`);
    firsts.push(first);
  }
  // The earliest of 50 draws over 100 ms falls within about 2 ms of 20 ms.
  assert.ok(
    Math.max(...firsts) - Math.min(...firsts) >= 40,
    `first queries at ${firsts.join(", ")} ms`,
  );
});
