/**
 * A running browse on real sockets, side by side with Avahi and
 * python-zeroconf (issue 15 items 1, 3 and 4). Needs root and iproute2; every
 * packet stays inside the namespaces it creates:
 *
 *   deno run -A --unstable-net bench/browse_netns_bench.ts [--services=100]
 *     [--runs=3] [--stacks=ours,avahi,zeroconf] [--window=120] [--windows=2] [--stagger=8]
 *
 * Each run of each stack gets its own lab of three namespaces on one bridge:
 * b answers as N services from raw packets (bench/_fake_services_agent.ts:
 * cache-flush, additionals, Known-Answer suppression, TTL 4500/120 s), c
 * listens to both multicast groups and timestamps every query
 * (bench/_mdns_capture.py), a runs the browser under test:
 *   ours      `mdns browse _http._tcp --resolve --json` (cli/main.ts)
 *   avahi     avahi-daemon + `avahi-browse -r -p -k _http._tcp`
 *   zeroconf  python-zeroconf ServiceBrowser resolving each service
 *             (tests/netns/peers/zc_browse.py)
 *   ours-alt  ours with `--v8-alt=FLAGS` as its `--v8-flags` (default the
 *             recommended ones) and `--alt-cli=PATH` as its cli/main.ts (default
 *             this one): two flag sets, or two checkouts, side by side in one run
 *   ours-idle the same CLI browsing a type nobody has, windows from 2 s
 *             after spawn: what the stack costs with nothing to browse
 *   deno-empty `deno run` of a script that only stays alive
 *             (bench/_idle_script.ts, same `--v8` flags), windows from 2 s
 *             after spawn: the floor Deno itself costs
 * `--dump=PREFIX` writes each run's queries from a (time from all resolved)
 * to PREFIX-<stack>-<run>.jsonl. `--cpu-prof=DIR` runs ours with Deno's --cpu-prof (written at exit).
 * Ours (and deno-empty) run with the recommended V8 flags
 * (`RECOMMENDED_V8_FLAGS`, as `deno task mdns` runs the CLI); `--v8=default`
 * for V8's own, `--v8=+FLAGS` adds FLAGS to the recommended ones.
 * `--v8=FLAGS` passes `--v8-flags=FLAGS` to ours instead (with `--trace-gc`, V8's GC
 * lines go to stderr with the bench's clock).
 * Labs start `--stagger` seconds apart (so discoveries do not overlap on the
 * shared CPU) and then run together.
 *
 * Reported per run: time until all N are resolved (from the browser's first
 * query, and from its spawn), query packets per minute from a (both families,
 * probes excluded) in `--windows` windows of `--window` s after that, and the
 * CPU of every process in a over each window (/proc/PID/stat, 10 ms
 * resolution), Avahi's as daemon + client with its private dbus-daemon apart.
 * Then min-max over runs per stack.
 *
 * Figures (2026-12-02, main at 7bb000a merged, 3 runs each, 2-core machine
 * shared with five other engineers; windows 0-2 and 2-4 min after resolved):
 *
 * | 100 services             | ours          | Avahi 0.8   | python-zeroconf |
 * |--------------------------|---------------|-------------|-----------------|
 * | resolved after 1st query | 0.135-0.202 s | 0.203-0.262 | 0.145-0.168     |
 * | query packets/min        | 8, then 2     | 12, then 2  | 12, then 2      |
 * | CPU per window           | 0.08-0.10, 0.01-0.02 s | 0.05-0.06, 0.01 | 0.11-0.13, 0-0.01 |
 * (ours-idle, nothing to browse: 0.04 s, then 0.)
 *
 * | 1,000 services           | ours          | Avahi 0.8   | python-zeroconf |
 * |--------------------------|---------------|-------------|-----------------|
 * | resolved after 1st query | 0.339-0.683 s | 773 after 30 s | 1.75-1.78 s (1 run: 917) |
 * | query packets/min        | 70, then 13   | 57, then 19 (from 30 s) | 95, then 19 |
 * | CPU per window           | 0.21-0.22, 0.11-0.16 s | 1.35-1.61, 0.35-0.45 | 0.08-0.50, 0.02-0.04 |
 *
 * Again after main's querier follow-ups (852a065), ours only: 100 services
 * resolved 0.119-0.148 s after the first query, 8 then 2 packets/min, CPU
 * 0.08-0.09 s in window 1 (ours-idle 0.04); 1,000 services 0.355-0.499 s,
 * 70 then 13 packets/min, CPU 0.33-0.37 then 0.16-0.18 s (that run overlapped
 * a 100-service run: CPU inflated, the same overlap gave 0.12-0.13 s for 100).
 *
 * With a continuous question's packet budget (issue 15 item 1 again,
 * `QUESTION_PACKET_BURST`), 3 runs, peers in the same runs, one 2-minute
 * window, load average 10-17 on the 2 shared cores:
 *
 * | 1,000 services           | ours          | Avahi 0.8   | python-zeroconf |
 * |--------------------------|---------------|-------------|-----------------|
 * | query packets/min        | 32-33 (was 70) | 57 (773 resolved) | 57-95 (one run 810 resolved) |
 * | CPU in the window        | 0.25-0.31 s   | 1.57-1.73   | 0.07-0.47       |
 * | resolved after 1st query | 0.76-3.01 s (load: the 1 s query recovered lost answers) | n/a | 2.59 s |
 *
 * | 100 services             | ours          | Avahi 0.8   | python-zeroconf |
 * |--------------------------|---------------|-------------|-----------------|
 * | query packets/min        | 6-8           | 10-12       | 12              |
 * | CPU in the window        | 0.08 s        | 0.05-0.06   | 0.07            |
 * | … ours with `--v8=--no-memory-reducer` | 0.04-0.05 s | 0.05-0.07 | 0.05-0.08 |
 *
 * `--v8=--trace-gc` shows where ours goes: two "Mark-Compact (reduce)" GCs,
 * V8's memory reducer shrinking the heap left by start-up (9.7-10.4 →
 * 7.1-7.3 MB) about 30 s after spawn, are half the window's CPU; the rest is
 * the browse's queries at 1, 4 and 13 s and the SRV refresh round at ~96 s.
 *
 * After the CLI stopped importing `node:util` and loads only the command that
 * runs (live heap of the running 100-service browse 7.32 → 6.97 MB: the
 * first access to Deno's global `setTimeout` loads the same Node layer, so
 * most of the 1.2 MB saved at import comes back), 3 runs, one 2-minute
 * window, peers and `ours-alt` (+ `--no-memory-reducer-for-small-heaps`) in
 * the same run, load average 9-10:
 *
 * | 100 services      | ours        | ours-alt    | Avahi 0.8   | python-zeroconf | deno-empty |
 * |-------------------|-------------|-------------|-------------|-----------------|------------|
 * | CPU in the window | 0.11-0.13 s | 0.05-0.06   | 0.09-0.10   | 0.08-0.11       | 0-0.03     |
 * | resolved after 1st query | 0.26-0.56 s | 0.15-0.36 | 0.47-0.89 | 0.34-0.78     |            |
 *
 * Again after merging main's receive pacing, load 7-9: ours 0.09-0.12 s,
 * ours-alt 0.06-0.07, Avahi 0.09-0.12, python-zeroconf 0.09-0.13, deno-empty
 * 0. And main's CLI as ours-alt (`--alt-cli`), both with the recommended
 * flags, load 4-9: ours 0.10-0.12 s, main's 0.10-0.12 (Avahi 0.09-0.11,
 * python-zeroconf 0.12-0.14): the smaller heap is not seen at 10 ms ticks.
 *
 * (`--v8=+--trace-gc`: with the flag no "Mark-Compact (reduce)" runs at all;
 * bench/memory_reducer_bench.ts shows it still gives a flood's heap back.)
 *
 * 1,000 services with the fake services answering a first query at once
 * (they took 50-250 ms per answer to encode 5,000 records), labs 40 s apart
 * so none overlaps another (`--stagger=40 --window=20`), load 10-12:
 *
 * | 1,000 services             | ours          | Avahi 0.8     | python-zeroconf |
 * |----------------------------|---------------|---------------|-----------------|
 * | resolved after 1st query   | 0.46, 0.74, 0.78 s | 773 after 30 s | 1.83 s; 793 and 795 after 30 s |
 * | resolved in the first round (before the 1 s query) | 1,000 | 0 | 0-875 |
 * | CPU from spawn to resolved | 0.52-0.63 s   | 8.1-9.5 (daemon from its start) | 1.6-2.9 |
 * | receive-buffer drops in the browser's namespace | 0 | 142-266 | 858-17,827 |
 *
 * Again after merging main's receive pacing (a5dd57c), same setup, load 9-10
 * falling to 7: ours 1.67, 1.38, 0.62 s (CPU spawn to resolved 0.69, 0.78,
 * 0.53 s), all from the first round's answers (212 responses, no drop; in the
 * two slow runs their processing outlasted the 1 s query); Avahi 773 after
 * 30 s; python-zeroconf 895 and 864 after 30 s, one run 1,000 in 3.27 s.
 *
 * Ours loses nothing: when it takes over 0.8 s on a loaded machine (1.64 and
 * 3.06 s with labs overlapping Avahi's query storms, load 10-13; 1.38 and
 * 1.67 s above), the fake services still sent only the 212 packets of their
 * two first-round answers (one per family) and no datagram was dropped: every
 * service resolved from them, in one burst at the end of processing them
 * (10,000 records, both families; profiled before the receive pacing, in one
 * drain of the socket: cache insert about a third, browse updates a third,
 * GC and printing the rest).
 *
 * @module
 */

