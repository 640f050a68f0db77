import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { LookupError, ResolveError } from "../../querier/errors.ts";
import { HOST_FAMILY_WAIT_MS } from "../../querier/_constants.ts";
import { a, aaaa, nsec, ptr, srv, txt } from "../cache/_records.ts";
import { rig } from "./_harness.ts";

const DEN = "Den._http._tcp.local";

Deno.test("resolve: answers from the peer cache without a packet when complete there", async () => {
  await using r = await rig();
  const now = r.clock.now();
  for (const rec of [srv(DEN, "den.local"), txt(DEN, ["a=1"]), a("den.local", "198.18.0.9")]) {
    r.cache.insertRecord(rec, { interfaceName: "eth0", now });
  }
  const service = await r.querier.resolve(DEN);
  assert.equal(service.fullName, DEN);
  assert.equal(service.txt?.getString("a"), "1");
  await r.advance(5000);
  assert.deepEqual(r.ourQueries(), []);
});

Deno.test("resolve: asks SRV and TXT, then A and AAAA of the target, until the first complete answer", async () => {
  await using r = await rig();
  const pending = r.querier.resolve(DEN, { timeout: 5000 });
  await r.advance(200);
  const first = r.ourQueries().flatMap((p) => p.message.questions.map((q) => q.type));
  assert.deepEqual([...new Set(first)].sort(), [RecordType.TXT, RecordType.SRV]);
  assert.equal(r.ourQueries()[0].message.questions[0].unicastResponse, true);
  r.respond([srv(DEN, "den.local"), txt(DEN, [])]);
  await r.advance(300);
  const second = r.ourQueries(200).flatMap((p) => p.message.questions)
    .map((q) => `${q.name} ${q.type}`);
  assert.ok(second.includes(`den.local ${RecordType.A}`), second.join());
  r.respond([aaaa("den.local", "fe80::9")]);
  await r.advance(10);
  const service = await pending;
  assert.deepEqual(service.addresses.map((x) => x.address), ["fe80::9%eth0"]);
  const after = r.ourQueries().length;
  await r.advance(10_000);
  assert.equal(r.ourQueries().length, after, "no more questions once resolved");
});

