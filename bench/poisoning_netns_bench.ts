// Cache poisoning over real sockets (issue 16, item 3), the full count: host
// `b` announces `records` unique records (default 1,000,000; a quarter
// PTR-only fake instances of the type `a` publishes and browses) at 300
// packets of 40 records a second, at host `a` running
// `tests/netns/agents/poison_target.ts` (publishes `Real`, browses every
// type). Per run: datagrams received, records refused (stats.rejected +
// evicted), peer-cache bytes against the budget, RSS and live heap (after a
// full GC) over idle, query packets in the 15 s after, the real service whole.
// Three runs, min-max. Root only, in namespaces the lab makes and removes.
// Avahi and python-zeroconf were not run under this attack here.
//
//   deno run -A --unstable-net bench/poisoning_netns_bench.ts [records] [runs]
import { Lab } from "../tests/netns/lab.ts";

const TARGET = new URL("../tests/netns/agents/poison_target.ts", import.meta.url).pathname;
const FLOOD = new URL("../tests/netns/agents/poison_flood.ts", import.meta.url).pathname;
const TYPE = "_mdpoison._tcp";
const records = Number(Deno.args[0] ?? 1_000_000);
const runs = Number(Deno.args[1] ?? 3);
const print = (line: string) => {
  // deno-lint-ignore no-console
  console.log(line);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// deno-lint-ignore no-explicit-any
type Message = Record<string, any>;

const rows: Record<string, number>[] = [];
for (let run = 0; run < runs; run++) {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const target = a.deno(TARGET, [JSON.stringify({ type: TYPE })], {
    stdin: true,
    flags: ["--unstable-net", "--allow-all", "--v8-flags=--expose-gc"],
  });
  await target.waitFor((m: Message) => m.event === "published", { timeoutMs: 30_000 });
  await sleep(5000);
  const report = async () => {
    const mark = target.mark();
    await target.send({ op: "report" });
    return await target.waitFor((m: Message) => m.event === "report", { since: mark });
  };
  const idle = await report();
  const flood = b.deno(FLOOD, [
    JSON.stringify({ records, type: `${TYPE}.local`, packetsPerSecond: 300 }),
  ]);
  let peakRss = idle.rss;
  let done: Message | undefined;
  void flood.waitFor((m: Message) => m.event === "done", { timeoutMs: 3_600_000 }).then((m) =>
    done = m
  );
  while (done === undefined) {
    await sleep(5000);
    peakRss = Math.max(peakRss, (await report()).rss);
  }
  const after = await report();
  await sleep(15_000);
  const later = await report();
  rows.push({
    sent: done.packets,
    received: later.stats.received,
    refused: later.stats.rejected + later.stats.evicted,
    cacheMiB: later.cacheBytes / 2 ** 20,
    budgetMiB: later.cacheBudget / 2 ** 20,
    rssMiB: (Math.max(peakRss, later.rss) - idle.rss) / 2 ** 20,
    heapMiB: (Math.max(after.heap, later.heap) - idle.heap) / 2 ** 20,
    queries15s: later.queries - after.queries,
    realWhole: later.realWhole ? 1 : 0,
  });
  print(`run ${run + 1}: ${JSON.stringify(rows[rows.length - 1])}`);
  await target.send({ op: "close" });
  await target.waitFor((m: Message) => m.event === "closed", { timeoutMs: 10_000 });
}
for (const key of Object.keys(rows[0])) {
  const values = rows.map((r) => r[key]);
  const lo = Math.min(...values).toFixed(1);
  const hi = Math.max(...values).toFixed(1);
  print(`${key}: ${lo === hi ? lo : `${lo}-${hi}`}`);
}
