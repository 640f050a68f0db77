import assert from "node:assert/strict";
import { RecordType, type ResourceRecord, type SrvData } from "../../codec/mod.ts";
import { seededRandom } from "../../testing/mod.ts";
import { stringBytes } from "../../cache/_interner.ts";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import {
  binaryStringBytes,
  MAP_SLOT_BYTES,
  PEER_NAME_OVERHEAD_BYTES,
  PEER_RECORD_OVERHEAD_BYTES,
  PEER_SET_INDEX_BYTES,
} from "../../cache/peer_record.ts";
import { SERVICE_RESERVE_BYTES } from "../../cache/_eviction.ts";
import { EVICTION_UNIT_BYTES, pointerBytes } from "../../cache/_eviction_units.ts";
import { a, aaaa, at, ptr, srv, txt } from "./_records.ts";

/**
 * Bytes recomputed from the records and names visible from outside, and the
 * eviction units they make: one per name with records other than PTRs, per
 * name a PTR points to (which costs its pointer slot and key more), and per
 * name an SRV targets.
 */
function recount(cache: PeerServiceCache): number {
  const names = new Map<string, string>();
  const units = new Set<string>();
  const pointed = new Set<string>();
  let records = 0;
  for (const r of cache.records()) {
    records += r.bytes;
    names.set(r.name.toLowerCase(), r.name);
    if (r.type === RecordType.PTR) units.add((r.data as string).toLowerCase());
    else units.add(r.name.toLowerCase());
    if (r.type === RecordType.PTR) pointed.add((r.data as string).toLowerCase());
    if (r.type === RecordType.SRV) units.add((r.data as SrvData).target.toLowerCase());
  }
  records += units.size * EVICTION_UNIT_BYTES;
  for (const key of pointed) records += pointerBytes(key);
  let nameBytes = 0;
  for (const [key, name] of names) {
    nameBytes += PEER_NAME_OVERHEAD_BYTES + stringBytes(name) +
      (key === name ? 0 : stringBytes(key));
  }
  return records + nameBytes;
}

/**
 * Bytes of the per-set maps an owner with more than 8 records switches to: one
 * per (interface, type, class) under such an owner, and a slot in it per record.
 */
function setMaps(cache: PeerServiceCache): number {
  const byOwner = new Map<string, Set<string>>();
  const counts = new Map<string, number>();
  for (const r of cache.records()) {
    const key = r.name.toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (!byOwner.has(key)) byOwner.set(key, new Set());
    byOwner.get(key)!.add(`${r.interfaceName} ${r.type} ${r.class}`);
  }
  let bytes = 0;
  for (const [key, sets] of byOwner) {
    if (counts.get(key)! > 8) {
      bytes += sets.size * PEER_SET_INDEX_BYTES + counts.get(key)! * MAP_SLOT_BYTES;
    }
  }
  return bytes;
}

Deno.test("a record's bytes follow the documented rule", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0));
  const [r] = cache.lookup("h.local", 1);
  assert.equal(r.bytes, PEER_RECORD_OVERHEAD_BYTES + binaryStringBytes(4));
  assert.equal(binaryStringBytes(4), 24);
  assert.equal(cache.bytes, r.bytes + PEER_NAME_OVERHEAD_BYTES + 24 + EVICTION_UNIT_BYTES);
  // A PTR whose target has capitals keeps a second, lowered key string.
  cache.insertRecord(ptr("_http._tcp.local", "Den._http._tcp.local"), at(0));
  const [p] = cache.lookup("_http._tcp.local", 12);
  const rdataLength = 22; // 3 Den 5 _http 4 _tcp 5 local 0
  assert.equal(p.bytes, PEER_RECORD_OVERHEAD_BYTES + 2 * binaryStringBytes(rdataLength));
});

