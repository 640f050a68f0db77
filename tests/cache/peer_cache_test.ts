import assert from "node:assert/strict";
import { encodeMessage, MessageReader, RecordType, type ResourceRecord } from "../../codec/mod.ts";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import type { PeerCacheEvent } from "../../cache/peer_cache_options.ts";
import { a, at, ptr, srv, txt } from "./_records.ts";

function recorder(cache: PeerServiceCache) {
  const events: string[] = [];
  cache.subscribe((e: PeerCacheEvent) => {
    const data = JSON.stringify(e.record.data);
    events.push(e.type === "added" ? `added ${data}` : `${e.type}:${e.reason} ${data}`);
  });
  return events;
}

function response(records: ResourceRecord[], additionals: ResourceRecord[] = []): MessageReader {
  return new MessageReader(encodeMessage({
    id: 0,
    flags: 0x8400,
    questions: [],
    answers: records,
    authorities: [],
    additionals,
  }));
}

Deno.test("names match without regard to case; the first-seen case is kept", () => {
  const cache = new PeerServiceCache();
  assert.equal(cache.insertRecord(a("MyHost.local", "198.18.0.2"), at(0)), "added");
  assert.equal(cache.insertRecord(a("myhost.LOCAL", "198.18.0.2"), at(10)), "refreshed");
  assert.equal(cache.size, 1);
  const [r] = cache.lookup("MYHOST.local", RecordType.A);
  assert.equal(r.name, "MyHost.local");
  assert.equal(cache.lookup("myhost.local.", RecordType.A).length, 1);
});

Deno.test("an SRV whose target differs only in case is the same record", () => {
  const cache = new PeerServiceCache();
  const events = recorder(cache);
  cache.insertRecord(srv("Shelly._http._tcp.local", "ShellyPro4PM.local"), at(0));
  assert.equal(
    cache.insertRecord(srv("shelly._http._tcp.local", "shellypro4pm.local"), at(5000)),
    "refreshed",
  );
  assert.equal(cache.size, 1);
  assert.equal(events.length, 1, "no second added, no removal");
  // A different port is a different record.
  assert.equal(
    cache.insertRecord(srv("shelly._http._tcp.local", "x.local", 81), at(6000)),
    "added",
  );
});

Deno.test("one entry per rdata: the newest TTL wins", () => {
  const cache = new PeerServiceCache();
  const events = recorder(cache);
  cache.insertRecord(ptr("_http._tcp.local", "a._http._tcp.local", 1), at(0));
  assert.equal(
    cache.insertRecord(ptr("_http._tcp.local", "a._http._tcp.local", 10), at(100)),
    "refreshed",
  );
  assert.equal(cache.size, 1);
  assert.deepEqual(cache.expire(2000), []);
  assert.equal(cache.lookup("_http._tcp.local", RecordType.PTR)[0].ttl, 10);
  assert.deepEqual(events, [
    'added "a._http._tcp.local"',
    'updated:refreshed "a._http._tcp.local"',
  ]);
  assert.equal(cache.expire(10_100).length, 1);
});

Deno.test("hearing the same record again with the same TTL fires no event", () => {
  const cache = new PeerServiceCache();
  const events = recorder(cache);
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0));
  cache.insertRecord(a("h.local", "198.18.0.5"), at(5000));
  cache.insertRecord(a("h.local", "198.18.0.5"), at(5100));
  assert.deepEqual(events, ['added "198.18.0.5"']);
  assert.equal(cache.lookup("h.local", 1)[0].expiresAt, 5100 + 120_000);
});

Deno.test("cache-flush: older records of the RRset expire one second later (RFC 6762 §10.2)", () => {
  const cache = new PeerServiceCache();
  const events = recorder(cache);
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0));
  cache.insertRecord(a("h.local", "198.18.0.6"), at(5000));
  const old = cache.lookup("h.local", 1).find((r) => r.data === "198.18.0.5")!;
  assert.equal(old.pending, "flushed");
  assert.equal(old.expiresAt, 6000);
  assert.equal(cache.nextDeadline(), 6000);
  assert.deepEqual(cache.expire(5999), []);
  assert.deepEqual(cache.expire(6000).map((r) => r.data), ["198.18.0.5"]);
  assert.deepEqual(cache.lookup("h.local", 1).map((r) => r.data), ["198.18.0.6"]);
  assert.deepEqual(events, [
    'added "198.18.0.5"',
    'added "198.18.0.6"',
    'removed:flushed "198.18.0.5"',
  ]);
});

