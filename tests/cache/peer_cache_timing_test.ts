import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { seededRandom } from "../../testing/mod.ts";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import { a, aaaa, at, nsec, ptr, txt } from "./_records.ts";

Deno.test("refresh points sit at 80, 85, 90 and 95 % of the TTL with no jitter", () => {
  const cache = new PeerServiceCache({ random: () => 0 });
  using _watch = cache.watch("h.local", () => {}); // a running query wants it
  cache.insertRecord(a("h.local", "198.18.0.5", 100), at(0));
  const due: number[] = [];
  for (let t = 0; t <= 100_000; t += 100) {
    if (cache.takeDueRefreshes(t).length > 0) due.push(t);
  }
  assert.deepEqual(due, [80_000, 85_000, 90_000, 95_000]);
});

Deno.test("refresh jitter is 0-2 % of the TTL, drawn from the injected random", () => {
  const cache = new PeerServiceCache({ random: () => 0.999999 });
  using _watch = cache.watch("h.local", () => {}); // a running query wants it
  cache.insertRecord(a("h.local", "198.18.0.5", 100), at(0));
  assert.equal(cache.nextDeadline(), 81_999);
  assert.equal(cache.takeDueRefreshes(81_998).length, 0);
  assert.equal(cache.takeDueRefreshes(81_999).length, 1);
  assert.equal(cache.nextDeadline(), 86_999);
});

Deno.test("refresh deadlines over many records stay within bounds and are spread", () => {
  const cache = new PeerServiceCache({ random: seededRandom(7) });
  using _watch = cache.watch("_http._tcp.local", () => {}); // a running query wants it
  const ttl = 4500;
  for (let i = 0; i < 500; i++) {
    cache.insertRecord(ptr("_http._tcp.local", `s${i}._http._tcp.local`, ttl), at(0));
  }
  const firstRefresh = new Map<string, number>();
  const counts = new Map<string, number>();
  const points = [0.8, 0.85, 0.9, 0.95];
  for (let t = 0; t <= ttl * 1000; t += 1000) {
    for (const r of cache.takeDueRefreshes(t)) {
      const name = r.data as string;
      const n = counts.get(name) ?? 0;
      // Each point is reached at or after its lower bound and, sampled each second,
      // no later than 1 s after its upper bound.
      const low = points[n] * ttl * 1000;
      const high = (points[n] + 0.02) * ttl * 1000;
      assert.ok(t >= low && t <= high + 1000, `${name} point ${n} at ${t}`);
      if (n === 0) firstRefresh.set(name, t);
      counts.set(name, n + 1);
    }
  }
  assert.ok([...counts.values()].every((n) => n === 4));
  const distinct = new Set(firstRefresh.values());
  assert.ok(distinct.size > 40, `jitter should spread refreshes, got ${distinct.size} distinct`);
});

Deno.test("a late call returns each record once and skips to the next future point", () => {
  const cache = new PeerServiceCache({ random: () => 0 });
  using _watch = cache.watch("h.local", () => {}); // a running query wants it
  cache.insertRecord(a("h.local", "198.18.0.5", 100), at(0));
  assert.equal(cache.takeDueRefreshes(92_000).length, 1);
  assert.equal(cache.takeDueRefreshes(92_000).length, 0);
  assert.equal(cache.nextDeadline(), 95_000);
});

Deno.test("hearing a record again restarts its refresh points", () => {
  const cache = new PeerServiceCache({ random: () => 0 });
  using _watch = cache.watch("h.local", () => {}); // a running query wants it
  cache.insertRecord(a("h.local", "198.18.0.5", 100), at(0));
  cache.takeDueRefreshes(80_000);
  cache.insertRecord(a("h.local", "198.18.0.5", 100), at(81_000));
  assert.equal(cache.nextDeadline(), 161_000);
  assert.equal(cache.takeDueRefreshes(160_999).length, 0);
  assert.equal(cache.takeDueRefreshes(161_000).length, 1);
});

Deno.test("records leaving (goodbye or flush) offer no more refreshes", () => {
  const cache = new PeerServiceCache({ random: () => 0 });
  using _watch = cache.watch("h.local", () => {}); // a running query wants it
  cache.insertRecord(a("h.local", "198.18.0.5", 2), at(0));
  cache.insertRecord(a("h.local", "198.18.0.5", 0), at(100));
  assert.equal(cache.nextDeadline(), 1100);
  assert.deepEqual(cache.takeDueRefreshes(1099), []);
  assert.equal(cache.expire(1100).length, 1);
  assert.equal(cache.nextDeadline(), Infinity);
});

