/**
 * A 500-host LAN in simulation (issue 16 item 8): on the in-memory network
 * with the virtual clock, `--hosts` stacks (default 500) each publish one
 * service of each of three types and browse one type, all starting within
 * the first second (`bench/_lan_sim.ts`). Reported per run (seeds 1-3 by
 * default, `--runs`):
 *
 * - `completeMs`: virtual time until every browser has seen every service
 *   of its type (`added`), and `removals` (`removed` events: 0 is right);
 * - packets and bytes per host in the first minute and in a steady hour
 *   (1 h to 2 h; `--steady-hours=0` skips it), split into probes, queries
 *   and responses;
 * - `cpuMs`: user + system CPU of the whole simulation (load-dependent: the
 *   machine has 2 cores shared with other work; the packet counts are not);
 * - beside ours: the least the protocol needs and what Avahi's and
 *   python-zeroconf's documented schedules would send on the same network,
 *   from the model in `bench/_lan_model.ts` (its doc states the model and
 *   derives the minimum: 6 packets per host in the first minute, 2.4
 *   responses per host plus 2.4 queries per LAN in a steady hour).
 *
 * One IPv4 link: a dual-stack LAN sends every packet on both families, so
 * double every count for it (RFC 6762 §6, all three stacks alike).
 *
 *   deno run -A bench/lan_500_sim.ts [--hosts=500] [--runs=3] [--steady-hours=1]
 *
 * Prints one JSON line per run, then a summary line (min-max over the runs).
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { type HostCounts, LanSimulation } from "./_lan_sim.ts";
import { type ModelCounts, peerModels, protocolMinimum } from "./_lan_model.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    hosts: { type: "string", default: "500" },
    runs: { type: "string", default: "3" },
    "steady-hours": { type: "string", default: "1" },
  },
});
const hosts = Number(values.hosts);
const runs = Number(values.runs);
const steadyHours = Number(values["steady-hours"]);
// deno-lint-ignore no-console
const emit = (m: Record<string, unknown>) => console.log(JSON.stringify(m));

function perHost(counts: HostCounts[]) {
  const sum = counts.reduce((a, c) => ({
    packets: a.packets + c.packets,
    bytes: a.bytes + c.bytes,
    probes: a.probes + c.probes,
    queries: a.queries + c.queries,
    responses: a.responses + c.responses,
  }));
  const round = (x: number) => Math.round(x / counts.length * 100) / 100;
  return {
    packets: round(sum.packets),
    bytes: round(sum.bytes),
    probes: round(sum.probes),
    queries: round(sum.queries),
    responses: round(sum.responses),
    maxPacketsOneHost: Math.max(...counts.map((c) => c.packets)),
  };
}

interface RunResult {
  completeMs: number | undefined;
  removals: number;
  firstMinute: ReturnType<typeof perHost>;
  steadyHour?: ReturnType<typeof perHost>;
  cpuMs: number;
  models: ModelCounts[];
}

async function once(seed: number): Promise<RunResult> {
  const cpu = process.cpuUsage();
  const sim = LanSimulation.start({ hosts, seed });
  await sim.run(60_000, 100);
  const completeMs = sim.completion().lastAt;
  const firstMinute = perHost(sim.counts());
  let steadyHour;
  if (steadyHours > 0) {
    // Warm-up to the end of the first hour, then count one steady hour (or more).
    await sim.run(3_600_000 - 60_000, 10_000);
    sim.resetCounts();
    await sim.run(steadyHours * 3_600_000, 10_000);
    steadyHour = perHost(sim.counts());
  }
  const removals = sim.removals;
  const seenAll = sim.fewestSeen();
  await sim.close();
  const used = process.cpuUsage(cpu);
  if (seenAll !== hosts) {
    throw new Error(`a browser sees ${seenAll} of ${hosts} services at the end`);
  }
  const models = [protocolMinimum(hosts), ...peerModels(sim.starts, seed)];
  return {
    completeMs,
    removals,
    firstMinute,
    steadyHour,
    cpuMs: Math.round((used.user + used.system) / 1000),
    models,
  };
}

if (import.meta.main) {
  const results: RunResult[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    const r = await once(seed);
    results.push(r);
    emit({ run: seed, hosts, ...r });
  }
  const range = (f: (r: RunResult) => number | undefined) => {
    const xs = results.map(f).filter((x): x is number => x !== undefined);
    return xs.length === 0 ? "n/a" : `${Math.min(...xs)}-${Math.max(...xs)}`;
  };
  const model = (stack: string, f: (m: ModelCounts) => number) =>
    range((r) => Math.round(f(r.models.find((m) => m.stack === stack)!) * 100) / 100);
  emit({
    summary: true,
    hosts,
    runs,
    completeMs: range((r) => r.completeMs),
    removals: range((r) => r.removals),
    cpuMs: range((r) => r.cpuMs),
    packetsPerHostFirstMinute: {
      ours: range((r) => r.firstMinute.packets),
      minimum: model("protocol minimum", (m) => m.firstMinutePerHost),
      avahiModel: model("Avahi", (m) => m.firstMinutePerHost),
      zeroconfModel: model("python-zeroconf", (m) => m.firstMinutePerHost),
    },
    bytesPerHostFirstMinute: range((r) => r.firstMinute.bytes),
    packetsPerHostSteadyHour: {
      ours: range((r) => r.steadyHour?.packets),
      minimum: model("protocol minimum", (m) => m.steadyHourPerHost),
      avahiModel: model("Avahi", (m) => m.steadyHourPerHost),
      zeroconfModel: model("python-zeroconf", (m) => m.steadyHourPerHost),
    },
    bytesPerHostSteadyHour: range((r) => r.steadyHour?.bytes),
  });
}