Deno.test("cache-flush: records heard within the last second are kept", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(a("h.local", "198.18.0.7"), at(0));
  cache.insertRecord(a("h.local", "198.18.0.8"), at(200));
  cache.insertRecord(a("h.local", "198.18.0.9"), at(1000)); // exactly 1 s after .7: not "more than"
  cache.expire(100_000);
  assert.deepEqual(cache.lookup("h.local", 1).map((r) => r.data).sort(), [
    "198.18.0.7",
    "198.18.0.8",
    "198.18.0.9",
  ]);
  assert.ok(cache.lookup("h.local", 1).every((r) => r.pending === undefined));
});

Deno.test("cache-flush: every member of a burst survives, even when all were old", () => {
  const cache = new PeerServiceCache();
  const events = recorder(cache);
  cache.insertMessage(response([a("h.local", "198.18.0.1"), a("h.local", "198.18.0.2")]), at(0));
  // Ten seconds later the host re-announces both addresses in one packet.
  cache.insertMessage(
    response([a("h.local", "198.18.0.1"), a("h.local", "198.18.0.2")]),
    at(10_000),
  );
  cache.expire(20_000);
  assert.equal(cache.lookup("h.local", 1).length, 2);
  assert.ok(cache.lookup("h.local", 1).every((r) => r.pending === undefined));
  assert.ok(!events.some((e) => e.startsWith("removed")));
});

Deno.test("cache-flush in the Additional section flushes too (RFC 6762 §9)", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0));
  const reader = response([ptr("_http._tcp.local", "x._http._tcp.local")], [
    a("h.local", "198.18.0.6"),
  ]);
  assert.equal(cache.insertMessage(reader, at(5000)), 2);
  cache.expire(6000);
  assert.deepEqual(cache.lookup("h.local", 1).map((r) => r.data), ["198.18.0.6"]);
});

Deno.test("cache-flush touches only the same interface, type and class", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0, "eth1"));
  cache.insertRecord(txt("h.local", ["x=1"]), at(0));
  cache.insertRecord({ ...a("h.local", "198.18.0.4"), class: 3 }, at(0));
  cache.insertRecord(a("h.local", "198.18.0.6"), at(5000, "eth0"));
  cache.expire(10_000);
  assert.equal(cache.lookup("h.local", RecordType.ANY).length, 4);
  assert.equal(cache.lookup("h.local", 1, { interfaceName: "eth1" }).length, 1);
  assert.equal(cache.lookup("h.local", 1, { class: 1 }).length, 2);
});

Deno.test("a record without the cache-flush bit flushes nothing", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(ptr("_http._tcp.local", "a._http._tcp.local"), at(0));
  cache.insertRecord(ptr("_http._tcp.local", "b._http._tcp.local"), at(5000));
  cache.expire(10_000);
  assert.equal(cache.lookup("_http._tcp.local", 12).length, 2);
});

Deno.test("a flushed record is rescued when heard again within its second", () => {
  const cache = new PeerServiceCache();
  const events = recorder(cache);
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0));
  cache.insertRecord(a("h.local", "198.18.0.6"), at(5000));
  cache.insertRecord(a("h.local", "198.18.0.5"), at(5500));
  assert.deepEqual(cache.expire(7000), []);
  assert.equal(cache.lookup("h.local", 1).length, 2);
  assert.ok(events.includes('updated:rescued "198.18.0.5"'));
});

Deno.test("a goodbye removes the record one second later (RFC 6762 §10.1)", () => {
  const cache = new PeerServiceCache();
  const events = recorder(cache);
  cache.insertRecord(ptr("_http._tcp.local", "a._http._tcp.local"), at(0));
  assert.equal(
    cache.insertRecord(ptr("_http._tcp.local", "a._http._tcp.local", 0), at(3000)),
    "goodbye",
  );
  const [r] = cache.lookup("_http._tcp.local", 12);
  assert.equal(r.pending, "goodbye");
  assert.equal(r.expiresAt, 4000);
  assert.equal(cache.nextDeadline(), 4000);
  assert.deepEqual(cache.expire(3999), []);
  assert.equal(cache.expire(4000).length, 1);
  assert.deepEqual(events, ['added "a._http._tcp.local"', 'removed:goodbye "a._http._tcp.local"']);
  assert.equal(r.live, false);
  assert.equal(cache.size, 0);
});

