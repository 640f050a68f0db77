// Heap growth of a peer cache holding 100,000 typical records (PTR, SRV, TXT,
// A, AAAA for 20,000 services), against the bytes the cache counts.
//
//   deno run --v8-flags=--expose-gc -A bench/cache_memory.ts [services]
//
// The announcement packets are encoded before the first snapshot and kept
// alive until after the second, so the growth is what the cache retains: not
// the packets, nor the codec's caches warmed while encoding them. A first,
// smaller cache is filled and dropped beforehand so one-time costs (compiled
// code, inline caches) are not charged to the records either.
import { MessageReader } from "../codec/mod.ts";
import { PeerServiceCache } from "../cache/peer_cache.ts";
import { announcementPackets } from "./_workload.ts";

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

function fill(cache: PeerServiceCache, packets: Uint8Array[]): void {
  const context = { interfaceName: "eth0", now: 1_700_000_000_000 };
  for (const packet of packets) cache.insertMessage(new MessageReader(packet), context);
}

const SERVICES = Number(Deno.args[0] ?? 20_000);
const MiB = 1024 * 1024;
const packets = announcementPackets(SERVICES);
fill(new PeerServiceCache({ maxBytes: 64 * MiB }), packets.slice(0, 2000));

const before = used();
const cache = new PeerServiceCache({ maxBytes: 64 * MiB, random: () => 0.5 });
fill(cache, packets);
const after = used();

const growth = after - before;
// deno-lint-ignore no-console
const row = (label: string, value: string) => console.log(`${label.padEnd(22)}${value}`);
row("records", `${cache.size} (${packets.length} services)`);
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