Deno.test("when full, what a query needs evicts what none needs, heard longest ago first, with events", () => {
  const probe = new PeerServiceCache();
  probe.insertRecord(a("h1.local", "198.18.0.1"), at(0));
  const one = probe.bytes; // one A record under its own 8-character name
  // Records nobody needs leave an eighth free (the reserve, at most SERVICE_RESERVE_BYTES).
  const cache = new PeerServiceCache({ maxBytes: one * 4 });
  assert.ok(one / 2 < SERVICE_RESERVE_BYTES);
  const removed: string[] = [];
  cache.subscribe((e) => {
    if (e.type === "removed") removed.push(`${e.reason} ${e.record.name}`);
  });
  // Nobody asked: they take free room only, whatever their TTL.
  cache.insertRecord(a("h1.local", "198.18.0.1", 50), at(0));
  cache.insertRecord(a("h2.local", "198.18.0.2", 10), at(500));
  cache.insertRecord(a("h3.local", "198.18.0.3", 30), at(1000));
  assert.equal(cache.size, 3);
  assert.equal(cache.insertRecord(a("h4.local", "198.18.0.4", 40), at(1000)), "rejected");
  assert.deepEqual(removed, []);
  // A running query needs h5-h7: the reserve takes h5, then they evict h1,
  // then h2 (heard longest ago), not h3.
  const watches = [5, 6, 7].map((n) => cache.watch(`h${n}.local`, () => {}));
  for (const n of [5, 6, 7]) cache.insertRecord(a(`h${n}.local`, `198.18.0.${n}`, 90), at(2000));
  assert.deepEqual(removed, ["evicted h1.local", "evicted h2.local"]);
  assert.equal(cache.evictions, 2);
  assert.equal(cache.lookup("h3.local", 1).length, 1);
  assert.equal(cache.insertRecord(a("h9.local", "198.18.0.9"), at(3000)), "rejected");
  for (const w of watches) w.cancel();
  assert.ok(cache.bytes <= cache.capacity);
});

Deno.test("a record pending a goodbye goes before healthy ones", () => {
  const probe = new PeerServiceCache();
  probe.insertRecord(a("h1.local", "198.18.0.1"), at(0));
  const cache = new PeerServiceCache({ maxBytes: probe.bytes * 2 });
  using _h1 = cache.watch("h1.local", () => {});
  using _h2 = cache.watch("h2.local", () => {});
  using _h3 = cache.watch("h3.local", () => {});
  cache.insertRecord(a("h1.local", "198.18.0.1", 10), at(0));
  cache.insertRecord(a("h2.local", "198.18.0.2", 4500), at(500));
  cache.insertRecord(a("h2.local", "198.18.0.2", 0), at(600)); // goodbye: nobody needs it now
  cache.insertRecord(a("h3.local", "198.18.0.3"), at(700));
  assert.deepEqual([...cache.records()].map((r) => r.name).sort(), ["h1.local", "h3.local"]);
});

Deno.test("a record larger than the whole budget is rejected and changes nothing", () => {
  const cache = new PeerServiceCache({ maxBytes: 800 });
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0));
  const before = cache.bytes;
  const big = txt("x._http._tcp.local", ["k=" + "v".repeat(250), "j=" + "w".repeat(250)]);
  assert.equal(cache.insertRecord(big, at(0)), "rejected");
  assert.equal(cache.size, 1, "nothing was evicted for a record that could never fit");
  assert.equal(cache.bytes, before);
});

Deno.test("randomized: the budget is never exceeded and the accounting stays exact", () => {
  const random = seededRandom(2024);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const cache = new PeerServiceCache({ maxBytes: 64 * 1024, random });
  let evicted = 0;
  cache.subscribe((e) => {
    if (e.type === "removed" && e.reason === "evicted") evicted++;
  });
  const services = Array.from({ length: 300 }, (_, i) => `Svc ${i}._http._tcp.local`);
  const hosts = Array.from({ length: 100 }, (_, i) => `Host-${i}.local`);
  let now = 0;
  for (let step = 0; step < 6000; step++) {
    now += Math.floor(random() * 400);
    const roll = random();
    const ttl = roll < 0.1 ? 0 : pick([1, 2, 10, 120, 4500]);
    const iface = pick(["eth0", "eth1"]);
    const service = pick(services);
    const host = pick(hosts);
    const record: ResourceRecord = pick([
      () => ptr("_http._tcp.local", service, ttl),
      () => srv(service, host, 80 + Math.floor(random() * 3), ttl),
      () => txt(service, [`v=${Math.floor(random() * 5)}`], ttl),
      () =>
        a(random() < 0.5 ? host : host.toUpperCase(), `198.18.0.${Math.floor(random() * 4)}`, ttl),
      () => aaaa(host, `fd00::${Math.floor(random() * 4)}`, ttl),
    ])();
    cache.insertRecord(record, at(now, iface));
    assert.ok(cache.bytes <= cache.capacity, `step ${step}: ${cache.bytes} > ${cache.capacity}`);
    if (step % 7 === 0) cache.expire(now);
    if (step % 11 === 0) cache.takeDueRefreshes(now);
    if (step % 500 === 0) {
      assert.equal(cache.bytes - recount(cache), setMaps(cache), `step ${step}`);
    }
  }
  assert.equal(cache.bytes - recount(cache), setMaps(cache));
  assert.equal(cache.size, [...cache.records()].length);
  assert.ok(evicted > 0, "the sequence should have filled the cache");
  cache.expire(now + 5_000_000);
  assert.equal(cache.size, 0);
  assert.equal(cache.bytes, 0);
  assert.equal(cache.names, 0);
});

