// Other hosts' queries on a busy LAN (issue 14, items 1 and 5): only a
// non-truncated multicast query from port 5353 that asks for a multicast reply
// tells us what the LAN will hear answered. QU queries, truncated queries and
// legacy queries (another source port) draw answers we may never see, so they
// must neither flush a live record (POOF, RFC 6762 §10.5) nor suppress our own
// question (§7.3).
import assert from "node:assert/strict";
import {
  encodeMessage,
  MessageFlags,
  type Question,
  RecordType,
  type ResourceRecord,
} from "../../codec/mod.ts";
import type { BrowseEvent } from "../../querier/types.ts";
import { a, ptr, srv, txt } from "../cache/_records.ts";
import { nextEvent, type Rig, rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";
const DEN = "Den._http._tcp.local";
const ptrQM: Question = { name: TYPE, type: RecordType.PTR, class: 1, unicastResponse: false };
const ptrQU: Question = { ...ptrQM, unicastResponse: true };
const LEGACY_PORT = 40000;

/** A query from 198.18.0.7 (a third host), delivered to us as it would arrive. */
function injectQuery(
  r: Rig,
  questions: Question[],
  options: { port?: number; truncated?: boolean; known?: ResourceRecord[]; unicast?: boolean } = {},
): void {
  const data = encodeMessage({
    id: 0,
    flags: options.truncated ? MessageFlags.TRUNCATED : 0,
    questions,
    answers: options.known ?? [],
    authorities: [],
    additionals: [],
  });
  r.network.inject("us", {
    data,
    source: { address: "198.18.0.7", port: options.port ?? 5353 },
    interfaceName: "eth0",
    family: "IPv4",
    unicast: options.unicast ?? false,
  });
}

/** A browse that has seen Den complete, and its iterator. */
async function browsing(r: Rig) {
  const browser = r.querier.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  r.respond([ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  return { browser, it };
}

/** Events the browse reports within `ms` (none expected). */
async function eventsWithin(r: Rig, it: AsyncIterator<BrowseEvent>, ms: number) {
  const seen: string[] = [];
  try {
    for (;;) {
      const e = await nextEvent(r, it, ms);
      if (e === undefined) break;
      seen.push(`${e.type} ${e.service.name}`);
    }
  } catch {
    // no event within the window: what we hope for
  }
  return seen;
}

Deno.test("POOF: two QM queries from port 5353 with no answer still remove the service (§10.5)", async () => {
  await using r = await rig();
  const { it } = await browsing(r);
  await r.advance(1000); // a query sooner after the answer expects none (§6: once a second)
  injectQuery(r, [ptrQM]);
  await r.advance(1000);
  injectQuery(r, [ptrQM]);
  assert.deepEqual(await eventsWithin(r, it, 12_000), ["removed Den"]);
  assert.equal(r.cache.lookup(TYPE, RecordType.PTR).length, 0);
  await it.return!();
});

Deno.test("POOF: two QU queries 1 s apart (answered by unicast, unseen) remove nothing", async () => {
  await using r = await rig();
  const { it, browser } = await browsing(r);
  injectQuery(r, [ptrQU]);
  await r.advance(1000);
  injectQuery(r, [ptrQU]);
  assert.deepEqual(await eventsWithin(r, it, 12_000), []);
  assert.equal(r.cache.lookup(TYPE, RecordType.PTR).length, 1);
  assert.deepEqual(browser.services().map((s) => s.name), ["Den"]);
  await it.return!();
});

Deno.test("POOF: two TC queries whose continuation lists the service remove nothing", async () => {
  await using r = await rig();
  const { it, browser } = await browsing(r);
  for (let i = 0; i < 2; i++) {
    injectQuery(r, [ptrQM], { truncated: true }); // the first part: the question, no answers yet
    await r.advance(5);
    injectQuery(r, [], { known: [ptr(TYPE, DEN)] }); // the continuation lists Den
    await r.advance(1000);
  }
  assert.deepEqual(await eventsWithin(r, it, 12_000), []);
  assert.equal(r.cache.lookup(TYPE, RecordType.PTR).length, 1);
  assert.deepEqual(browser.services().map((s) => s.name), ["Den"]);
  await it.return!();
});

Deno.test("POOF: two legacy queries from port 40000 (answered by unicast to them) remove nothing", async () => {
  await using r = await rig();
  const { it, browser } = await browsing(r);
  injectQuery(r, [ptrQM], { port: LEGACY_PORT });
  await r.advance(1000);
  injectQuery(r, [ptrQM], { port: LEGACY_PORT });
  await r.advance(1000);
  // Nor do queries sent straight to our address (answered by unicast too).
  injectQuery(r, [ptrQM], { unicast: true });
  await r.advance(1000);
  injectQuery(r, [ptrQM], { unicast: true });
  assert.deepEqual(await eventsWithin(r, it, 12_000), []);
  assert.equal(r.cache.lookup(TYPE, RecordType.PTR).length, 1);
  assert.deepEqual(browser.services().map((s) => s.name), ["Den"]);
  await it.return!();
});

Deno.test("duplicate question suppression (§7.3): a legacy query does not suppress ours", async () => {
  await using r = await rig({ seed: 5 });
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(200); // Q1 at 20-120 ms, Q2 one second later
  const q1 = r.ourQueries()[0].time;
  await r.advance(q1 + 900 - r.clock.now());
  injectQuery(r, [ptrQM], { port: LEGACY_PORT }); // 100 ms before our Q2: its answer goes to port 40000
  await r.advance(500);
  assert.ok(r.ourQueries(q1 + 1).length > 0, "our second query went out");
  await browser[Symbol.asyncDispose]();
});

Deno.test("duplicate question suppression (§7.3): nor does a QM query sent to our unicast address", async () => {
  await using r = await rig({ seed: 5 });
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(200);
  const q1 = r.ourQueries()[0].time;
  await r.advance(q1 + 900 - r.clock.now());
  injectQuery(r, [ptrQM], { unicast: true });
  await r.advance(500);
  assert.ok(r.ourQueries(q1 + 1).length > 0, "our second query went out");
  await browser[Symbol.asyncDispose]();
});

Deno.test("duplicate question suppression (§7.3): the same QM query from port 5353 still does", async () => {
  await using r = await rig({ seed: 5 });
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(200);
  const q1 = r.ourQueries()[0].time;
  await r.advance(q1 + 900 - r.clock.now());
  injectQuery(r, [ptrQM]);
  await r.advance(500);
  assert.equal(r.ourQueries(q1 + 1).length, 0, "our second query was skipped");
  await browser[Symbol.asyncDispose]();
});
