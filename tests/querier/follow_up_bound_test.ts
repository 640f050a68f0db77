// Cache poisoning (issue 16, item 3): thousands of fake instances heard only
// as PTRs must not turn a browse into an amplifier. Each instance's SRV/TXT
// follow-up questions (RFC 6763 §12) go through a per-link budget
// (FOLLOW_UP_PACKETS_PER_SECOND, newest first, at most FOLLOW_UP_QUEUE_LIMIT
// waiting), while the browse's own PTR question and the real services stay
// unaffected.
import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import {
  FIRST_QUERY_MAX_DELAY_MS,
  FOLLOW_UP_PACKETS_PER_SECOND,
  FOLLOWED_INCOMPLETE_LIMIT,
  KNOWN_ANSWER_LIMIT,
  REFRESH_PACKETS_PER_SECOND,
} from "../../querier/_constants.ts";
import { a, ptr, srv, txt, wholeServices } from "../cache/_records.ts";
import { nextEvent, type Rig, rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";
const DEN = "Den._http._tcp.local";

/** `count` PTR-only fake instances of TYPE, 50 to a packet. */
function poison(r: Rig, count: number, prefix = "Fake"): void {
  for (let i = 0; i < count; i += 50) {
    const records = [];
    for (let j = i; j < Math.min(count, i + 50); j++) {
      records.push(ptr(TYPE, `${prefix} ${j}.${TYPE}`));
    }
    r.respond(records);
  }
}

function questionsIn(r: Rig, since: number, until: number) {
  return r.ourQueries(since).filter((p) => p.time < until);
}

Deno.test("follow-ups for 5,000 PTR-only fake instances stay within the per-link budget", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  r.respond([ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  await r.advance(20_000);
  const start = r.clock.now();
  poison(r, 5000);
  await r.advance(15_000);
  const sent = questionsIn(r, start, start + 15_000);
  // Two families on the link: each packet goes twice. The budget allows a
  // burst of FOLLOW_UP_PACKETS_PER_SECOND, then that many a second; the
  // browse's own PTR question is due once in this window at most (27 s
  // interval reached) and joins or adds one packet.
  const families = 2;
  const bound = families * (FOLLOW_UP_PACKETS_PER_SECOND * 16 + 2);
  assert.ok(sent.length <= bound, `${sent.length} query packets in 15 s (bound ${bound})`);
  assert.ok(sent.length <= 100, `${sent.length} query packets in 15 s (goal 100)`);
  // Some follow-ups did go: the budget delays, it does not silence.
  const followUps = sent.flatMap((p) => p.message.questions)
    .filter((q) => q.type === RecordType.SRV || q.type === RecordType.TXT);
  assert.ok(followUps.length > 0, "no follow-up went out at all");
  // The real service stays whole.
  const den = r.cache.lookup(DEN, RecordType.SRV, { now: r.clock.now() });
  assert.equal(den.length, 1);
  await browser[Symbol.asyncDispose]();
});

Deno.test("a real instance heard after the fakes gets its follow-up first (newest first)", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  await r.advance(20_000);
  // As many as the browse follows (more are parked and doubted instead:
  // instance_memory_test.ts), 1,000 follow-up questions waiting.
  poison(r, FOLLOWED_INCOMPLETE_LIMIT - 1);
  await r.advance(3000);
  const at = r.clock.now();
  r.respond([ptr(TYPE, DEN)]);
  await r.advance(1000 + FIRST_QUERY_MAX_DELAY_MS);
  const asked = questionsIn(r, at, r.clock.now()).flatMap((p) => p.message.questions)
    .filter((q) => q.name === DEN);
  assert.deepEqual([...new Set(asked.map((q) => q.type))].sort(), [RecordType.TXT, RecordType.SRV]);
  await browser[Symbol.asyncDispose]();
});

Deno.test("a resolve's questions are not held back by the follow-up budget", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  await r.advance(20_000);
  poison(r, 5000);
  await r.advance(50);
  const at = r.clock.now();
  const pending = r.querier.resolve("Office._http._tcp.local", { timeout: 2000 }).catch((e) => e);
  await r.advance(FIRST_QUERY_MAX_DELAY_MS + 10);
  const asked = questionsIn(r, at, r.clock.now()).flatMap((p) => p.message.questions)
    .filter((q) => q.name === "Office._http._tcp.local");
  assert.equal(asked.length >= 2, true, `resolve asked ${asked.length} questions`);
  await r.advance(3000);
  await pending;
  await browser[Symbol.asyncDispose]();
});

