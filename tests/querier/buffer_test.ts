import assert from "node:assert/strict";
import type { ResourceRecord } from "../../codec/mod.ts";
import { LookupError } from "../../querier/errors.ts";
import { a, ptr, srv, txt } from "../cache/_records.ts";
import { nextEvent, rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";
const service = (i: number, v = "1"): ResourceRecord[] => {
  const name = `S${i}._http._tcp.local`;
  return [
    ptr(TYPE, name),
    srv(name, `h${i}.local`),
    txt(name, [`v=${v}`]),
    a(`h${i}.local`, "198.18.0.9"),
  ];
};

Deno.test("buffer: a slow reader loses no service and sees each once, past bufferSize", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp", { bufferSize: 100 });
  for (let i = 0; i < 300; i++) r.respond(service(i));
  await r.advance(100);
  for (let i = 0; i < 300; i += 2) r.respond([txt(`S${i}._http._tcp.local`, ["v=2"])]);
  await r.advance(100);
  const seen = new Map<string, string>();
  const it = browser[Symbol.asyncIterator]();
  for (let n = 0; n < 300; n++) {
    const e = (await it.next()).value!;
    assert.equal(e.type, "added");
    assert.ok(!seen.has(e.service.name), `${e.service.name} twice`);
    seen.set(e.service.name, e.service.txt!.getString("v") as string);
  }
  assert.equal(seen.size, 300);
  assert.equal(seen.get("S0"), "2", "the latest state wins");
  assert.equal(seen.get("S1"), "1");
  await assert.rejects(() => nextEvent(r, it, 500), /No event/);
  await it.return!();
});

Deno.test("buffer: unread events coalesce per service (added then removed is nothing)", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  r.respond(service(1));
  r.respond(service(2));
  await r.advance(100);
  r.respond([ptr(TYPE, "S1._http._tcp.local", 0)]); // goodbye before anything was read
  await r.advance(1500);
  const it = browser[Symbol.asyncIterator]();
  const e = await nextEvent(r, it);
  assert.deepEqual([e?.type, e?.service.name], ["added", "S2"]);
  await assert.rejects(() => nextEvent(r, it, 500), /No event/);
  await it.return!();
});

Deno.test("buffer: records in one packet give one event, not one per record", async () => {
  await using r = await rig();
  const it = r.querier.browse("_http._tcp")[Symbol.asyncIterator]();
  r.respond(service(1));
  assert.equal((await nextEvent(r, it))?.type, "added");
  await r.advance(2000);
  r.respond([srv("S1._http._tcp.local", "h1.local", 81), txt("S1._http._tcp.local", ["v=3"])]);
  const e = await nextEvent(r, it);
  assert.deepEqual([e?.type, e?.service.port, e?.service.txt?.getString("v")], [
    "updated",
    81,
    "3",
  ]);
  await assert.rejects(() => nextEvent(r, it, 500), /No event/);
  await it.return!();
});

Deno.test("buffer: closing the querier ends browses and rejects pending lookups", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  const pending = r.querier.lookupHost("box.local");
  await r.querier.close();
  await assert.rejects(pending, LookupError);
  assert.equal(browser.endReason, "closed");
});

Deno.test("buffer: bufferSize must be a positive whole number", async () => {
  await using r = await rig();
  assert.throws(() => r.querier.browse("_http._tcp", { bufferSize: 0 }), RangeError);
  assert.throws(() => r.querier.browse("nonsense"), TypeError);
});

Deno.test("buffer: reads waiting at once each get their own event", async () => {
  await using r = await rig();
  const it = r.querier.browse("_http._tcp")[Symbol.asyncIterator]();
  const first = it.next();
  const second = it.next();
  r.respond(service(1));
  r.respond(service(2));
  await r.advance(10);
  const names = [(await first).value?.service.name, (await second).value?.service.name];
  assert.deepEqual(names.sort(), ["S1", "S2"]);
  await it.return!();
});
