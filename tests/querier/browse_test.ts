import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { a, aaaa, ptr, srv, txt } from "../cache/_records.ts";
import { nextEvent, rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";
const DEN = "Den._http._tcp.local";

Deno.test("browse: a service assembled from records in different packets, with follow-up questions", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  await r.advance(200);
  r.respond([ptr(TYPE, DEN)]); // the PTR only: RFC 6763 §12 follow-ups needed
  await r.advance(300);
  const asked = r.ourQueries(200).flatMap((p) => p.message.questions)
    .map((q) => `${q.name} ${q.type}`);
  assert.ok(asked.includes(`${DEN} ${RecordType.SRV}`), asked.join());
  assert.ok(asked.includes(`${DEN} ${RecordType.TXT}`), asked.join());
  r.respond([srv(DEN, "den.local", 8080)]);
  r.respond([txt(DEN, ["path=/"])]);
  await r.advance(300);
  const hostQs = r.ourQueries(500).flatMap((p) => p.message.questions)
    .map((q) => `${q.name} ${q.type}`);
  assert.ok(hostQs.includes(`den.local ${RecordType.A}`), hostQs.join());
  assert.ok(hostQs.includes(`den.local ${RecordType.AAAA}`), hostQs.join());
  r.respond([a("den.local", "198.18.0.9")]);
  const added = await nextEvent(r, it);
  assert.equal(added?.type, "added");
  assert.equal(added?.service.name, "Den");
  assert.equal(added?.service.host, "den.local");
  assert.equal(added?.service.port, 8080);
  assert.equal(added?.service.txt?.getString("path"), "/");
  assert.deepEqual(added?.service.addresses, [
    { address: "198.18.0.9", family: "IPv4", interfaceName: "eth0" },
  ]);
  // Complete: the follow-up questions stop.
  const before = r.ourQueries().length;
  await r.advance(10_000);
  const later = r.ourQueries().slice(before).flatMap((p) => p.message.questions);
  assert.ok(later.every((q) => q.type === RecordType.PTR), later.map((q) => q.type).join());
  await it.return!();
});

Deno.test("browse: services already cached are yielded before any packet is sent", async () => {
  await using r = await rig();
  const now = r.clock.now();
  for (
    const rec of [ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")]
  ) r.cache.insertRecord(rec, { interfaceName: "eth0", now });
  const browser = r.querier.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  const first = await it.next();
  assert.equal(first.value?.type, "added");
  assert.equal(r.ourQueries().length, 0);
  assert.deepEqual(browser.services().map((s) => s.name), ["Den"]);
  await it.return!();
});

Deno.test("browse: updated when the TXT changes, removed one second after a goodbye", async () => {
  await using r = await rig();
  const it = r.querier.browse("_http._tcp")[Symbol.asyncIterator]();
  r.respond([
    ptr(TYPE, DEN),
    srv(DEN, "den.local"),
    txt(DEN, ["v=1"]),
    a("den.local", "198.18.0.9"),
  ]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  await r.advance(2000);
  r.respond([txt(DEN, ["v=2"])]);
  const updated = await nextEvent(r, it);
  assert.equal(updated?.type, "updated");
  assert.equal(updated?.service.txt?.getString("v"), "2");
  await r.advance(2000);
  const goodbyeAt = r.clock.now();
  r.respond([ptr(TYPE, DEN, 0)]);
  const removed = await nextEvent(r, it);
  assert.equal(removed?.type, "removed");
  assert.ok(r.clock.now() - goodbyeAt >= 1000 && r.clock.now() - goodbyeAt <= 1020);
  await it.return!();
});

Deno.test("browse: a goodbye rescued within the second ends in no event", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  r.respond([ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  r.respond([ptr(TYPE, DEN, 0)]);
  await r.advance(500);
  r.respond([ptr(TYPE, DEN)]);
  await assert.rejects(() => nextEvent(r, it, 3000), /No event/);
  assert.deepEqual(browser.services().map((s) => s.name), ["Den"]);
  await browser[Symbol.asyncDispose]();
});

Deno.test("browse: removal at expiry when nobody answers the refreshes", async () => {
  await using r = await rig();
  const it = r.querier.browse("_http._tcp")[Symbol.asyncIterator]();
  r.respond([
    ptr(TYPE, DEN, 10),
    srv(DEN, "den.local"),
    txt(DEN, []),
    a("den.local", "198.18.0.9"),
  ]);
  const added = await nextEvent(r, it);
  const heardAt = r.clock.now() - 10; // within the last step
  assert.equal(added?.type, "added");
  const removed = await nextEvent(r, it, 12_000, 50);
  assert.equal(removed?.type, "removed");
  assert.ok(Math.abs(r.clock.now() - heardAt - 10_000) <= 100, `${r.clock.now() - heardAt}`);
  await it.return!();
});

Deno.test("browse: a browse begun on an empty network catches a late reply", async () => {
  await using r = await rig();
  const it = r.querier.browse("_http._tcp")[Symbol.asyncIterator]();
  await r.advance(30_000);
  r.respond([ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), aaaa("den.local", "fe80::9")]);
  const added = await nextEvent(r, it);
  assert.equal(added?.type, "added");
  assert.deepEqual(added?.service.addresses, [
    { address: "fe80::9%eth0", family: "IPv6", interfaceName: "eth0" },
  ]);
  await it.return!();
});

Deno.test("browse: peerCache.clear() ends the browse with endReason cleared", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  const pending = it.next();
  await r.advance(500);
  r.cache.clear();
  assert.deepEqual(await pending, { value: undefined, done: true });
  assert.equal(browser.endReason, "cleared");
  const before = r.ourQueries().length;
  await r.advance(10_000);
  assert.equal(r.ourQueries().length, before, "no more queries after the end");
});

Deno.test("browse: an aborted signal ends the browse", async () => {
  await using r = await rig();
  const controller = new AbortController();
  const browser = r.querier.browse("_http._tcp", { signal: controller.signal });
  controller.abort();
  for await (const _ of browser) assert.fail("no event expected");
  assert.equal(browser.endReason, "aborted");
});

Deno.test("browse: records in another host's Known-Answer section never enter the cache", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  r.query([{ name: TYPE, type: RecordType.PTR, class: 1, unicastResponse: false }], [
    ptr(TYPE, "Ghost._http._tcp.local"),
  ]);
  await r.advance(2000);
  assert.equal(r.cache.lookup(TYPE, RecordType.PTR).length, 0);
  assert.deepEqual(browser.services(), []);
  await browser[Symbol.asyncDispose]();
});