Deno.test("a name with many records counts its index maps and frees them", () => {
  const cache = new PeerServiceCache();
  for (let i = 0; i < 30; i++) {
    cache.insertRecord(ptr("_http._tcp.local", `s${i}._http._tcp.local`, 10), at(0, "eth0"));
    cache.insertRecord(ptr("_http._tcp.local", `s${i}._http._tcp.local`, 10), at(0, "eth1"));
  }
  assert.equal(
    cache.bytes,
    recount(cache) + 2 * 160 + 60 * MAP_SLOT_BYTES,
    "two set maps (one per interface), a slot in one for each PTR",
  );
  cache.expire(10_000);
  assert.equal(cache.bytes, 0);
});

Deno.test("eviction keeps working when the type name holds thousands of PTRs", () => {
  const cache = new PeerServiceCache({ maxBytes: 256 * 1024 });
  using _browse = cache.watch("_http._tcp.local", () => {}, { type: RecordType.PTR });
  const listing = (i: number) =>
    ptr("_http._tcp.local", `service-${i}._http._tcp.local`, 100 + (i % 50));
  for (let i = 0; i < 5000; i++) {
    cache.insertRecord(listing(i), at(i));
    assert.ok(cache.bytes <= cache.capacity);
  }
  assert.ok(cache.size < 5000);
  const kept = cache.lookup("_http._tcp.local", RecordType.PTR);
  assert.equal(kept.length, cache.size);
  // Each is an incomplete service the browse needs: newcomers do not push out
  // their equals (that would churn), so the first ones stay.
  const first = new Set(Array.from({ length: kept.length }, (_, i) => `service-${i}`));
  assert.ok(kept.every((r) => first.has((r.data as string).split(".")[0])));
  assert.equal(cache.evictions, 0);
  // Unwatched records at another name go first when a complete service needs room.
  cache.expire(0);
  assert.equal(cache.insertRecord(listing(6000), at(6000)), "rejected");
});

Deno.test("a PTR-only instance counts what the cache holds for it: its set slot, its unit and the unit's pointer slot and key", () => {
  // Under a flood of fake PTRs (issue 16 item 3) these made the 4 MiB cache
  // 5.7 MiB of heap while it counted only the record and a flat unit.
  const cache = new PeerServiceCache();
  for (let i = 0; i < 20; i++) {
    cache.insertRecord(ptr("_http._tcp.local", `Fake ${i}._http._tcp.local`), at(0));
  }
  const before = cache.bytes;
  cache.insertRecord(ptr("_http._tcp.local", "Fake 20._http._tcp.local"), at(0));
  const p = cache.lookup("_http._tcp.local", RecordType.PTR)
    .find((r) => r.data === "Fake 20._http._tcp.local")!;
  assert.equal(
    cache.bytes - before,
    p.bytes + MAP_SLOT_BYTES + EVICTION_UNIT_BYTES + MAP_SLOT_BYTES +
      stringBytes("fake 20._http._tcp.local"),
  );
  assert.equal(pointerBytes("fake 20._http._tcp.local"), MAP_SLOT_BYTES + 40);
  // And gives it all back.
  cache.insertRecord(ptr("_http._tcp.local", "Fake 20._http._tcp.local", 0), at(1));
  cache.expire(2_000);
  assert.equal(cache.bytes, before);
});