Deno.test("resolve: a reply 3 s after the start is still caught (the Go seed's flaw)", async () => {
  await using r = await rig();
  const pending = r.querier.resolve(DEN, { timeout: 5000 });
  await r.advance(3000);
  r.respond([srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")]);
  await r.advance(10);
  assert.equal((await pending).port, 80);
});

Deno.test("resolve: rejects at the timeout saying what was missing; a late reply serves the next call", async () => {
  await using r = await rig();
  const start = r.clock.now();
  const pending = r.querier.resolve(DEN, { timeout: 3000 });
  const failed = assert.rejects(pending, (e) => {
    assert.ok(e instanceof ResolveError);
    assert.deepEqual(e.missing, ["address"]);
    assert.equal(e.message, `Cannot resolve ${DEN}: no address`);
    return true;
  });
  await r.advance(500);
  r.respond([srv(DEN, "den.local"), txt(DEN, [])]);
  await r.advance(2500);
  await failed;
  assert.equal(r.clock.now() - start, 3000);
  r.respond([a("den.local", "198.18.0.9")]); // late: cached all the same
  await r.advance(10);
  const before = r.ourQueries().length;
  assert.equal((await r.querier.resolve(DEN)).addresses.length, 1);
  assert.equal(r.ourQueries().length, before);
});

Deno.test("resolve: a bad name is a TypeError; an abort rejects with the signal's reason", async () => {
  await using r = await rig();
  await assert.rejects(r.querier.resolve("not-a-service.local"), TypeError);
  const controller = new AbortController();
  const pending = r.querier.resolve(DEN, { signal: controller.signal });
  controller.abort(new Error("stop"));
  await assert.rejects(pending, /stop/);
});

Deno.test("lookupHost: A and AAAA of a .local name, each tagged with its link", async () => {
  await using r = await rig();
  const pending = r.querier.lookupHost("box.local");
  await r.advance(200);
  const asked = r.ourQueries().flatMap((p) =>
    p.message.questions.map((q) => `${q.name} ${q.type}`)
  );
  assert.deepEqual([...new Set(asked)].sort(), ["box.local 1", "box.local 28"]);
  r.respond([a("box.local", "198.18.0.7"), aaaa("box.local", "fe80::7")]);
  await r.advance(10);
  assert.deepEqual(await pending, [
    { address: "198.18.0.7", family: "IPv4", interfaceName: "eth0" },
    { address: "fe80::7%eth0", family: "IPv6", interfaceName: "eth0" },
  ]);
});

Deno.test("lookupHost: one family only; a name outside .local is refused; silence is a LookupError", async () => {
  await using r = await rig();
  await assert.rejects(r.querier.lookupHost("www.example.com"), TypeError);
  const v6 = r.querier.lookupHost("box.local", { family: "IPv6", timeout: 2000 });
  await r.advance(200);
  const asked = r.ourQueries().flatMap((p) => p.message.questions.map((q) => q.type));
  assert.deepEqual([...new Set(asked)], [RecordType.AAAA]);
  const failed = assert.rejects(v6, LookupError);
  await r.advance(2000);
  await failed;
});

Deno.test("lookupAddress: a reverse PTR query under in-addr.arpa", async () => {
  await using r = await rig();
  const pending = r.querier.lookupAddress("198.18.0.7");
  await r.advance(200);
  const [q] = r.ourQueries()[0].message.questions;
  assert.deepEqual([q.name, q.type], ["7.0.18.198.in-addr.arpa", RecordType.PTR]);
  r.respond([{ ...ptr("7.0.18.198.in-addr.arpa", "box.local", 120), cacheFlush: true }]);
  await r.advance(10);
  assert.deepEqual(await pending, ["box.local"]);
});

Deno.test("lookupAddress: IPv6 under ip6.arpa; not an address is a TypeError", async () => {
  await using r = await rig();
  await assert.rejects(r.querier.lookupAddress("box.local"), TypeError);
  const pending = r.querier.lookupAddress("fd00::1", { timeout: 500 });
  await r.advance(200);
  const [q] = r.ourQueries()[0].message.questions;
  assert.equal(q.name, `1.${"0.".repeat(29)}d.f.ip6.arpa`);
  const failed = assert.rejects(pending, LookupError);
  await r.advance(500);
  await failed;
});

Deno.test("lookupHost: an NSEC saying there is no AAAA settles at once (§6.1)", async () => {
  await using r = await rig();
  r.respond([a("box.local", "198.18.0.7"), nsec("box.local", [RecordType.A])]);
  await r.advance(10);
  await assert.rejects(r.querier.lookupHost("box.local", { family: "IPv6" }), /says so/);
  const pending = r.querier.lookupHost("other.local", { family: "IPv6", timeout: 3000 });
  const failed = assert.rejects(pending, /says so/);
  await r.advance(200);
  r.respond([nsec("other.local", [RecordType.A])]);
  await r.advance(10);
  await failed;
  assert.ok(r.clock.now() < 1000);
});

Deno.test("lookupHost: an AAAA 30 ms after the A is included; the wait is short", async () => {
  await using r = await rig();
  const pending = r.querier.lookupHost("box.local");
  let done: number | undefined;
  pending.then(() => done = r.clock.now(), () => {});
  await r.advance(200);
  r.respond([a("box.local", "198.18.0.7")]);
  await r.advance(30);
  assert.equal(done, undefined, "still waiting for the AAAA");
  const aAt = r.clock.now() - 30;
  r.respond([aaaa("box.local", "fe80::7")]);
  await r.advance(200);
  assert.deepEqual((await pending).map((x) => x.family), ["IPv4", "IPv6"]);
  assert.ok(done! - aAt <= 40, `settled ${done! - aAt} ms after the A`);

  // A host that never answers for the other family: the first one after HOST_FAMILY_WAIT_MS.
  const lone = r.querier.lookupHost("v4only.local");
  await r.advance(200);
  r.respond([a("v4only.local", "198.18.0.8")]);
  const heard = r.clock.now() + 1;
  let loneDone: number | undefined;
  lone.then(() => loneDone = r.clock.now(), () => {});
  await r.advance(500);
  assert.deepEqual((await lone).map((x) => x.address), ["198.18.0.8"]);
  assert.ok(
    loneDone! - heard >= HOST_FAMILY_WAIT_MS && loneDone! - heard <= HOST_FAMILY_WAIT_MS + 5,
  );
});

Deno.test("lookupHost: an NSEC for the other family ends the wait; the timeout bounds the whole", async () => {
  await using r = await rig();
  const pending = r.querier.lookupHost("box.local");
  let done: number | undefined;
  pending.then(() => done = r.clock.now(), () => {});
  await r.advance(200);
  r.respond([a("box.local", "198.18.0.7"), nsec("box.local", [RecordType.A])]);
  const heard = r.clock.now() + 1;
  await r.advance(20);
  assert.equal(done, heard, "no wait: the host says it has no AAAA");
  assert.deepEqual((await pending).map((x) => x.address), ["198.18.0.7"]);

  // The first answer just before the timeout: what is known, at the timeout, not an error.
  const late = r.querier.lookupHost("late.local", { timeout: 1000 });
  await r.advance(960);
  r.respond([a("late.local", "198.18.0.9")]);
  let lateDone: number | undefined;
  const start = r.clock.now() - 960;
  late.then(() => lateDone = r.clock.now(), () => {});
  await r.advance(300);
  assert.deepEqual((await late).map((x) => x.address), ["198.18.0.9"]);
  assert.ok(lateDone! - start <= 1000, `settled at ${lateDone! - start} ms`);
});
