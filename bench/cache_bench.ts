// Peer cache speed at 10,000 and 100,000 records (PTR, SRV, TXT, A, AAAA for
// 2,000 and 20,000 services), through the reader path the stack uses.
//
//   deno bench -A bench/cache_bench.ts
//
// Each benchmark advances its own clock by 1 ms an iteration, so time-based
// rules (the cache-flush second, expiry order) behave as on a live network.
import { MessageReader, RecordType } from "../codec/mod.ts";
import { PeerServiceCache } from "../cache/peer_cache.ts";
import { announcementPackets } from "./_workload.ts";

const MiB = 1024 * 1024;
const T0 = 1_700_000_000_000;
const eth0 = { interfaceName: "eth0", now: T0 };

function filled(records: number): { cache: PeerServiceCache; packets: Uint8Array[] } {
  const packets = announcementPackets(records / 5);
  const cache = new PeerServiceCache({ maxBytes: 64 * MiB, random: () => 0.5 });
  for (const p of packets) cache.insertMessage(new MessageReader(p), eth0);
  return { cache, packets };
}

function a(name: string, address: number, ttl: number, cacheFlush: boolean) {
  const rdata = new Uint8Array([198, 18, (address >> 8) & 0xff, address & 0xff]);
  return { interfaceName: "eth0", name, type: RecordType.A, class: 1, cacheFlush, ttl, rdata };
}

for (const size of [10_000, 100_000]) {
  const label = size === 10_000 ? "10k" : "100k";
  const { cache, packets } = filled(size);
  const services = size / 5;
  // deno-lint-ignore no-console
  console.log(
    `peer cache of ${cache.size} records: ${(cache.bytes / MiB).toFixed(2)} MiB counted, ` +
      `${(cache.bytes / cache.size).toFixed(0)} B/record`,
  );

  // --- insert -------------------------------------------------------------
  {
    // A brand-new record into a full cache. Nobody needs what is cached, and a
    // query needs the newcomer while it is inserted (a watch on its name, ended
    // right after), so each insert evicts what nobody needs, heard longest ago
    // first (the policy in peer_cache.ts): whole services, then earlier
    // newcomers. Every new record (10 s TTL) is also the earliest deadline, so
    // it sifts to the root of the deadline heap and back.
    const capped = new PeerServiceCache({ maxBytes: cache.bytes, random: () => 0.5 });
    for (const r of cache.records()) {
      capped.insert({
        interfaceName: r.interfaceName,
        name: r.name,
        type: r.type,
        class: r.class,
        cacheFlush: r.cacheFlush,
        ttl: r.ttl,
        rdata: r.rdata,
      }, T0);
    }
    const pool = Array.from({ length: 50_000 }, (_, i) => a(`new-${i}.local`, i, 10, true));
    let i = 0;
    let now = T0;
    Deno.bench({
      name: `insert new record, full cache evicts (${label})`,
      group: `insert ${label}`,
      baseline: true,
      fn() {
        const record = pool[i++ % pool.length];
        const watch = capped.watch(record.name, () => {}, { refresh: false });
        capped.insert(record, now++);
        watch.cancel();
      },
    });
  }
  {
    // A record heard again, read from its packet: parse + refresh.
    let p = 0;
    let reader = new MessageReader(packets[0]);
    let now = T0;
    Deno.bench({
      name: `re-heard record from a packet (${label})`,
      group: `insert ${label}`,
      fn() {
        if (!reader.nextRecord()) {
          reader = new MessageReader(packets[++p % packets.length]);
          reader.nextRecord();
        }
        cache.insertFromReader(reader, { interfaceName: "eth0", now: now++ });
      },
    });
  }

  // --- lookup -------------------------------------------------------------
  {
    const names = Array.from({ length: services }, (_, i) => `Service ${i}._http._tcp.local`);
    const hosts = Array.from({ length: services }, (_, i) => `HOST-${i}.local`);
    let i = 0;
    Deno.bench({
      name: `lookup SRV by instance name (${label})`,
      group: `lookup ${label}`,
      baseline: true,
      fn() {
        if (cache.lookup(names[i++ % services], RecordType.SRV).length !== 1) {
          throw new Error("miss");
        }
      },
    });
    Deno.bench({
      name: `lookup A by host name, other case (${label})`,
      group: `lookup ${label}`,
      fn() {
        if (cache.lookup(hosts[i++ % services], RecordType.A).length !== 1) throw new Error("miss");
      },
    });
    Deno.bench({
      name: `lookup a name not cached (${label})`,
      group: `lookup ${label}`,
      fn() {
        cache.lookup("absent.local", RecordType.A);
      },
    });
    Deno.bench({
      name: `resolve one service from the cache (${label})`,
      group: `lookup ${label}`,
      fn() {
        if (!cache.resolveService(names[i++ % services])[0].complete) throw new Error("incomplete");
      },
    });
  }

  // --- cache-flush --------------------------------------------------------
  {
    // Each host's address flips between two values; every insert flushes the
    // other one (heard 20 s or more earlier) and rescues its own if flushed.
    let i = 0;
    let now = T0 + 10_000;
    Deno.bench({
      name: `cache-flush record replacing an address (${label})`,
      group: `cache-flush ${label}`,
      baseline: true,
      fn() {
        const host = i % services;
        const flip = Math.floor(i / services) & 1;
        cache.insert(a(`host-${host}.local`, flip, 120, true), now++);
        i++;
      },
    });
  }

  // --- expiry -------------------------------------------------------------
  {
    // Steady state: each iteration adds a record living one second and
    // expires the one added a second earlier, in a cache of `size` records.
    const pool = Array.from({ length: 4096 }, (_, i) => a(`short-${i}.local`, i, 1, false));
    let i = 0;
    let now = T0 + 100_000;
    Deno.bench({
      name: `insert + expire one, steady state (${label})`,
      group: `expiry ${label}`,
      baseline: true,
      fn() {
        cache.insert(pool[i++ % pool.length], now);
        cache.expire(now);
        now += 1;
      },
    });
    Deno.bench({
      name: `nextDeadline (${label})`,
      group: `expiry ${label}`,
      fn() {
        cache.nextDeadline();
      },
    });
  }

  // --- insert, typical (registered last: it grows the cache) ----------------
  {
    // A new record with a normal TTL into a cache with room: its deadlines are
    // the latest, so the heaps take it in O(1). Bounded iterations bound growth.
    const iterations = 50_000;
    const pool = Array.from(
      { length: 2 * iterations },
      (_, i) => a(`more-${i}.local`, i, 120, true),
    );
    let i = 0;
    let now = T0 + 200_000;
    Deno.bench({
      name: `insert new record, room to spare (${label})`,
      group: `insert ${label} (growing)`,
      n: iterations,
      warmup: 5_000,
      fn() {
        cache.insert(pool[i++ % pool.length], now++);
      },
    });
  }
}