Deno.test("an announcement within the second rescues a record from its goodbye", () => {
  const cache = new PeerServiceCache();
  const events = recorder(cache);
  cache.insertRecord(ptr("_http._tcp.local", "a._http._tcp.local"), at(0));
  cache.insertRecord(ptr("_http._tcp.local", "a._http._tcp.local", 0), at(1000));
  cache.insertRecord(ptr("_http._tcp.local", "a._http._tcp.local"), at(1500));
  assert.deepEqual(cache.expire(10_000), []);
  const [r] = cache.lookup("_http._tcp.local", 12);
  assert.equal(r.pending, undefined);
  assert.equal(r.expiresAt, 1500 + 4_500_000);
  assert.deepEqual(events, ['added "a._http._tcp.local"', 'updated:rescued "a._http._tcp.local"']);
});

Deno.test("a goodbye for an unknown record is ignored, and does not flush others", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0));
  assert.equal(cache.insertRecord(a("h.local", "198.18.0.9", 0), at(5000)), "ignored");
  cache.expire(7000);
  assert.equal(cache.size, 1);
  assert.equal(cache.lookup("h.local", 1)[0].pending, undefined);
});

Deno.test("records expire at their TTL, and a TTL with the top bit set is a goodbye", () => {
  const cache = new PeerServiceCache();
  const events = recorder(cache);
  cache.insertRecord(a("h.local", "198.18.0.5", 10), at(0));
  assert.equal(cache.nextDeadline() <= 10_000, true);
  assert.deepEqual(cache.expire(9999), []);
  assert.equal(cache.expire(10_000).length, 1);
  assert.deepEqual(events, ['added "198.18.0.5"', 'removed:expired "198.18.0.5"']);
  // RFC 2181 §8: values with the most significant bit set count as zero.
  cache.insertRecord(a("h.local", "198.18.0.5"), at(20_000));
  assert.equal(cache.insertRecord(a("h.local", "198.18.0.5", 0x80000000), at(21_000)), "goodbye");
});

Deno.test("lookup with now hides records already past their expiry", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(a("h.local", "198.18.0.5", 10), at(0));
  assert.equal(cache.lookup("h.local", 1, { now: 9999 }).length, 1);
  assert.equal(cache.lookup("h.local", 1, { now: 10_000 }).length, 0);
});

Deno.test("the same record on two interfaces is two entries", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(a("printer.local", "198.18.0.5"), at(0, "eth0"));
  cache.insertRecord(a("printer.local", "198.18.0.5"), at(0, "eth1"));
  assert.equal(cache.size, 2);
  assert.deepEqual(cache.lookup("printer.local", 1).map((r) => r.interfaceName).sort(), [
    "eth0",
    "eth1",
  ]);
  assert.equal(cache.names, 1, "one interned name for both");
});

Deno.test("insertFromReader stores canonical rdata: compressed names expanded", () => {
  const records = [
    ptr("_http._tcp.local", "Den._http._tcp.local"),
    srv("Den._http._tcp.local", "den.local"),
  ];
  const packet = encodeMessage({
    id: 0,
    flags: 0x8400,
    questions: [],
    answers: records,
    authorities: [],
    additionals: [],
  });
  const fromReader = new PeerServiceCache();
  const reader = new MessageReader(packet);
  while (reader.nextRecord()) assert.equal(fromReader.insertFromReader(reader, at(0)), "added");
  const fromObjects = new PeerServiceCache();
  for (const r of records) fromObjects.insertRecord(r, at(0));
  for (const [name, type] of [["_http._tcp.local", 12], ["Den._http._tcp.local", 33]] as const) {
    const x = fromReader.lookup(name, type)[0];
    const y = fromObjects.lookup(name, type)[0];
    assert.deepEqual(x.rdata, y.rdata);
    assert.deepEqual(x.data, y.data);
  }
  assert.equal(fromReader.bytes, fromObjects.bytes);
});

Deno.test("insert takes canonical rdata directly; OPT and ANY are ignored", () => {
  const cache = new PeerServiceCache();
  const input = {
    interfaceName: "eth0",
    name: "h.local",
    type: 1,
    class: 1,
    cacheFlush: true,
    ttl: 120,
    rdata: new Uint8Array([198, 18, 0, 5]),
  };
  assert.equal(cache.insert(input, 0), "added");
  assert.equal(cache.lookup("h.local", 1)[0].data, "198.18.0.5");
  assert.equal(cache.insert({ ...input, type: RecordType.OPT }, 0), "ignored");
  assert.equal(cache.insert({ ...input, type: RecordType.ANY }, 0), "ignored");
});

Deno.test("toResourceRecord and remainingTtl report the time left", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(srv("x._http._tcp.local", "h.local", 8080, 120), at(1000));
  const [r] = cache.lookup("x._http._tcp.local", 33);
  assert.equal(r.remainingTtl(61_000), 60);
  assert.equal(r.remainingTtl(61_001), 59);
  assert.equal(r.remainingTtl(200_000), 0);
  assert.deepEqual(r.toResourceRecord(61_000), {
    ...srv("x._http._tcp.local", "h.local", 8080, 60),
  });
  assert.equal(r.receivedAt, 1000);
});