Deno.test("browse: with no type it lists service types (RFC 6763 §9)", async () => {
  await using r = await rig();
  const browser = r.querier.browse();
  const it = browser[Symbol.asyncIterator]();
  await r.advance(200);
  const q = r.ourQueries()[0].message.questions[0];
  assert.equal(q.name, "_services._dns-sd._udp.local");
  assert.equal(q.type, RecordType.PTR);
  r.respond([ptr("_services._dns-sd._udp.local", "_http._tcp.local")]);
  const added = await nextEvent(r, it);
  assert.deepEqual(added, {
    type: "added",
    serviceType: "_http._tcp",
    domain: "local",
    interfaces: ["eth0"],
  });
  await it.return!();
});

// Issue 17: a type browse's services() was always [].
Deno.test("browse: a type browse lists the service types it knows in services()", async () => {
  await using r = await rig();
  const browser = r.querier.browse();
  await r.advance(200);
  assert.deepEqual(browser.services(), []);
  r.respond([
    ptr("_services._dns-sd._udp.local", "_http._tcp.local"),
    ptr("_services._dns-sd._udp.local", "_ipp._tcp.local"),
  ]);
  await r.advance(10);
  assert.deepEqual(
    browser.services().map((t) => `${t.serviceType}.${t.domain} ${t.interfaces.join()}`).sort(),
    ["_http._tcp.local eth0", "_ipp._tcp.local eth0"],
  );
  await browser[Symbol.asyncDispose]();
});

Deno.test("browse: a subtype browses its own PTR name", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp", { subtype: "_printer", resolve: false });
  await r.advance(200);
  assert.equal(r.ourQueries()[0].message.questions[0].name, "_printer._sub._http._tcp.local");
  r.respond([ptr("_printer._sub._http._tcp.local", DEN), ptr(TYPE, "Other._http._tcp.local")]);
  await r.advance(10);
  assert.deepEqual(browser.services().map((s) => s.name), ["Den"]);
  await browser[Symbol.asyncDispose]();
});

Deno.test("browse: interfaces limits the questions and the services to those links", async () => {
  await using r = await rig({ twoLinks: true });
  const browser = r.querier.browse("_http._tcp", { interfaces: ["eth1"], resolve: false });
  await r.advance(200);
  assert.deepEqual([...new Set(r.ourQueries().map((p) => p.entry.interfaceName))], ["eth1"]);
  r.respond([ptr(TYPE, DEN)], { interfaceName: "eth0" });
  r.respond([ptr(TYPE, "Far._http._tcp.local")], { interfaceName: "eth1" });
  await r.advance(10);
  assert.deepEqual(browser.services().map((s) => `${s.name} ${s.interfaces}`), ["Far eth1"]);
  await browser[Symbol.asyncDispose]();
});

Deno.test("browse: a link coming up restarts the back-off", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(20_000); // queries at about 0.1, 1.1, 3.1, 7.1, 15.1 s; the next at 31 s
  const since = r.clock.now();
  r.querier.onLinkEvent({ type: "link-up", link: r.us.links[0] });
  await r.advance(100);
  assert.ok(r.ourQueries(since).length > 0, "asked again at once");
  await browser[Symbol.asyncDispose]();
});

Deno.test("browse: an answer with every record needs no follow-up question (RFC 6763 §12)", async () => {
  await using r = await rig();
  const it = r.querier.browse("_http._tcp")[Symbol.asyncIterator]();
  await r.advance(200);
  r.respond([ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  await r.advance(5000);
  const asked = r.ourQueries().flatMap((p) => p.message.questions.map((q) => q.type));
  assert.deepEqual([...new Set(asked)], [RecordType.PTR]);
  await it.return!();
});
