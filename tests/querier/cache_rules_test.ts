import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { a, aaaa, ptr, srv, txt } from "../cache/_records.ts";
import { nextEvent, rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";
const DEN = "Den._http._tcp.local";
const ptrQuestion = { name: TYPE, type: RecordType.PTR, class: 1, unicastResponse: false };
const den = (address = "198.18.0.9") => [
  ptr(TYPE, DEN),
  srv(DEN, "den.local"),
  txt(DEN, []),
  a("den.local", address),
];

Deno.test("POOF: a record others asked for twice with no answer within 10 s is flushed (§10.5)", async () => {
  await using r = await rig();
  r.respond(den());
  await r.advance(1000); // a query sooner expects no answer (§6: once a second)
  r.query([ptrQuestion]);
  await r.advance(2000);
  const second = r.clock.now();
  r.query([ptrQuestion]);
  await r.advance(8100); // 10 s after the first query reached us
  assert.equal(r.cache.lookup(TYPE, RecordType.PTR).length, 0, "PTR flushed");
  assert.ok(r.clock.now() - second <= 10_000);
  assert.equal(r.cache.lookup(DEN, RecordType.SRV).length, 1, "not asked for: kept");
  assert.deepEqual(r.ourQueries(), [], "POOF sends no queries of its own");
});

Deno.test("POOF: an answer to the queries keeps the record", async () => {
  await using r = await rig();
  r.respond(den());
  await r.advance(100);
  r.query([ptrQuestion]);
  await r.advance(2000);
  r.query([ptrQuestion]);
  await r.advance(100);
  r.respond([ptr(TYPE, DEN)]); // the owner answered
  await r.advance(15_000);
  assert.equal(r.cache.lookup(TYPE, RecordType.PTR).length, 1);
});

Deno.test("POOF: a query that lists the record as a Known Answer does not count", async () => {
  await using r = await rig();
  r.respond(den());
  await r.advance(100);
  for (let i = 0; i < 3; i++) {
    r.query([ptrQuestion], [ptr(TYPE, DEN)]);
    await r.advance(2000);
  }
  await r.advance(10_000);
  assert.equal(r.cache.lookup(TYPE, RecordType.PTR).length, 1);
});

Deno.test("reconfirm: two or more queries, and removed about 10 s later when nobody answers (§10.4)", async () => {
  await using r = await rig();
  const it = r.querier.browse("_http._tcp")[Symbol.asyncIterator]();
  r.respond(den());
  assert.equal((await nextEvent(r, it))?.type, "added");
  await r.advance(20_000);
  const start = r.clock.now();
  r.querier.reconfirm(DEN);
  await r.advance(9000);
  const asked = r.ourQueries(start).filter((p) => p.entry.family === "IPv4")
    .filter((p) => p.message.questions.some((q) => q.name === DEN && q.type === RecordType.SRV));
  assert.ok(asked.length >= 2, `${asked.length} reconfirm queries`);
  assert.ok(asked.every((p) => p.message.answers.length === 0 || true));
  const removed = await nextEvent(r, it, 3000);
  assert.equal(removed?.type, "removed");
  assert.ok(Math.abs(r.clock.now() - start - 10_000) <= 20, `${r.clock.now() - start}`);
  await it.return!();
});

Deno.test("reconfirm: a peer that answers keeps its service", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  r.respond(den());
  await r.advance(100);
  r.querier.reconfirm(DEN);
  await r.advance(1500);
  r.respond(den());
  await r.advance(12_000);
  assert.deepEqual(browser.services().map((s) => s.name), ["Den"]);
  await browser[Symbol.asyncDispose]();
});

Deno.test("cache-flush (§10.2): a new address replaces the old one a second later, as updated", async () => {
  await using r = await rig();
  const it = r.querier.browse("_http._tcp")[Symbol.asyncIterator]();
  r.respond(den("198.18.0.5"));
  assert.equal((await nextEvent(r, it))?.type, "added");
  await r.advance(5000);
  r.respond([a("den.local", "198.18.0.6")]);
  // The old address, leaving in a second, already gives way to the new one.
  const e = await nextEvent(r, it, 2000);
  assert.equal(e?.type, "updated");
  assert.deepEqual(e?.service.addresses.map((x) => x.address), ["198.18.0.6"]);
  await assert.rejects(() => nextEvent(r, it, 3000), /No event/); // its removal changes nothing
  assert.deepEqual(r.cache.lookup("den.local", RecordType.A).map((x) => x.data), ["198.18.0.6"]);
  await it.return!();
});

Deno.test("cache-flush (§10.2): two addresses announced in one burst both stay", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  r.respond([...den("198.18.0.7"), a("den.local", "198.18.0.8")]);
  await r.advance(3000);
  assert.deepEqual(
    browser.services()[0].addresses.map((x) => x.address).sort(),
    ["198.18.0.7", "198.18.0.8"],
  );
  await browser[Symbol.asyncDispose]();
});

Deno.test("two links: one service with both links' addresses; losing a link loses only its addresses", async () => {
  await using r = await rig({ twoLinks: true });
  const browser = r.querier.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  r.respond(den("198.18.0.9"), { interfaceName: "eth0" });
  assert.equal((await nextEvent(r, it))?.type, "added");
  r.respond([...den("198.19.0.9"), aaaa("den.local", "fe80::9")], { interfaceName: "eth1" });
  const both = await nextEvent(r, it);
  assert.equal(both?.type, "updated");
  assert.deepEqual(both?.service.interfaces, ["eth0", "eth1"]);
  assert.deepEqual(both?.service.addresses.map((x) => `${x.address} ${x.interfaceName}`), [
    "198.18.0.9 eth0",
    "198.19.0.9 eth1",
    "fe80::9%eth1 eth1",
  ]);
  r.cache.clear({ interfaceName: "eth1" }); // what the stack does when eth1 goes down
  const one = await nextEvent(r, it);
  assert.equal(one?.type, "updated");
  assert.deepEqual(one?.service.addresses.map((x) => x.address), ["198.18.0.9"]);
  assert.equal(browser.endReason, undefined, "a link lost does not end the browse");
  await it.return!();
});

Deno.test("two links: a goodbye on one link keeps the service on the other", async () => {
  await using r = await rig({ twoLinks: true });
  const browser = r.querier.browse("_http._tcp");
  r.respond(den("198.18.0.9"), { interfaceName: "eth0" });
  r.respond(den("198.19.0.9"), { interfaceName: "eth1" });
  await r.advance(100);
  r.respond([ptr(TYPE, DEN, 0), a("den.local", "198.19.0.9", 0)], { interfaceName: "eth1" });
  await r.advance(2000);
  const [service] = browser.services();
  assert.deepEqual(service.interfaces, ["eth0"]);
  assert.deepEqual(service.addresses.map((x) => x.address), ["198.18.0.9"]);
  await browser[Symbol.asyncDispose]();
});
