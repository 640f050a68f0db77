/**
 * Queries our responder answers on real sockets, inside two network
 * namespaces joined by a bridge (needs root and iproute2; nothing touches this
 * machine's own namespace):
 *
 *   deno run -A --unstable-net bench/responder_netns_bench.ts [--seconds=3] [--type=srv|ptr]
 *
 * Host a runs the stack (UdpTransport + responder) publishing one service;
 * host b floods it with legacy unicast queries (each answered by unicast, so
 * no multicast rate limit applies). Reported: queries sent and answered per
 * second, and the responder's CPU per answered query, whose inverse is the
 * queries per second one core sustains (on a 2-vCPU machine the flooder
 * competes with the responder for CPU, so the delivered rate understates it).
 *
 * @module
 */

import { Lab } from "../tests/netns/harness.ts";
import { Publisher } from "../tests/netns/publisher.ts";

const args = Object.fromEntries(
  Deno.args.filter((a) => a.startsWith("--")).map((a) => {
    const [k, v] = a.slice(2).split("=");
    return [k, v ?? "true"];
  }),
);
// deno-lint-ignore no-console
const print = (m: unknown) => console.log(typeof m === "string" ? m : JSON.stringify(m));

// `deno bench` imports *_bench.ts files: this one needs root and namespaces,
// so it runs only as `deno run`.
if (import.meta.main) await main();

async function main(): Promise<void> {
  const seconds = Number(args.seconds ?? 3);
  const ptr = args.type === "ptr";
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  // One flooding address: the per-address legacy bound is off (answers per
  // second are what is measured; `responder/_legacy_limit.ts`).
  const ours = await Publisher.start(a, { hostName: "bench-a.local", legacyLimit: false });
  await ours.publish({ name: "Den", type: "_mdt._tcp", port: 4242, txt: { path: "/" } });
  const before = await ours.cpu();
  const flood = b.deno(new URL("../tests/netns/agents/query_flood.ts", import.meta.url).pathname, [
    JSON.stringify({
      address: "198.18.1.1",
      name: ptr ? "_mdt._tcp.local" : "Den._mdt._tcp.local",
      type: ptr ? 12 : 33,
      durationMs: seconds * 1000,
      window: 32,
    }),
  ]);
  type Done = { event: string; sent: number; received: number; seconds: number };
  const done = await flood.waitFor((m: Done) => m.event === "done", {
    timeoutMs: seconds * 1000 + 10_000,
  });
  const after = await ours.cpu();
  const cpu = after.micros - before.micros;
  print({
    query: ptr ? "legacy PTR" : "legacy SRV",
    sent: done.sent,
    answered: done.received,
    answeredPerSecond: Math.round(done.received / done.seconds),
    responderCpuMicrosPerQuery: +(cpu / Math.max(1, done.received)).toFixed(1),
    queriesPerCoreSecond: Math.round(done.received / (cpu / 1e6)),
  });
  await ours.close();
}
