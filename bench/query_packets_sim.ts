// Query packets a browse sends (issue 14 item 10, issue 15 item 1), in
// virtual time on the in-memory network: our whole stack (`Mdns`) browsing
// `_http._tcp` with `resolve: true` against a fake network of services
// (`_fake_services.ts`). Counts are packets our host sent, both families
// together (each query goes out once per family), so they do not depend on
// this machine's load.
//
//   deno run -A bench/query_packets_sim.ts [--ipv6] [--big]
//
// --ipv6: the fake services publish AAAA too; --big: also 10,000 services
// that stop answering (one seed). Figures, seeds 1-3 (min-max), A only:
//
//                                         before (631dd1f)   after
//   20 services, 10 min: query packets      384-408            20
//   1,000 silent, 130 s: query packets      12,412-12,602      310-312
//     most in one second (both families)    1,100-1,140        26-28
//   10,000 silent, 130 s: query packets     23,050             2,126
//     most in one second (both families)    2,000              272 (*)
//   100 services, packets/min, next 2 min   92-96              8
//     minutes 5-15                          172.2-173.6        2.6
//   1,000 services, next 2 min              195-199            71
//     minutes 5-15                          1,371.2-1,382.8    19.4
//
// With a continuous question's packet budget (QUESTION_PACKET_BURST, issue 15
// item 1 again): 1,000 services 34-35 a minute in the 2 minutes after all
// resolved (the Known-Answer query at 1 s, then about 5 minutes later instead
// of 4 and 13 s), 20.6 in minutes 5-15 (that later query falls there);
// 1,000 silent 274; 100 and 20 services unchanged (8, 2.6; 20).
//
// (*) The refreshes keep to 20 packets a second per family; the 272 are the
// SRV follow-up questions the browse starts when 9,944 SRVs expire at once
// (continuous questions, not refreshes: QU at once, then 1, 4 and 13 s).
//
// With --ipv6, before: 464-482, 15,808-15,876, 1,390-1,418/s, 119-125,
// 224-231.8, 226-234, 1,709.6-1,741.6; after the same as A only except the
// silent run (384-390 packets, at most 40 in one second).
//
// Scenarios:
//   1. 20 services, 10 virtual minutes: query packets and questions.
//   2. 1,000 services resolved, then they stop answering: packets in the next
//      130 s, and the most refresh packets sent on the link in any one second.
//   3. 100 and 1,000 resolved services: query packets per minute in the 2
//      minutes after all are resolved, and in the steady state (minutes 5-15).
import { decodeMessage, MessageFlags } from "../codec/mod.ts";
import { Mdns } from "../mdns.ts";
import { MemoryNetwork, seededRandom, VirtualClock } from "../testing/mod.ts";
import { FakeServices } from "./_fake_services.ts";

const ipv6 = Deno.args.includes("--ipv6");

interface Run {
  network: MemoryNetwork;
  clock: VirtualClock;
  services: FakeServices;
  mdns: Mdns;
  resolved: () => number;
  stop: () => Promise<void>;
}

async function start(count: number, seed = 1): Promise<Run> {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(seed), logLimit: 2_000_000 });
  const us = network.host("us", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24", ipv6: ["fe80::2/64"] }],
  });
  const peer = network.host("peer", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/24", ipv6: ["fe80::3/64"] }],
  });
  const services = new FakeServices(peer, clock, seededRandom(seed + 1), { count, ipv6 });
  await services.start();
  const mdns = await Mdns.start({
    transport: us,
    clock,
    random: seededRandom(seed + 2),
    maxPeerCacheBytes: 256 * 1024 * 1024,
  });
  const browser = mdns.browse("_http._tcp", { resolve: true });
  const live = new Set<string>();
  const reading = (async () => {
    for await (const e of browser) {
      if (e.type === "removed") live.delete(e.service.fullName);
      else live.add(e.service.fullName);
    }
  })();
  return {
    network,
    clock,
    services,
    mdns,
    resolved: () => live.size,
    stop: async () => {
      await browser[Symbol.asyncDispose]();
      await reading;
      await mdns.close();
      await network.close();
    },
  };
}

function queries(run: Run, since = -Infinity, until = Infinity) {
  return run.network.packets({ from: "us", since })
    .filter((p) => p.time < until)
    .map((p) => ({ time: p.time, message: decodeMessage(p.data) }))
    .filter((p) => (p.message.flags & MessageFlags.RESPONSE) === 0);
}

async function advance(run: Run, ms: number, step = 1000): Promise<void> {
  for (let t = 0; t < ms; t += step) await run.clock.advanceAsync(Math.min(step, ms - t));
}

async function untilResolved(run: Run, count: number, limitMs = 60_000): Promise<number> {
  while (run.resolved() < count && run.clock.now() < limitMs) await run.clock.advanceAsync(10);
  return run.clock.now();
}

// deno-lint-ignore no-console
const say = console.log;
say(`fake services publish SRV, TXT and A${ipv6 ? " and AAAA" : " (no AAAA)"}; seeds 1-3, min-max`);

const figures = new Map<string, number[]>();
function note(label: string, value: number): void {
  const list = figures.get(label);
  if (list === undefined) figures.set(label, [value]);
  else list.push(value);
}

const silentCounts = Deno.args.includes("--big") ? [1000, 10_000] : [1000];

for (const seed of [1, 2, 3]) {
  {
    const run = await start(20, seed);
    await advance(run, 600_000);
    const qs = queries(run);
    note("20 services, 10 min: query packets", qs.length);
    note("20 services, 10 min: questions", qs.reduce((n, p) => n + p.message.questions.length, 0));
    note("20 services, 10 min: resolved at the end", run.resolved());
    await run.stop();
  }
  for (const n of silentCounts) {
    if (n > 1000 && seed > 1) continue; // one run of the big one
    const run = await start(n, seed);
    await untilResolved(run, n);
    await advance(run, 20_000);
    run.services.silent = true;
    const since = run.clock.now();
    await advance(run, 130_000, 250);
    const qs = queries(run, since);
    const perSecond = new Map<number, number>();
    for (const p of qs) {
      const s = Math.floor((p.time - since) / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    note(`${n} services silent for 130 s: query packets`, qs.length);
    note(
      `${n} services silent for 130 s: most packets in one second`,
      Math.max(0, ...perSecond.values()),
    );
    note(`${n} services silent for 130 s: still listed`, run.resolved());
    await run.stop();
  }
  for (const n of [100, 1000]) {
    const run = await start(n, seed);
    const at = await untilResolved(run, n);
    note(`${n} services: all resolved at (ms)`, at);
    await advance(run, 120_000);
    note(
      `${n} services: query packets/min, 2 min after resolved`,
      queries(run, at, at + 120_000).length / 2,
    );
    await advance(run, 300_000 - run.clock.now());
    const from = run.clock.now();
    await advance(run, 600_000);
    note(`${n} services: query packets/min, minutes 5-15`, queries(run, from).length / 10);
    note(`${n} services: listed at 15 min`, run.resolved());
    await run.stop();
  }
}
for (const [label, values] of figures) {
  const min = Math.min(...values);
  const max = Math.max(...values);
  say(`${label}: ${min === max ? min : `${min}-${max}`}`);
}