import { Lab, parseAvahiBrowseLine, startAvahi, SYSTEM_PYTHON } from "../tests/netns/harness.ts";
import type { Child, Host } from "../tests/netns/harness.ts";
import { RECOMMENDED_V8_FLAGS } from "../tests/netns/publisher.ts";

const args = Object.fromEntries(
  Deno.args.filter((a) => a.startsWith("--")).map((a) => {
    const [k, ...v] = a.slice(2).split("="); // a value may hold "=" (--v8=--flag=1)
    return [k, v.length > 0 ? v.join("=") : "true"];
  }),
);
// deno-lint-ignore no-console
const print = (m: unknown) => console.log(typeof m === "string" ? m : JSON.stringify(m));

const SERVICES = Number(args.services ?? 100);
const RUNS = Number(args.runs ?? 3);
const STACKS = (args.stacks ?? "ours,avahi,zeroconf").split(",") as Stack[];
const WINDOW_S = Number(args.window ?? 120);
const WINDOWS = Number(args.windows ?? 2);
const STAGGER_S = Number(args.stagger ?? 8);
/** Give up waiting for all N resolved after this long (Avahi may never get all 1,000). */
const RESOLVE_LIMIT_S = Number(args["resolve-limit"] ?? 30);
const TYPE = "_http._tcp";
/** `--v8-flags` for ours and deno-empty (see the module doc). */
const V8_FLAGS: string[] = args.v8 === "default" ? [] : [
  `--v8-flags=${
    args.v8 === undefined
      ? RECOMMENDED_V8_FLAGS
      : args.v8.startsWith("+")
      ? `${RECOMMENDED_V8_FLAGS},${args.v8.slice(1)}`
      : args.v8
  }`,
];

