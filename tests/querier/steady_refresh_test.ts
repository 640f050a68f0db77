// Refreshes in a steady LAN (issue 15, issue 16 item 8): the 50-host
// simulation showed every browser of a type purging the same SRVs at the same
// instant and asking for all of them again (QU, first queries) within 3 ms.
// The chain: a refresh pulled forward by another host's query went out right
// after it, the responders stayed silent (RFC 6762 §6: no record multicast
// twice within a second), and every host counted the second query as
// unanswered (§10.5, POOF), purging ten seconds later.
import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { a, ptr, srv, txt } from "../cache/_records.ts";
import { rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";
const DEN = "Den._http._tcp.local";
const den =
  () => [ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")];
const srvQuestion = { name: DEN, type: RecordType.SRV, class: 1, unicastResponse: false };

Deno.test("POOF: queries within a second of the answer expect none (§6) and purge nothing", async () => {
  await using r = await rig();
  r.respond(den());
  await r.advance(1);
  // Two other hosts refresh right after the answer another query drew: the
  // responder may not multicast the SRV again yet, so none comes.
  r.query([srvQuestion]);
  await r.advance(2);
  r.query([srvQuestion]);
  await r.advance(12_000);
  assert.equal(r.cache.lookup(DEN, RecordType.SRV).length, 1, "SRV kept");
});

Deno.test("POOF: the same two queries a second after the answer still flush (§10.5)", async () => {
  await using r = await rig();
  r.respond(den());
  await r.advance(1000);
  r.query([srvQuestion]);
  await r.advance(2);
  r.query([srvQuestion]);
  await r.advance(12_000);
  assert.equal(r.cache.lookup(DEN, RecordType.SRV).length, 0, "SRV flushed");
});

// Refresh points with no jitter: the SRV (TTL 120 s) at 96, 102, 108, 114 s.
async function browsing() {
  const r = await rig({ cacheRandom: () => 0 });
  const browser = r.querier.browse("_http._tcp", { refreshResolved: true });
  r.respond(den());
  await r.advance(20_000); // the start-up series is over; the next PTR query is an hour away
  return { r, browser };
}

const srvQueries = (r: Awaited<ReturnType<typeof rig>>, since: number, until: number) =>
  r.ourQueries(since).filter((p) =>
    p.time < until && p.entry.family === "IPv4" &&
    p.message.questions.some((q) => q.type === RecordType.SRV)
  );

Deno.test("refresh: another host's query does not pull ours forward; its answer refreshes us", async () => {
  const { r, browser } = await browsing();
  try {
    await r.advance(95_500 - r.clock.now());
    r.query([srvQuestion]); // another browser refreshes first
    await r.advance(1);
    // The stack's scheduler runs every part when one is due: here our
    // responder part answering that query runs the querier too.
    r.querier.run(r.clock.now());
    r.respond([srv(DEN, "den.local")]); // the responder answers it by multicast
    await r.advance(20_000);
    assert.deepEqual(srvQueries(r, 90_000, 116_000), [], "no SRV query of ours");
    assert.equal(r.cache.lookup(DEN, RecordType.SRV).length, 1);
  } finally {
    await browser[Symbol.asyncDispose]();
    await r[Symbol.asyncDispose]();
  }
});

Deno.test("refresh: a QM question another host just asked counts as ours (§7.3); the next point asks, QM", async () => {
  const { r, browser } = await browsing();
  try {
    await r.advance(95_500 - r.clock.now());
    r.query([srvQuestion]); // nobody answers it
    await r.advance(10_000);
    assert.deepEqual(srvQueries(r, 90_000, 101_500), [], "suppressed at the 80 % point");
    const later = srvQueries(r, 101_500, 105_000);
    assert.equal(later.length, 1, "asked at the 85 % point (IPv4)");
    for (const q of later[0].message.questions) assert.equal(q.unicastResponse, false, "QM");
  } finally {
    await browser[Symbol.asyncDispose]();
    await r[Symbol.asyncDispose]();
  }
});

// Issue 16 item 8 (the LAN simulation): records heard together (every answer
// of the last refresh round) reach their refresh points within 2 % of the
// TTL, each with its own draw; the round went at the earliest of them, a few
// milliseconds past 80 % on every host holding them, so every browser of a
// LAN refreshed in the same millisecond and none could count another's query
// as its own (RFC 6762 §7.3).
Deno.test("steady refresh: a round of many records heard together starts at one random point of the 2 % window, not at the earliest record's", async () => {
  const offsets: number[] = [];
  for (let seed = 1; seed <= 8; seed++) {
    await using r = await rig({ seed });
    const browser = r.querier.browse("_http._tcp", { resolve: false });
    await r.advance(10);
    const heard = r.clock.now() + 1; // delivered after the 1 ms latency
    for (let p = 0; p < 4; p++) {
      r.respond(
        Array.from({ length: 50 }, (_, i) => ptr(TYPE, `S${p * 50 + i}._http._tcp.local`, 120)),
      );
    }
    await r.advance(90_000);
    const since = r.clock.now();
    await r.advance(10_000);
    const [first] = r.ourQueries(since).filter((p) => p.entry.family === "IPv4");
    assert.ok(first !== undefined, `seed ${seed}: no refresh`);
    const offset = first.time - heard - 96_000; // past 80 % of 120 s
    assert.ok(offset >= 0 && offset <= 2400, `seed ${seed}: ${offset} ms past 80 %`);
    offsets.push(offset);
    await browser[Symbol.asyncDispose]();
  }
  // The earliest of 200 draws over 2.4 s falls within about 12 ms of 80 %.
  assert.ok(
    Math.max(...offsets) - Math.min(...offsets) >= 600,
    `rounds at ${offsets.join(", ")} ms past 80 %`,
  );
});
