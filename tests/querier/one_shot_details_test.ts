// One-shot details (issue 14, item 11): a pre-aborted signal wins over the
// cache, a closed stack says so in the error type each call documents,
// lookupHost / lookupAddress take `interfaces`, and reconfirm stops asking
// once the peer has answered (RFC 6762 §10.4).
import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { LookupError, ResolveError } from "../../querier/errors.ts";
import { a, ptr, srv, txt } from "../cache/_records.ts";
import { rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";
const DEN = "Den._http._tcp.local";
const REVERSE = "7.0.18.198.in-addr.arpa";
const reversePtr = { ...ptr(REVERSE, "box.local", 120), cacheFlush: true };

Deno.test("one-shot: a pre-aborted signal rejects with its reason even when the cache holds the answer", async () => {
  await using r = await rig();
  const now = r.clock.now();
  for (
    const rec of [srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9"), reversePtr]
  ) {
    r.cache.insertRecord(rec, { interfaceName: "eth0", now });
  }
  const reason = new Error("user gave up");
  const signal = AbortSignal.abort(reason);
  await assert.rejects(r.querier.resolve(DEN, { signal }), (e) => e === reason);
  await assert.rejects(r.querier.lookupHost("den.local", { signal }), (e) => e === reason);
  await assert.rejects(r.querier.lookupAddress("198.18.0.7", { signal }), (e) => e === reason);
  // Without the signal the same calls answer from the cache.
  assert.equal((await r.querier.resolve(DEN)).port, 80);
  assert.deepEqual(await r.querier.lookupAddress("198.18.0.7"), ["box.local"]);
  assert.deepEqual(r.ourQueries(), []);
});

Deno.test("one-shot: after close(), resolve rejects with a ResolveError saying the stack closed", async () => {
  await using r = await rig();
  const pending = r.querier.resolve(DEN, { timeout: 5000 });
  const rejected = assert.rejects(pending, (e) => {
    assert.ok(e instanceof ResolveError, String(e));
    assert.match(e.message, /closed/);
    assert.equal(e.reason, "closed");
    return true;
  });
  r.cache.insertRecord(srv("Old._http._tcp.local", "den.local"), {
    interfaceName: "eth0",
    now: r.clock.now(),
  });
  await r.querier.close();
  await rejected;
  await assert.rejects(r.querier.resolve(DEN), (e) => {
    assert.ok(e instanceof ResolveError, String(e));
    assert.match(e.message, /Cannot resolve Den\._http\._tcp\.local: the stack closed/);
    assert.equal(e.reason, "closed");
    return true;
  });
  await assert.rejects(r.querier.lookupHost("den.local"), (e) => {
    assert.ok(e instanceof LookupError, String(e));
    assert.match(e.message, /closed/);
    return true;
  });
});

Deno.test("lookupHost: interfaces limits the questions and the answers to those links", async () => {
  await using r = await rig({ twoLinks: true });
  const now = r.clock.now();
  r.cache.insertRecord(a("box.local", "198.18.0.7"), { interfaceName: "eth0", now });
  // Cached on eth0 only: a lookup on eth1 must ask there, and only there.
  const pending = r.querier.lookupHost("box.local", { interfaces: ["eth1"], family: "IPv4" });
  await r.advance(200);
  const asked = r.ourQueries().map((p) => p.entry.interfaceName);
  assert.ok(asked.length > 0);
  assert.deepEqual([...new Set(asked)], ["eth1"]);
  r.respond([a("box.local", "198.19.0.7")], { interfaceName: "eth1" });
  await r.advance(10);
  assert.deepEqual(await pending, [{
    address: "198.19.0.7",
    family: "IPv4",
    interfaceName: "eth1",
  }]);
  // From the cache: only the links asked for (after the short wait for an
  // AAAA that eth0 never had, HOST_FAMILY_WAIT_MS).
  const fromCache = r.querier.lookupHost("box.local", { interfaces: ["eth0"] });
  await r.advance(300);
  assert.deepEqual((await fromCache).map((x) => x.address), ["198.18.0.7"]);
});

Deno.test("lookupAddress: interfaces limits the questions and the answers to those links", async () => {
  await using r = await rig({ twoLinks: true });
  r.cache.insertRecord(reversePtr, { interfaceName: "eth0", now: r.clock.now() });
  const pending = r.querier.lookupAddress("198.18.0.7", { interfaces: ["eth1"], timeout: 1000 });
  await r.advance(200);
  const asked = r.ourQueries().map((p) => p.entry.interfaceName);
  assert.ok(asked.length > 0);
  assert.deepEqual([...new Set(asked)], ["eth1"]);
  r.respond([{ ...reversePtr, data: "other.local" }], { interfaceName: "eth1" });
  await r.advance(10);
  assert.deepEqual(await pending, ["other.local"]);
  assert.deepEqual(await r.querier.lookupAddress("198.18.0.7", { interfaces: ["eth0"] }), [
    "box.local",
  ]);
});

Deno.test("reconfirm: no more queries once the peer has answered (§10.4)", async () => {
  await using r = await rig();
  const den = [ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")];
  r.respond(den);
  await r.advance(100);
  const start = r.clock.now();
  r.querier.reconfirm(DEN);
  await r.advance(500);
  const first = r.ourQueries(start);
  assert.ok(first.length > 0, "the first reconfirm query went out at once");
  r.respond(den); // the peer is alive
  await r.advance(100);
  const answered = r.clock.now();
  await r.advance(12_000);
  const later = r.ourQueries(answered).flatMap((p) => p.message.questions)
    .map((q) => `${q.name} ${q.type}`);
  assert.deepEqual(later, [], "no 1 s or 3 s reconfirm queries after the answer");
  assert.equal(r.cache.lookup(DEN, RecordType.SRV).length, 1, "kept");
});

Deno.test("reconfirm: a peer answering only part keeps being asked for the rest", async () => {
  await using r = await rig();
  r.respond([ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")]);
  await r.advance(100);
  const start = r.clock.now();
  r.querier.reconfirm(DEN);
  await r.advance(500);
  r.respond([srv(DEN, "den.local")]); // the SRV is confirmed, TXT and A are not
  await r.advance(100);
  const answered = r.clock.now();
  await r.advance(12_000);
  const later = r.ourQueries(answered).flatMap((p) => p.message.questions)
    .map((q) => `${q.name} ${q.type}`);
  assert.ok(later.includes(`${DEN} ${RecordType.TXT}`), later.join());
  assert.ok(!later.includes(`${DEN} ${RecordType.SRV}`), later.join());
  assert.ok(r.clock.now() - start >= 10_000);
  assert.equal(r.cache.lookup(DEN, RecordType.SRV).length, 1, "confirmed: kept");
  assert.equal(r.cache.lookup(DEN, RecordType.TXT).length, 0, "unconfirmed: flushed");
});