type Stack = "ours" | "ours-alt" | "avahi" | "zeroconf" | "ours-idle" | "deno-empty";
// deno-lint-ignore no-explicit-any
type Message = Record<string, any>;

interface RunResult {
  stack: Stack;
  run: number;
  resolved: number;
  resolvedAfterFirstQueryS: number;
  resolvedAfterSpawnS: number;
  resolvedInFirstRound: number;
  cpuUntilResolvedS: number;
  /** When the first, 10 %, 50 %, 90 % and last service resolved, from the first query. */
  resolvedQuantilesS: number[];
  queriesPerMinute: number[];
  questionsPerMinute: number[];
  perFamilyPerMinute: { IPv4: number; IPv6: number }[];
  cpuS: number[];
  cpuByProcess: Record<string, number[]>;
  fakeAnswered: Message;
  /** UDP datagrams the kernel dropped for a full receive buffer, per namespace, until all resolved. */
  rcvbufErrors: { browser: number; fake: number };
}

const stamped = (parse: (line: string) => unknown) => (line: string) => {
  const m = parse(line) as Message | undefined;
  return m === undefined ? undefined : { ...m, t: Date.now() / 1000 };
};
const json = (line: string) => {
  try {
    return JSON.parse(line);
  } catch {
    // V8's --trace-gc lines (with --v8=--trace-gc) go to stderr, stamped.
    if (/^\[\d+:0x[0-9a-f]+\]/.test(line)) {
      // deno-lint-ignore no-console
      console.error(`[gc ${performance.now().toFixed(0)}] ${line}`);
    }
    return undefined;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Seconds of CPU (user + system, `/proc/PID/stat`, so threads that already
 * ended count too; 10 ms resolution) per process in `host`'s namespace.
 */
async function cpuOf(host: Host): Promise<Record<string, number>> {
  const pids = (await new Deno.Command("ip", {
    args: ["netns", "pids", host.ns],
    stdout: "piped",
  }).output()).stdout;
  const out: Record<string, number> = {};
  for (const pid of new TextDecoder().decode(pids).split(/\s+/).filter(Boolean)) {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // Fields 14 and 15 (utime, stime) are the 12th and 13th after the comm.
      out[`${comm}:${pid}`] = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
    } catch {
      // Process gone.
    }
  }
  return out;
}

/**
 * Datagrams dropped for a full socket receive buffer in `host`'s namespace
 * (UDP and UDP6 `RcvbufErrors` of /proc/net/snmp and snmp6, which are per
 * namespace): where answers are lost when a burst outruns the reader.
 */
async function rcvbufErrorsOf(host: Host): Promise<number> {
  const { stdout } = await host.exec(["cat", "/proc/net/snmp", "/proc/net/snmp6"]);
  const lines = stdout.split("\n");
  const header = lines.find((l) => l.startsWith("Udp: ") && l.includes("RcvbufErrors"));
  const values = lines.find((l) => l.startsWith("Udp: ") && !l.includes("RcvbufErrors"));
  const column = header?.split(" ").indexOf("RcvbufErrors") ?? -1;
  const v4 = column < 0 ? 0 : Number(values?.split(" ")[column] ?? 0);
  const v6 = Number(/^Udp6RcvbufErrors\s+(\d+)/m.exec(stdout)?.[1] ?? 0);
  return v4 + v6;
}

/** USER_HZ on Linux. */
const CLOCK_TICKS_PER_S = 100;

function startBrowser(stack: Stack, a: Host, avahiEnv?: Record<string, string>): Child {
  if (stack === "ours" || stack === "ours-alt" || stack === "ours-idle") {
    const profile = args["cpu-prof"] === undefined
      ? []
      : ["--cpu-prof", `--cpu-prof-dir=${args["cpu-prof"]}`];
    const cli = stack === "ours-alt" && args["alt-cli"] !== undefined
      ? args["alt-cli"]
      : new URL("../cli/main.ts", import.meta.url).pathname;
    return a.deno(cli, [
      "browse",
      stack === "ours-idle" ? "_nothing-here._tcp" : TYPE,
      "--resolve",
      "--json",
    ], {
      parse: stamped(json),
      label: `[a] ${stack}`,
      flags: [
        "--unstable-net",
        "--allow-all",
        ...profile,
        ...(stack === "ours-alt"
          ? [`--v8-flags=${args["v8-alt"] ?? RECOMMENDED_V8_FLAGS}`]
          : V8_FLAGS),
      ],
    });
  }
  if (stack === "deno-empty") {
    return a.deno(new URL("./_idle_script.ts", import.meta.url).pathname, [], {
      parse: stamped(json),
      label: "[a] deno-empty",
      flags: ["--allow-all", ...V8_FLAGS],
    });
  }
  if (stack === "avahi") {
    return a.spawn(["avahi-browse", "-p", "-k", "-r", TYPE], {
      env: avahiEnv,
      parse: stamped(parseAvahiBrowseLine),
      label: "[a] avahi-browse",
    });
  }
  const script = new URL("../tests/netns/peers/zc_browse.py", import.meta.url).pathname;
  return a.spawn([
    SYSTEM_PYTHON,
    script,
    JSON.stringify({ type: `${TYPE}.local.`, ipVersion: "all" }),
  ], {
    parse: stamped(json),
    label: "[a] zeroconf",
  });
}

/** The instance name of a message that says a service is fully resolved, else undefined. */
function resolvedName(stack: Stack, m: Message): string | undefined {
  if (stack === "ours" || stack === "ours-alt") {
    const ok = (m.event === "added" || m.event === "updated") && m.port > 0 &&
      (m.addresses?.length ?? 0) > 0 && m.host !== undefined;
    return ok ? m.name : undefined;
  }
  if (stack === "avahi") return m.event === "=" && m.address ? m.name : undefined;
  return m.resolved === true ? m.name : undefined;
}

async function runOne(stack: Stack, run: number): Promise<RunResult> {
  await using lab = await Lab.create();
  const [a, b, c] = await lab.hostsOnOneBridge("a", "b", "c");
  const capture = c.spawn(
    [SYSTEM_PYTHON, new URL("./_mdns_capture.py", import.meta.url).pathname],
    {
      parse: json,
      label: "[c] capture",
    },
  );
  await capture.waitFor((m: Message) => m.event === "started", { timeoutMs: 10_000 });
  const fake = b.deno(new URL("./_fake_services_agent.ts", import.meta.url).pathname, [
    JSON.stringify({ count: SERVICES }),
  ], { label: "[b] fake services" });
  await fake.waitFor((m: Message) => m.event === "started", { timeoutMs: 20_000 });
  let env: Record<string, string> | undefined;
  if (stack === "avahi") {
    const avahi = await startAvahi(a, { hostName: `bench-${run}`, interfaces: ["eth0"] });
    env = avahi.env;
    await sleep(3000); // its own host-name probes and announcements are done
  }
  const aAddresses = new Set(["198.18.1.1", "fd00:5353:1::1", await a.linkLocal("eth0")]);
  const spawnedAt = Date.now() / 1000;
  const browser = startBrowser(stack, a, env);
  const names = new Set<string>();
  const resolvedTimes: number[] = [];
  let allAt: number | undefined;
  const limit = spawnedAt + RESOLVE_LIMIT_S;
  let seen = 0;
  if (stack === "ours-idle" || stack === "deno-empty") {
    await sleep(2000);
    allAt = Date.now() / 1000;
  }
  while (Date.now() / 1000 < limit && allAt === undefined) {
    for (; seen < browser.messages.length; seen++) {
      const m = browser.messages[seen] as Message;
      const name = resolvedName(stack, m);
      if (name !== undefined && !names.has(name)) {
        names.add(name);
        resolvedTimes.push(m.t);
        if (names.size === SERVICES) allAt = m.t;
      }
    }
    if (browser.exited) throw new Error(`${stack} browser exited: ${browser.stderr}`);
    await sleep(20);
  }
  const start = allAt ?? limit;
  const rcvbufErrors = { browser: await rcvbufErrorsOf(a), fake: await rcvbufErrorsOf(b) };
  const queries = () =>
    (capture.messages as Message[]).filter((m) =>
      m.t !== undefined && aAddresses.has(m.src) && m.ns === 0 && m.t >= spawnedAt
    );
  const firstQuery = queries()[0]?.t ?? spawnedAt;
  // Before the second query round (1 s after the first, RFC 6762 §5.2): what
  // the first round's answers resolved; fewer than all means answers were lost.
  const resolvedInFirstRound = resolvedTimes.filter((t) => t < firstQuery + 0.95).length;
  const resolvedQuantilesS = [0, 0.1, 0.5, 0.9, 1].map((q) =>
    resolvedTimes.length === 0
      ? NaN
      : +(resolvedTimes[Math.min(resolvedTimes.length - 1, Math.floor(q * resolvedTimes.length))] -
        firstQuery).toFixed(3)
  );
  const waitUntil = async (t: number) => {
    const ms = t * 1000 - Date.now();
    if (ms > 0) await sleep(ms);
  };
  const cpuSamples = [await cpuOf(a)];
  // CPU from spawn until all resolved (start-up included): what discovery
  // costs, which the load average does not change as it changes the time.
  const cpuUntilResolvedS = +Object.entries(cpuSamples[0])
    .filter(([key]) => !key.startsWith("dbus-daemon"))
    .reduce((sum, [, cpu]) => sum + cpu, 0).toFixed(2);
  for (let w = 1; w <= WINDOWS; w++) {
    await waitUntil(start + WINDOW_S * w);
    cpuSamples.push(await cpuOf(a));
  }
  await sleep(1000); // the capture's last lines
  const all = queries();
  if (args.dump !== undefined) {
    const lines = all.map((m) => JSON.stringify({ ...m, t: +(m.t - start).toFixed(3) }));
    await Deno.writeTextFile(`${args.dump}-${stack}-${run}.jsonl`, lines.join("\n") + "\n");
  }
  const perMinute = 60 / WINDOW_S;
  const windows = Array.from({ length: WINDOWS }, (_, w) => {
    const from = start + w * WINDOW_S, to = from + WINDOW_S;
    return all.filter((m) => m.t >= from && m.t < to);
  });
  const cpuByProcess: Record<string, number[]> = {};
  const cpuS = Array.from({ length: WINDOWS }, (_, w) => {
    let cpu = 0;
    for (const [key, after] of Object.entries(cpuSamples[w + 1])) {
      const used = +(after - (cpuSamples[w][key] ?? 0)).toFixed(4);
      (cpuByProcess[key] ??= []).push(used);
      if (!key.startsWith("dbus-daemon")) cpu += used;
    }
    return +cpu.toFixed(3);
  });
  await browser.stop(); // its profile, if any, is written now
  await fake.stop();
  const fakeStats = (fake.messages as Message[]).find((m) => m.event === "stats") ?? {};
  return {
    stack,
    run,
    resolved: names.size,
    resolvedAfterFirstQueryS: allAt === undefined ? NaN : +(allAt - firstQuery).toFixed(3),
    resolvedAfterSpawnS: allAt === undefined ? NaN : +(allAt - spawnedAt).toFixed(3),
    resolvedInFirstRound,
    cpuUntilResolvedS,
    resolvedQuantilesS,
    queriesPerMinute: windows.map((w) => +(w.length * perMinute).toFixed(1)),
    questionsPerMinute: windows.map((w) =>
      +(w.reduce((n, m) => n + m.qd, 0) * perMinute).toFixed(1)
    ),
    perFamilyPerMinute: windows.map((w) => ({
      IPv4: +(w.filter((m) => m.family === "IPv4").length * perMinute).toFixed(1),
      IPv6: +(w.filter((m) => m.family === "IPv6").length * perMinute).toFixed(1),
    })),
    cpuS,
    cpuByProcess,
    fakeAnswered: fakeStats,
    rcvbufErrors,
  };
}

function range(values: number[]): string {
  const ok = values.filter((v) => Number.isFinite(v));
  if (ok.length === 0) return "n/a";
  const lo = Math.min(...ok), hi = Math.max(...ok);
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
}

if (import.meta.main) {
  print({ services: SERVICES, runs: RUNS, stacks: STACKS, windowS: WINDOW_S, windows: WINDOWS });
  const jobs: Promise<RunResult | undefined>[] = [];
  let i = 0;
  for (let run = 1; run <= RUNS; run++) {
    for (const stack of STACKS) {
      const delay = STAGGER_S * 1000 * i++;
      jobs.push(
        sleep(delay).then(() => runOne(stack, run)).then((r) => {
          print(r);
          return r;
        }, (e) => {
          print({ stack, run, error: String(e?.stack ?? e) });
          return undefined;
        }),
      );
    }
  }
  const results = (await Promise.all(jobs)).filter((r): r is RunResult => r !== undefined);
  print(
    `\n${SERVICES} services, ${RUNS} runs each (min-max); 2-core machine shared with other work`,
  );
  for (const stack of STACKS) {
    const rs = results.filter((r) => r.stack === stack);
    print({
      stack,
      runs: rs.length,
      resolved: range(rs.map((r) => r.resolved)),
      resolvedAfterFirstQueryS: range(rs.map((r) => r.resolvedAfterFirstQueryS)),
      resolvedAfterSpawnS: range(rs.map((r) => r.resolvedAfterSpawnS)),
      resolvedInFirstRound: range(rs.map((r) => r.resolvedInFirstRound)),
      cpuUntilResolvedS: range(rs.map((r) => r.cpuUntilResolvedS)),
      queriesPerMinute: Array.from(
        { length: WINDOWS },
        (_, w) => range(rs.map((r) => r.queriesPerMinute[w])),
      ),
      questionsPerMinute: Array.from(
        { length: WINDOWS },
        (_, w) => range(rs.map((r) => r.questionsPerMinute[w])),
      ),
      cpuS: Array.from({ length: WINDOWS }, (_, w) => range(rs.map((r) => r.cpuS[w]))),
      rcvbufErrors: {
        browser: range(rs.map((r) => r.rcvbufErrors.browser)),
        fake: range(rs.map((r) => r.rcvbufErrors.fake)),
      },
    });
  }
}
