/**
 * The responder's own cost per answer, without sockets: a stack on a
 * transport that hands datagrams straight in and takes sends synchronously
 * (as the FFI hatch's `sendto` does), answering legacy unicast SRV queries
 * (the shape `responder_load_bench.ts` sends) or multicast PTR queries.
 * Prints CPU µs per query (every thread, from /proc) and RSS, so
 * a change to the hot path can be judged without the network or Deno's UDP
 * cost (`--cpu-prof` on this script profiles our code alone).
 *
 *   deno run -A --v8-flags=--expose-gc bench/responder_hot_path.ts [--queries=200000]
 *     [--kind=legacy|multicast|foreign]
 *
 * `foreign` is a multicast flood of PTR queries for a type we do not publish
 * (what a flood at other names costs us: nothing to answer, still read).
 *
 * @module
 */

import { encodeMessage, RecordType } from "../codec/mod.ts";
import { Mdns } from "../mdns.ts";
import type {
  Datagram,
  Destination,
  NetworkLink,
  Transport,
  TransportHandler,
} from "../transport/transport.ts";
import { VirtualClock } from "../testing/mod.ts";

const args = Object.fromEntries(
  Deno.args.filter((a) => a.startsWith("--")).map((a) => {
    const [k, v] = a.slice(2).split("=");
    return [k, v ?? "true"];
  }),
);
// deno-lint-ignore no-console
const print = (m: unknown) => console.log(typeof m === "string" ? m : JSON.stringify(m));

const LINK: NetworkLink = {
  name: "eth0",
  index: 2,
  ipv4: ["198.18.0.2/24"],
  ipv6: ["fe80::2/64"],
};
const TRUE = Promise.resolve(true);

/** Takes every send synchronously; hands datagrams in by `deliver`. */
class DirectTransport implements Transport {
  readonly links: readonly NetworkLink[] = [LINK];
  sent = 0;
  bytes = 0;
  #handler: TransportHandler | undefined;
  start(handler: TransportHandler): Promise<void> {
    this.#handler = handler;
    return Promise.resolve();
  }
  send(data: Uint8Array, _to: Destination): Promise<boolean> {
    this.sent++;
    this.bytes += data.length;
    return TRUE;
  }
  deliver(datagram: Datagram): void {
    this.#handler!.onDatagram(datagram);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** CPU time of every thread of this process (GC helpers included), from /proc. */
function cpuNs(): number {
  let total = 0;
  for (const task of Deno.readDirSync("/proc/self/task")) {
    try {
      total += Number(
        Deno.readTextFileSync(`/proc/self/task/${task.name}/schedstat`).split(" ")[0],
      );
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return total;
}

if (import.meta.main) await main();

async function main(): Promise<void> {
  const queries = Number(args.queries ?? 200_000);
  const kind = String(args.kind ?? "legacy");
  const clock = new VirtualClock();
  const transport = new DirectTransport();
  // One address asks: the per-address bound on legacy queries is off (what
  // is measured is the answer; `responder/_legacy_limit.ts`).
  const mdns = await Mdns.start({
    transport,
    clock,
    random: () => 0.5,
    hostName: "box.local",
    legacyQueryRate: Infinity,
  });
  const published = mdns.publish({
    name: "Ours",
    type: "_mdt._tcp",
    port: 4242,
    txt: { path: "/" },
  });
  for (let i = 0; i < 20; i++) await clock.advance(1000);
  await published;
  const legacy = kind === "legacy";
  const ptrName = kind === "foreign" ? "_other._tcp.local" : "_mdt._tcp.local";
  const packets = Array.from({ length: 64 }, (_, id) =>
    encodeMessage({
      id: legacy ? id + 1 : 0,
      flags: 0,
      questions: [{
        name: legacy ? "Ours._mdt._tcp.local" : ptrName,
        type: legacy ? RecordType.SRV : RecordType.PTR,
        class: 1,
        unicastResponse: false,
      }],
      answers: [],
      authorities: [],
      additionals: [],
    }));
  const datagram = (i: number): Datagram => ({
    data: packets[i & 63],
    interfaceName: "eth0",
    family: "IPv4",
    source: { address: "198.18.0.9", port: legacy ? 40000 + (i & 1023) : 5353 },
    unicast: legacy,
  });
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      transport.deliver(datagram(i));
      // Time as at 20,000 queries a second: a multicast answer waits 20-120 ms
      // and goes at most once a second per record (RFC 6762 §6).
      if (!legacy && i % 20 === 19) clock.advance(1);
      // One wake-up of the FFI drain takes up to 256 datagrams; then the
      // event loop turns (promise reactions, timers) as it does on a socket.
      if ((i & 255) === 255) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  await run(Math.min(20_000, queries)); // warm-up (JIT)
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const sentBefore = transport.sent;
  const heap0 = Deno.memoryUsage();
  const cpu0 = cpuNs();
  const t0 = performance.now();
  await run(queries);
  const ms = performance.now() - t0;
  const cpuMs = (cpuNs() - cpu0) / 1e6;
  const heap1 = Deno.memoryUsage();
  gc?.();
  const heap2 = Deno.memoryUsage();
  print({
    kind,
    queries,
    sends: transport.sent - sentBefore,
    cpuMicrosPerQuery: Math.round(cpuMs * 1000 / queries * 100) / 100,
    wallMicrosPerQuery: Math.round(ms * 1000 / queries * 100) / 100,
    rssMiB: [heap0.rss, heap1.rss].map((b) => Math.round(b / 2 ** 20 * 10) / 10),
    heapTotalMiB: [heap0.heapTotal, heap1.heapTotal].map((b) => Math.round(b / 2 ** 20 * 10) / 10),
    liveHeapMiB: [heap0.heapUsed, heap2.heapUsed].map((b) => Math.round(b / 2 ** 20 * 10) / 10),
    stats: mdns.stats,
  });
  await mdns.close();
}