Deno.test("subscribe delivers synchronously and unsubscribe stops delivery", () => {
  const cache = new PeerServiceCache();
  const seen: string[] = [];
  const stop = cache.subscribe((e) => seen.push(e.type));
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0));
  assert.deepEqual(seen, ["added"]);
  stop();
  cache.insertRecord(a("h.local", "198.18.0.6", 120, false), at(0));
  assert.deepEqual(seen, ["added"]);
});

Deno.test("clear removes everything with cleared events; by interface only that one", () => {
  const cache = new PeerServiceCache();
  const events = recorder(cache);
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0, "eth0"));
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0, "eth1"));
  cache.insertRecord(ptr("_http._tcp.local", "a._http._tcp.local"), at(0, "eth1"));
  assert.equal(cache.clear({ interfaceName: "eth1" }), 2);
  assert.equal(cache.size, 1);
  assert.equal(cache.clear(), 1);
  assert.equal(events.filter((e) => e.startsWith("removed:cleared")).length, 3);
  assert.equal(cache.size, 0);
  assert.equal(cache.bytes, 0);
  assert.equal(cache.names, 0);
  assert.equal(cache.nextDeadline(), Infinity);
});

Deno.test("interned names are released with their last record", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(a("h.local", "198.18.0.5", 10), at(0));
  cache.insertRecord(a("h.local", "198.18.0.6", 20), at(0));
  cache.insertRecord(txt("x._http._tcp.local", ["a=1"], 30), at(0));
  assert.equal(cache.names, 2);
  cache.expire(10_000);
  assert.equal(cache.names, 2);
  cache.expire(20_000);
  assert.equal(cache.names, 1);
  cache.expire(30_000);
  assert.equal(cache.names, 0);
  assert.equal(cache.bytes, 0);
});

Deno.test("a name with many records (a type's PTRs) keeps every rule", () => {
  const cache = new PeerServiceCache();
  const events = recorder(cache);
  for (let i = 0; i < 50; i++) {
    cache.insertRecord(ptr("_http._tcp.local", `s${i}._http._tcp.local`, 10 + i), at(0));
  }
  assert.equal(cache.lookup("_HTTP._tcp.local", 12).length, 50);
  assert.equal(
    cache.insertRecord(ptr("_http._tcp.local", "S7._HTTP._tcp.local", 100), at(1)),
    "refreshed",
  );
  cache.insertRecord(ptr("_http._tcp.local", "s3._http._tcp.local", 0), at(2000));
  cache.insertRecord(
    { ...ptr("_http._tcp.local", "new._http._tcp.local"), cacheFlush: true },
    at(5000),
  );
  // All but the new one were heard more than a second earlier: all flushed, except S7 was
  // heard at 1 ms, also more than a second ago.
  cache.expire(6000);
  assert.deepEqual(cache.lookup("_http._tcp.local", 12).map((r) => r.data), [
    "new._http._tcp.local",
  ]);
  assert.equal(events.filter((e) => e === 'removed:goodbye "s3._http._tcp.local"').length, 1);
  assert.equal(events.filter((e) => e.startsWith("removed:flushed")).length, 49);
  cache.clear();
  assert.equal(cache.bytes, 0);
});

Deno.test("a TTL that is negative or fractional is refused on the API paths", () => {
  const cache = new PeerServiceCache();
  assert.throws(() => cache.insertRecord(a("h.local", "198.18.0.5", -1), at(0)), RangeError);
  assert.throws(() => cache.insertRecord(a("h.local", "198.18.0.5", 1.5), at(0)), RangeError);
  assert.equal(cache.size, 0);
});

Deno.test("purgeRecord removes with reason purged; flushed is kept for the cache-flush bit", () => {
  const cache = new PeerServiceCache();
  const reasons: string[] = [];
  cache.subscribe((e) => e.type === "removed" && reasons.push(e.reason));
  cache.insertRecord(a("h.local", "198.18.0.1"), at(0));
  const [old] = cache.lookup("h.local", RecordType.A);
  assert.equal(cache.purgeRecord(old), true); // §10.4 / §10.5: nobody confirmed it
  cache.insertRecord(a("h.local", "198.18.0.2"), at(0));
  cache.insertRecord(a("h.local", "198.18.0.3"), at(5000)); // §10.2: replaces .2 a second later
  cache.expire(6000);
  assert.deepEqual(reasons, ["purged", "flushed"]);
});
