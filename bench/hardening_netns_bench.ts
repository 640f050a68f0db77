/**
 * Issue 16 items 1 and 2 at full count, on real sockets inside network
 * namespaces (needs root and iproute2; nothing touches this machine's own
 * namespace). Each run in a fresh lab:
 *
 *   deno run -A --unstable-net bench/hardening_netns_bench.ts [--runs=3] [--count=100000]
 *     [--rate=5000] [--seconds=10] [--flood-rate=20000] [--legacy-rate=20000]
 *
 * Prints per run: the hostile-packet run (tests/netns/hostile_scenario.ts:
 * packets, resolve checks, CPU, RSS before / after warm-up / end, kernel
 * drops, problems found by the same checks as the CI test), then the
 * multicast and legacy floods (tests/netns/flood_scenario.ts) at our stack,
 * avahi-daemon and python-zeroconf in turn (CPU and RSS of the publishing
 * process from /proc; `--skip-hostile` leaves the first part out). `ours` runs
 * with README's recommended V8 flags (the hostile target too, unless
 * `--hostile-v8=default`), `ours-v8` with V8's defaults;
 * `--publishers=ours,ours-v8,avahi,zeroconf` picks (the default is all, `none` none;
 * `ours-flags` runs ours with `--v8=FLAGS` as its V8 flags). The machine
 * has 2 cores shared with other work: CPU and RSS figures move with load;
 * packet counts do not.
 *
 * `--perf="stat -e task-clock,context-switches"` (or `"record -g -o /tmp/x.data"`)
 * runs `perf <args> -p <publisher pid> -- sleep <seconds / 2>` from 20 % into
 * each flood: where the publisher's CPU goes, inside the namespace (add
 * `--v8=--perf-basic-prof` with `--publishers=ours-flags` for JavaScript names).
 *
 * @module
 */

import { Lab } from "../tests/netns/harness.ts";
import { checkHostileRun, runHostile } from "../tests/netns/hostile_scenario.ts";
import { checkFloodRun, floodLab, type FloodPublisher } from "../tests/netns/flood_scenario.ts";
import { RECOMMENDED_V8_FLAGS } from "../tests/netns/publisher.ts";

const args = Object.fromEntries(
  Deno.args.filter((a) => a.startsWith("--")).map((a) => {
    const [k, ...v] = a.slice(2).split("="); // a value may hold "=" (--v8=--flag=1)
    return [k, v.length > 0 ? v.join("=") : "true"];
  }),
);
// deno-lint-ignore no-console
const print = (m: unknown) => console.log(typeof m === "string" ? m : JSON.stringify(m));
const mib = (bytes: number) => Math.round(bytes / 2 ** 20 * 10) / 10;

if (import.meta.main) await main();

async function main(): Promise<void> {
  const runs = Number(args.runs ?? 3);
  for (let i = 1; i <= runs; i++) {
    if (args["skip-hostile"] === undefined) {
      await using lab = await Lab.create();
      const run = await runHostile(lab, {
        count: Number(args.count ?? 100_000),
        rate: Number(args.rate ?? 5000),
        seed: 0x5eed + i,
        // As README recommends; `--hostile-v8=default` measures V8's own sizing.
        flags: args["hostile-v8"] === "default" ? undefined : [
          "--unstable-net",
          "--allow-all",
          `--v8-flags=--expose-gc,${RECOMMENDED_V8_FLAGS}`,
        ],
      });
      print({
        run: i,
        attack: "hostile packets",
        sent: run.sent,
        seconds: Math.round(run.seconds * 10) / 10,
        checks: run.checker,
        cpuSeconds: run.cpuSeconds,
        rssMiB: [mib(run.rss.before), mib(run.rss.warm), mib(run.rss.end)],
        heapMiB: [mib(run.heap.before), mib(run.heap.warm), mib(run.heap.end)],
        kernelDrops: run.kernelDrops,
        problems: checkHostileRun(run),
      });
    }
    const publishers = String(args.publishers ?? "ours,ours-v8,avahi,zeroconf").split(",")
      .filter((p) => p !== "none"); // --publishers=none: the hostile part alone
    for (const publisher of publishers) {
      await using lab = await Lab.create();
      const kind: FloodPublisher = publisher.startsWith("ours")
        ? "ours"
        : publisher as FloodPublisher;
      const v8 = publisher === "ours"
        ? RECOMMENDED_V8_FLAGS
        : publisher === "ours-flags"
        ? String(args.v8 ?? "")
        : undefined;
      const flags = v8 === undefined
        ? undefined
        : ["--unstable-net", "--allow-all", `--v8-flags=--expose-gc,${v8}`];
      const flood = await floodLab(lab, kind, flags);
      const seconds = Number(args.seconds ?? 10);
      for (const mode of ["multicast", "legacy"] as const) {
        const rate = Number(
          mode === "multicast" ? args["flood-rate"] ?? 20_000 : args["legacy-rate"] ?? 20_000,
        );
        const running = flood.flood(mode, rate, seconds);
        if (args.perf !== undefined) await profile(flood.target.pid, String(args.perf), seconds);
        const run = await running;
        print({
          run: i,
          publisher,
          attack: `${mode} query flood`,
          rate,
          sent: run.sent,
          reached: run.queries,
          legacyLimited: run.legacyLimited,
          checks: run.checker,
          checksByFamily: run.checksByFamily,
          multicastRecords: run.multicastRecords,
          shortestGapMs: run.shortestGapMs,
          cpuSeconds: Math.round(run.cpuSeconds * 100) / 100,
          rssMiB: [mib(run.rss.before), mib(run.rss.warm), mib(run.rss.end)],
          problems: checkFloodRun(run),
        });
      }
      await flood.target.close();
    }
  }
}

/** `perf <args> -p pid` over the middle of a flood (its report goes to stderr, or to `-o`). */
async function profile(pid: number, perfArgs: string, seconds: number): Promise<void> {
  await new Promise((r) => setTimeout(r, seconds * 1000 / 5 + 1000)); // as the flood's warm-up
  const perf = new Deno.Command("perf", {
    args: [...perfArgs.split(" "), "-p", String(pid), "--", "sleep", String(seconds / 2)],
    stdout: "inherit",
    stderr: "inherit",
  });
  await perf.output();
}