Deno.test("known answers are records with at least half their TTL left (RFC 6762 §7.1)", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(ptr("_http._tcp.local", "a._http._tcp.local", 100), at(0));
  cache.insertRecord(ptr("_http._tcp.local", "b._http._tcp.local", 100), at(10_000));
  const names = (now: number) =>
    cache.knownAnswers("_HTTP._tcp.local", RecordType.PTR, { now }).map((r) => r.data).sort();
  assert.deepEqual(names(10_000), ["a._http._tcp.local", "b._http._tcp.local"]);
  assert.deepEqual(names(50_000), ["a._http._tcp.local", "b._http._tcp.local"]); // exactly half
  assert.deepEqual(names(50_001), ["b._http._tcp.local"]);
  assert.deepEqual(names(60_001), []);
  assert.deepEqual(cache.knownAnswers("_http._tcp.local", RecordType.TXT, { now: 0 }), []);
});

Deno.test("known answers leave out records about to leave and filter by interface", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(ptr("_http._tcp.local", "a._http._tcp.local"), at(0, "eth0"));
  cache.insertRecord(ptr("_http._tcp.local", "b._http._tcp.local"), at(0, "eth1"));
  cache.insertRecord(ptr("_http._tcp.local", "c._http._tcp.local"), at(0, "eth0"));
  cache.insertRecord(ptr("_http._tcp.local", "c._http._tcp.local", 0), at(10, "eth0"));
  const known = cache.knownAnswers("_http._tcp.local", 12, { interfaceName: "eth0", now: 20 });
  assert.deepEqual(known.map((r) => r.data), ["a._http._tcp.local"]);
});

Deno.test("known answers for ANY cover every type at the name", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0));
  cache.insertRecord(aaaa("h.local", "fd00::5"), at(0));
  assert.equal(cache.knownAnswers("h.local", RecordType.ANY, { now: 1000 }).length, 2);
});

Deno.test("NSEC is a negative entry: the types it omits are known absent (RFC 6762 §6.1)", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0));
  assert.equal(cache.isKnownAbsent("h.local", RecordType.AAAA), false, "no NSEC yet");
  cache.insertRecord(nsec("h.local", [RecordType.A], 10), at(0));
  assert.equal(cache.isKnownAbsent("H.LOCAL", RecordType.AAAA), true);
  assert.equal(cache.isKnownAbsent("h.local", RecordType.A), false, "listed and cached");
  assert.equal(cache.isKnownAbsent("h.local", RecordType.TXT), true);
  assert.equal(cache.isKnownAbsent("h.local", RecordType.AAAA, { interfaceName: "eth1" }), false);
  assert.equal(cache.isKnownAbsent("other.local", RecordType.AAAA), false);
  assert.equal(cache.isKnownAbsent("h.local", RecordType.AAAA, { now: 10_000 }), false, "expired");
  cache.expire(10_000);
  assert.equal(cache.isKnownAbsent("h.local", RecordType.AAAA), false);
});

Deno.test("a cached record of a type beats an NSEC that omits it", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(nsec("h.local", [RecordType.A]), at(0));
  cache.insertRecord(aaaa("h.local", "fd00::5"), at(0));
  assert.equal(cache.isKnownAbsent("h.local", RecordType.AAAA), false);
});

Deno.test("NSEC bitmaps beyond the first window are read correctly", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(nsec("x._http._tcp.local", [RecordType.TXT, RecordType.SRV, 257]), at(0));
  assert.equal(cache.isKnownAbsent("x._http._tcp.local", 257), false);
  assert.equal(cache.isKnownAbsent("x._http._tcp.local", 258), true);
  assert.equal(cache.isKnownAbsent("x._http._tcp.local", RecordType.SRV), false);
  assert.equal(cache.isKnownAbsent("x._http._tcp.local", RecordType.A), true);
});

