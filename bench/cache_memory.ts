// Heap growth of a peer cache against the bytes it counts, in two workloads:
//  - `typical` (default): 100,000 records (PTR, SRV, TXT, A, AAAA for 20,000
//    services) in a 64 MiB cache, no churn;
//  - `poison`: the cache-poisoning flood of issue 16 item 3 (1,000,000 unique
//    records, a quarter PTR-only fake instances of a browsed type: the
//    records of tests/netns/poison_records.ts) into the default 4 MiB cache,
//    with a watch on the browsed type's PTRs as a browse holds: a full cache
//    under churn, whose `Map`s keep slack for what they held.
//
//   deno run --v8-flags=--expose-gc -A bench/cache_memory.ts [typical [services] | poison [records]]
//
// The packets are encoded before the first snapshot and kept alive until
// after the second, so the growth is what the cache retains: not the
// packets, nor the codec's caches warmed while encoding them. A first,
// smaller cache is filled and dropped beforehand so one-time costs (compiled
// code, inline caches) are not charged to the records either.
import { MessageReader } from "../codec/mod.ts";
import { PeerServiceCache } from "../cache/peer_cache.ts";
import { announcementPackets } from "./_workload.ts";
import { POISON_RECORDS_PER_PACKET, poisonPacket } from "../tests/netns/poison_records.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  // deno-lint-ignore no-console
  console.error("Run with --v8-flags=--expose-gc");
  Deno.exit(1);
}

function used(): number {
  gc!();
  gc!();
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

const NOW = 1_700_000_000_000;
function fill(cache: PeerServiceCache, packets: Uint8Array[]): void {
  let now = NOW;
  // 300 packets a second, as the netns flood sends them.
  for (const packet of packets) {
    cache.insertMessage(new MessageReader(packet), { interfaceName: "eth0", now });
    now += 3;
  }
}

const TYPE = "_http._tcp.local";
function poisonPackets(records: number): Uint8Array[] {
  const packets: Uint8Array[] = [];
  for (let i = 0; i < records; i += POISON_RECORDS_PER_PACKET) {
    packets.push(poisonPacket(i, { records, type: TYPE, ttl: 120 }));
  }
  return packets;
}

const MiB = 1024 * 1024;
const mode = Deno.args[0] ?? "typical";
const poison = mode === "poison";
const packets = poison
  ? poisonPackets(Number(Deno.args[1] ?? 1_000_000))
  : announcementPackets(Number(Deno.args[1] ?? 20_000));
const make = () => {
  const cache = new PeerServiceCache({
    maxBytes: poison ? undefined : 64 * MiB,
    random: () => 0.5,
  });
  // A browse of the type: its PTRs are needed (the eviction policy's tier 1).
  if (poison) cache.watch(TYPE, () => {}, { type: 12 });
  return cache;
};
fill(make(), packets.slice(0, 2000));

const before = used();
const cache = make();
fill(cache, packets);
const after = used();

const growth = after - before;
// deno-lint-ignore no-console
const row = (label: string, value: string) => console.log(`${label.padEnd(22)}${value}`);
row("workload", `${mode}, ${packets.length} packets`);
row("records", `${cache.size}`);
row("owner names", `${cache.names}`);
row("byte budget", `${(cache.capacity / MiB).toFixed(2)} MiB`);
row(
  "counted bytes",
  `${(cache.bytes / MiB).toFixed(2)} MiB (${(cache.bytes / cache.size).toFixed(0)} B/record)`,
);
row(
  "heap growth",
  `${(growth / MiB).toFixed(2)} MiB (${(growth / cache.size).toFixed(0)} B/record)`,
);
row("counted / measured", (cache.bytes / growth).toFixed(2));