Deno.test("the browse's Known-Answer list stays bounded under 5,000 fake PTRs, real services first", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  r.respond([ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  await r.advance(5000);
  poison(r, 5000);
  const start = r.clock.now();
  await r.advance(60_000); // the browse's PTR question goes again (27 s interval, then hourly)
  const withPtr = questionsIn(r, start, r.clock.now())
    .filter((p) => p.message.questions.some((q) => q.type === RecordType.PTR));
  assert.ok(withPtr.length > 0, "the browse asked no PTR question");
  // Each PTR query with its TC continuations (sent at the same instant, per family).
  const bursts = new Map<string, string[]>();
  for (const p of questionsIn(r, start, r.clock.now())) {
    const key = `${p.time} ${p.entry.family}`;
    const names = bursts.get(key) ?? [];
    names.push(...p.message.answers.map((x) => String(x.data)));
    bursts.set(key, names);
  }
  const most = Math.max(...[...bursts.values()].map((b) => b.length));
  // The fakes' listings up to the limit, plus Den's whole-service PTR.
  assert.ok(most <= KNOWN_ANSWER_LIMIT + 1, `${most} known answers in one query`);
  for (const p of withPtr) {
    const listed = bursts.get(`${p.time} ${p.entry.family}`)!;
    assert.ok(listed.includes(DEN), "the real service left out of the Known-Answer list");
  }
  await browser[Symbol.asyncDispose]();
});

Deno.test("the browse's Known-Answer list names every whole service, however many", async () => {
  // A real LAN with more whole services than KNOWN_ANSWER_LIMIT: leaving one
  // out draws a response from its responder each time the browse asks.
  await using r = await rig();
  const count = KNOWN_ANSWER_LIMIT + 200;
  const browser = r.querier.browse("_http._tcp");
  for (const records of wholeServices(TYPE, count)) r.respond(records);
  const start = r.clock.now();
  await r.advance(30_000); // the browse's PTR question goes at 1, 3, 9 and 27 s
  const listed = new Map<string, Set<string>>();
  for (const p of questionsIn(r, start, r.clock.now())) {
    const key = `${p.time} ${p.entry.family}`;
    const names = listed.get(key) ?? new Set<string>();
    for (const x of p.message.answers) if (x.type === RecordType.PTR) names.add(String(x.data));
    listed.set(key, names);
  }
  const most = Math.max(0, ...[...listed.values()].map((names) => names.size));
  assert.equal(most, count, `${most} of ${count} whole services listed as known answers`);
  await browser[Symbol.asyncDispose]();
});

Deno.test("tiny TTLs (1-5 s) on 2,000 services make no refresh storm", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  await r.advance(20_000);
  const start = r.clock.now();
  for (let i = 0; i < 2000; i += 20) {
    const records = [];
    for (let j = i; j < i + 20; j++) {
      const name = `Tiny ${j}.${TYPE}`;
      const ttl = 1 + (j % 5);
      records.push(
        ptr(TYPE, name, ttl),
        srv(name, `tiny-${j}.local`, 80, ttl),
        txt(name, [], ttl),
        a(`tiny-${j}.local`, "198.18.0.9", ttl),
      );
    }
    r.respond(records);
  }
  await r.advance(15_000);
  const sent = questionsIn(r, start, start + 15_000);
  const families = 2;
  // Refreshes: REFRESH_PACKETS_PER_SECOND a second, follow-ups
  // FOLLOW_UP_PACKETS_PER_SECOND, each with a one-second burst; the browse's
  // PTR question at most twice.
  const bound = families * ((REFRESH_PACKETS_PER_SECOND + FOLLOW_UP_PACKETS_PER_SECOND) * 16 + 2);
  // deno-lint-ignore no-console
  console.log(`tiny TTLs: ${sent.length} query packets in 15 s (bound ${bound})`);
  assert.ok(sent.length <= bound, `${sent.length} query packets in 15 s (bound ${bound})`);
  await browser[Symbol.asyncDispose]();
});
