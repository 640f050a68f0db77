// The peer cache's eviction policy (issue 14, item 2): whole services go
// together, what no query needs goes first, then what was heard longest ago;
// a full cache keeps the complete services a query needs; nothing is half kept.
import assert from "node:assert/strict";
import type { ResourceRecord } from "../../codec/mod.ts";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import type { PeerWatch } from "../../cache/peer_watch.ts";
import { PeerEvents } from "../../cache/_peer_events.ts";
import { PeerInserter } from "../../cache/_peer_insert.ts";
import { PeerStore } from "../../cache/_peer_store.ts";
import { seededRandom } from "../../testing/mod.ts";
import { a, at, ptr, srv, txt } from "./_records.ts";

const HTTP = "_http._tcp.local";
const IPP = "_ipp._tcp.local";

/** PTR, SRV and TXT of `name` (of `type`) on `host`, and the host's A unless `address` is false. */
function service(name: string, host: string, type = HTTP, address = true): ResourceRecord[] {
  const instance = `${name}.${type}`;
  const records: ResourceRecord[] = [
    ptr(type, instance),
    srv(instance, host),
    txt(instance, ["k=v"]),
  ];
  if (address) records.push(a(host, "198.18.0.9"));
  return records;
}

function bytesOf(...sets: ResourceRecord[][]): number {
  const probe = new PeerServiceCache();
  for (const set of sets) for (const r of set) probe.insertRecord(r, at(0));
  return probe.bytes;
}

interface Browse extends Disposable {
  /** What the browse's tracker of one instance watches: the instance, and its host once known. */
  follow(name: string, host?: string): void;
}

/** What a browse of `type` watches: the type's PTRs, then each instance it follows. */
function browse(cache: PeerServiceCache, type = HTTP): Browse {
  const watches: PeerWatch[] = [cache.watch(type, () => {}, { type: 12 })];
  return {
    follow(name, host) {
      watches.push(cache.watch(`${name}.${type}`, () => {}));
      if (host !== undefined) watches.push(cache.watch(host, () => {}));
    },
    [Symbol.dispose]() {
      for (const w of watches) w.cancel();
    },
  };
}

function removals(cache: PeerServiceCache): string[] {
  const out: string[] = [];
  cache.subscribe((e) => {
    if (e.type === "removed") out.push(`${e.reason} ${e.record.type} ${e.record.name}`);
  });
  return out;
}

function insert(cache: PeerServiceCache, records: ResourceRecord[], now: number): string[] {
  return records.map((r) => cache.insertRecord(r, at(now)));
}

function names(cache: PeerServiceCache, type: string): string[] {
  return cache.lookupServices(type).map((s) => s.name).sort();
}

Deno.test("eviction: a whole service goes together (PTR, SRV, TXT, its host's address), what no query needs first, heard longest ago first", () => {
  const one = bytesOf(service("Old", "old.local", IPP));
  const cache = new PeerServiceCache({ maxBytes: Math.floor(one * 2.6) });
  const removed = removals(cache);
  insert(cache, service("Old", "old.local", IPP), 0); // no query browses _ipp._tcp
  insert(cache, service("Mid", "mid.local", IPP), 1000);
  using b = browse(cache);
  b.follow("New", "new.local");
  assert.deepEqual(insert(cache, service("New", "new.local"), 2000), [
    "added",
    "added",
    "added",
    "added",
  ]);
  assert.deepEqual(removed.sort(), [
    "evicted 1 old.local",
    "evicted 12 _ipp._tcp.local",
    "evicted 16 Old._ipp._tcp.local",
    "evicted 33 Old._ipp._tcp.local",
  ]);
  assert.deepEqual(names(cache, "_ipp._tcp"), ["Mid"]);
  assert.deepEqual(names(cache, "_http._tcp"), ["New"]);
  assert.equal(cache.evictions, 4);
});

Deno.test("eviction: a host's addresses stay while another cached service uses them", () => {
  const first = service("One", "shared.local", IPP);
  const second = service("Two", "shared.local", IPP, false);
  const cache = new PeerServiceCache({ maxBytes: Math.floor(bytesOf(first, second) * 1.3) });
  const removed = removals(cache);
  insert(cache, first, 0);
  insert(cache, second, 1000);
  using b = browse(cache);
  b.follow("New", "new.local");
  insert(cache, service("New", "new.local"), 2000);
  assert.ok(removed.includes("evicted 33 One._ipp._tcp.local"), removed.join(", "));
  assert.ok(!removed.includes("evicted 1 shared.local"), "Two still targets shared.local");
  assert.equal(cache.lookup("shared.local", 1).length, 1);
  assert.deepEqual(names(cache, "_ipp._tcp"), ["Two"]);
  assert.deepEqual(names(cache, "_http._tcp"), ["New"]);
});