Deno.test("nextDeadline is the earliest of expiries and refresh points", () => {
  const cache = new PeerServiceCache({ random: () => 0 });
  using _watch = cache.watch("h.local", () => {}); // a running query wants it
  assert.equal(cache.nextDeadline(), Infinity);
  cache.insertRecord(txt("x._http._tcp.local", ["a=1"], 4500), at(1000));
  assert.equal(cache.nextDeadline(), 1000 + 4_500_000); // not watched: its expiry only
  cache.insertRecord(a("h.local", "198.18.0.5", 10), at(1000));
  assert.equal(cache.nextDeadline(), 9000);
  cache.insertRecord(a("h.local", "198.18.0.5", 0), at(2000));
  assert.equal(cache.nextDeadline(), 3000);
});

Deno.test("many refreshes of one record keep the deadline index small and correct", () => {
  const cache = new PeerServiceCache({ random: () => 0 });
  using _watch = cache.watch("h.local", () => {}); // a running query wants it
  for (let t = 0; t < 100_000; t += 10) cache.insertRecord(a("h.local", "198.18.0.5", 120), at(t));
  assert.equal(cache.nextDeadline(), 99_990 + 96_000);
  assert.deepEqual(cache.expire(99_990 + 119_999), []);
  assert.equal(cache.expire(99_990 + 120_000).length, 1);
});

Deno.test("records nobody watches get no refresh points, only an expiry", () => {
  const cache = new PeerServiceCache({ random: () => 0 });
  cache.insertRecord(a("h.local", "198.18.0.5", 100), at(0));
  assert.equal(cache.nextRefresh(), Infinity);
  assert.equal(cache.nextDeadline(), 100_000);
  assert.deepEqual(cache.takeDueRefreshes(99_000), []);
});

Deno.test("a watch arms the refresh points still ahead of records already cached", () => {
  const cache = new PeerServiceCache({ random: () => 0 });
  cache.insertRecord(a("h.local", "198.18.0.5", 100), at(0));
  cache.insertRecord(a("other.local", "198.18.0.6", 100), at(0));
  using _watch = cache.watch("H.LOCAL", () => {}, { type: RecordType.A, now: 82_000 });
  assert.equal(cache.nextRefresh(), 85_000); // 80 % was already past when the watch began
  assert.deepEqual(cache.takeDueRefreshes(85_000).map((r) => r.name), ["h.local"]);
});

Deno.test("a watch of another type or interface arms nothing", () => {
  const cache = new PeerServiceCache({ random: () => 0 });
  using _aaaa = cache.watch("h.local", () => {}, { type: RecordType.AAAA });
  using _eth1 = cache.watch("h.local", () => {}, { interfaceName: "eth1" });
  cache.insertRecord(a("h.local", "198.18.0.5", 100), at(0));
  assert.equal(cache.nextRefresh(), Infinity);
});

Deno.test("a cancelled watch stops the refreshes it asked for", () => {
  const cache = new PeerServiceCache({ random: () => 0 });
  const watch = cache.watch("h.local", () => {});
  cache.insertRecord(a("h.local", "198.18.0.5", 100), at(0));
  assert.equal(cache.takeDueRefreshes(80_000).length, 1);
  watch.cancel();
  assert.deepEqual(cache.takeDueRefreshes(99_000), []);
  assert.equal(cache.nextRefresh(), Infinity);
});

Deno.test("watch events come by name lookup: only the watched name, any case", () => {
  const cache = new PeerServiceCache();
  const seen: string[] = [];
  using _watch = cache.watch("H.local", (e) => seen.push(`${e.type} ${e.record.name}`), {
    type: RecordType.A,
  });
  cache.insertRecord(a("h.local", "198.18.0.5"), at(0));
  cache.insertRecord(aaaa("h.local", "fe80::5"), at(0));
  cache.insertRecord(a("g.local", "198.18.0.6"), at(0));
  cache.clear();
  assert.deepEqual(seen, ["added h.local", "removed h.local"]);
});

Deno.test("unsolicited records cost no scheduler wake-ups before expiry", () => {
  // Issue 7: 1,000 unsolicited records used to wake the scheduler about four
  // times each (one per refresh point); with no query running, none now.
  const cache = new PeerServiceCache({ random: seededRandom(3), maxBytes: 1 << 24 });
  for (let i = 0; i < 1000; i++) {
    cache.insertRecord(a(`h${i}.local`, "198.18.0.5", 120), at(i * 10));
  }
  assert.equal(cache.nextDeadline(), 120_000); // the first expiry, no refresh point before it
  assert.deepEqual(cache.takeDueRefreshes(119_999), []);
});
