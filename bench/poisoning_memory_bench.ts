// Cache poisoning in one process (issue 16, item 3), in virtual time on the
// in-memory network: a stack that publishes one service and browses every
// type (the type browse, and a browse of `_http._tcp` with resolve) hears
// `records` unique records from an attacker, a quarter of them PTR-only fake
// `_http._tcp` instances, the rest unique A and TXT records at fake names.
// Printed: the heap (used + external, after GC) at idle, after the attack and
// 15 s later; the peer cache's bytes and evictions and refusals (`stats.evicted`, `stats.rejected`); the
// browse's instances; the query packets sent in the 15 s after; whether the
// real service is still whole. Counts are load-independent; the heap is
// V8's; RSS here is a process without sockets (the netns test and bench
// measure the real one). Add --v8-flags=--max-semi-space-size=1 to compare.
//
//   deno run --v8-flags=--expose-gc -A bench/poisoning_memory_bench.ts [records] [no-browse]
import { MessageFlags, MessageReader } from "../codec/mod.ts";
import { Mdns } from "../mdns.ts";
import { MemoryNetwork, seededRandom, VirtualClock } from "../testing/mod.ts";
import type { Transport } from "../transport/transport.ts";
import { POISON_RECORDS_PER_PACKET, poisonPacket } from "../tests/netns/poison_records.ts";

const records = Number(Deno.args[0] ?? 200_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("Run with --v8-flags=--expose-gc");
let peakRss = 0, peakHeapTotal = 0;
const sampleRss = () => {
  const m = Deno.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeapTotal = Math.max(peakHeapTotal, m.heapTotal);
};
const heap = () => {
  sampleRss();
  gc!();
  gc!();
  const m = Deno.memoryUsage();
  return (m.heapUsed + m.external) / 2 ** 20;
};
const print = (line: string) => {
  // deno-lint-ignore no-console
  console.log(line);
};

const clock = new VirtualClock(1_700_000_000_000);
const network = new MemoryNetwork({ clock, random: seededRandom(1), logLimit: 0 });
const us = network.host("us", {
  interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/15", ipv6: ["fe80::2/64"] }],
});
const attacker = network.host("attacker", {
  interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.66/15", ipv6: ["fe80::66/64"] }],
});
await attacker.start({ onDatagram() {}, onEvent() {} });
let counting = false;
let queries = 0;
const transport: Transport = {
  get links() {
    return us.links;
  },
  start: (handler) => us.start(handler),
  close: () => us.close(),
  [Symbol.asyncDispose]: () => us.close(),
  send: (data, to) => {
    if (counting && (new MessageReader(data).flags & MessageFlags.RESPONSE) === 0) queries++;
    return us.send(data, to);
  },
};
const mdns = await Mdns.start({ transport, clock, random: seededRandom(3), hostName: "us.local" });
const published = mdns.publish({ name: "Real", type: "_http._tcp", port: 80, txt: { path: "/" } });
const browsing = Deno.args[1] !== "no-browse"; // "no-browse": the cache alone
const types = browsing ? mdns.browse() : undefined;
const http = mdns.browse(browsing ? "_http._tcp" : "_none._tcp", {
  resolve: Deno.args[1] !== "no-resolve",
});
const real = browsing ? mdns.browse("_ipp._tcp") : undefined;
await clock.advanceAsync(30_000);
await published;
const idle = heap();
const idleRss = Deno.memoryUsage().rss;
peakRss = peakHeapTotal = 0;

// The attack: 40 records a packet, 2,000 packets a second of virtual time.
const fakes = Math.floor(records / 4);
const ttl = 120;
for (let i = 0; i < records; i += POISON_RECORDS_PER_PACKET) {
  const data = poisonPacket(i, { records, type: "_http._tcp.local", ttl });
  void attacker.send(data, { interfaceName: "eth0", family: "IPv4" });
  if ((i / POISON_RECORDS_PER_PACKET) % 100 === 99) {
    await clock.advanceAsync(50);
    sampleRss();
  }
}
await clock.advanceAsync(100);
const after = heap();
counting = true;
await clock.advanceAsync(15_000);
counting = false;
const later = heap();
const snapshot = Deno.env.get("MDNS_HEAP_SNAPSHOT"); // a path: where the heap goes, for a profile
if (snapshot !== undefined) (await import("node:v8")).writeHeapSnapshot(snapshot);
const stats = mdns.stats;
const whole = http.services().some((s) => s.name.startsWith("Real") && s.addresses.length > 0);
print(
  `records ${records} (fake instances ${fakes}), budget ${
    (mdns.peerCache.capacity / 2 ** 20).toFixed(1)
  } MiB`,
);
print(
  `heap MiB: idle ${idle.toFixed(1)}, after ${after.toFixed(1)} (+${
    (after - idle).toFixed(1)
  }), 15 s later ${later.toFixed(1)} (+${(later - idle).toFixed(1)})`,
);
print(
  `peer cache: ${
    (mdns.peerCache.bytes / 2 ** 20).toFixed(2)
  } MiB in ${mdns.peerCache.size} records, evicted ${stats.evicted}, rejected ${stats.rejected}`,
);
print(`browse _http._tcp: ${http.services().length} instances; real service whole: ${whole}`);
print(`query packets in the 15 s after: ${queries}`);
print(
  `RSS over idle: peak +${((peakRss - idleRss) / 2 ** 20).toFixed(1)} MiB, now +${
    ((Deno.memoryUsage().rss - idleRss) / 2 ** 20).toFixed(1)
  } MiB; V8 heapTotal peak ${(peakHeapTotal / 2 ** 20).toFixed(1)} MiB (in process, no sockets)`,
);
await types?.[Symbol.asyncDispose]();
await http[Symbol.asyncDispose]();
await real?.[Symbol.asyncDispose]();
await mdns.close();
await attacker.close();
await network.close();