Deno.test("eviction: a full cache keeps the complete services a query needs; a newcomer that cannot fit is not half kept", () => {
  const two = bytesOf(service("A", "a.local"), service("B", "b.local"));
  const third = bytesOf(service("A", "a.local"), service("B", "b.local"), service("C", "c.local"));
  const cache = new PeerServiceCache({ maxBytes: Math.floor((two + third) / 2) });
  const removed = removals(cache);
  using b = browse(cache);
  b.follow("A", "a.local");
  b.follow("B", "b.local");
  b.follow("C"); // listed and followed too, heard last: it must not push out A
  insert(cache, service("A", "a.local"), 0);
  insert(cache, service("B", "b.local"), 1000);
  const c = service("C", "c.local");
  insert(cache, c, 2000);
  assert.deepEqual(names(cache, "_http._tcp"), ["A", "B"]);
  assert.equal(cache.lookup("C._http._tcp.local", 255).length, 0, "nothing of C half kept");
  // c.local's address, which no cached SRV targets and no query needs, may sit
  // in free room: it is a unit of its own, the first to go.
  assert.ok(removed.every((r) => r.includes("C._http") || r.endsWith(HTTP)), removed.join(", "));
  // Heard in the other order (a follow-up answer before the PTR), the same.
  insert(cache, [c[1], c[2], c[3], c[0]], 3000);
  assert.deepEqual(names(cache, "_http._tcp"), ["A", "B"]);
  assert.equal(cache.lookup("C._http._tcp.local", 255).length, 0);
  assert.equal(cache.evictions, removed.length);
  assert.ok(cache.bytes <= cache.capacity);
});

Deno.test("eviction: an address that cannot fit gives up the newest incomplete service of its host", () => {
  const s1 = service("S1", "h.local", HTTP, false);
  const s2 = service("S2", "h.local", HTTP, false);
  const cache = new PeerServiceCache({ maxBytes: bytesOf(s1, s2) + 40 });
  const removed = removals(cache);
  using b = browse(cache);
  b.follow("S1", "h.local");
  b.follow("S2", "h.local");
  insert(cache, s1, 0);
  insert(cache, s2, 1000);
  assert.equal(cache.insertRecord(a("h.local", "198.18.0.9"), at(2000)), "added");
  assert.deepEqual(names(cache, "_http._tcp"), ["S1"]);
  assert.deepEqual(removed.sort(), [
    "evicted 12 _http._tcp.local",
    "evicted 16 S2._http._tcp.local",
    "evicted 33 S2._http._tcp.local",
  ]);
});

Deno.test("eviction: when a browse ends, its services go before what a running query needs", () => {
  const one = bytesOf(service("A", "a.local"));
  const cache = new PeerServiceCache({ maxBytes: Math.floor(one * 2.5) });
  {
    using b = browse(cache);
    b.follow("A", "a.local");
    b.follow("B", "b.local");
    insert(cache, service("A", "a.local"), 0);
    insert(cache, service("B", "b.local"), 1000);
    // While the browse runs, a query of another type finds no room.
    using other = browse(cache, IPP);
    other.follow("C", "c.local");
    insert(cache, service("C", "c.local", IPP), 1500);
    assert.deepEqual(names(cache, "_ipp._tcp"), []);
  }
  // Once it ended, A (heard longest ago) makes room for C.
  using other = browse(cache, IPP);
  other.follow("C", "c.local");
  insert(cache, service("C", "c.local", IPP), 2000);
  assert.deepEqual(names(cache, "_http._tcp"), ["B"]);
  assert.deepEqual(names(cache, "_ipp._tcp"), ["C"]);
});

Deno.test("eviction: randomized, with watches coming and going: the budget holds and no unit outlives its records", () => {
  const random = seededRandom(14);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const events = new PeerEvents(() => {});
  const store = new PeerStore(48 * 1024, random, events);
  const inserter = new PeerInserter(store, events);
  const types = [HTTP, IPP];
  const instances = Array.from({ length: 120 }, (_, i) => `Svc ${i}.${pick(types)}`);
  const hosts = Array.from({ length: 30 }, (_, i) => `host-${i}.local`);
  const watches: PeerWatch[] = [];
  let now = 0;
  for (let step = 0; step < 5000; step++) {
    now += Math.floor(random() * 300);
    const instance = pick(instances);
    const type = instance.slice(instance.indexOf(".") + 1);
    const host = pick(hosts);
    const ttl = random() < 0.05 ? 0 : pick([1, 120, 4500]);
    const record = pick([
      () => ptr(type, instance, ttl),
      () => srv(instance, host, 80, ttl),
      () => txt(instance, [`v=${step % 3}`], ttl),
      () => a(host, `198.18.0.${step % 4}`, ttl),
    ])();
    inserter.insertRecord(record, at(now));
    assert.ok(store.bytes <= store.capacity, `step ${step}`);
    const roll = random();
    if (roll < 0.05) {
      watches.push(events.watch(pick([...types, ...instances, ...hosts]), () => {}, {}, 0));
    } else if (roll < 0.08 && watches.length > 0) {
      watches.splice(Math.floor(random() * watches.length), 1)[0].cancel();
    }
    if (step % 7 === 0) store.expire(store.rel(now));
  }
  assert.ok(store.evictions > 0, "the sequence should have filled the cache");
  for (const w of watches) w.cancel();
  store.expire(store.rel(now + 5_000_000));
  assert.equal(store.size, 0);
  assert.equal(store.bytes, 0);
  assert.equal(store.units, 0);
});
