/**
 * Issue 15's responder rows, for our stack, avahi-daemon and python-zeroconf
 * in one run, plus Deno's own floor per datagram (needs root, iproute2,
 * avahi-daemon and python3-zeroconf; everything runs in network namespaces
 * this script creates and removes):
 *
 *   deno run -A --unstable-net bench/responder_load_bench.ts [--runs=3] [--seconds=5]
 *     [--rates=5000,20000] [--idle=30] [--peers=ours,avahi,zeroconf,floor] [--ffi=on|off]
 *     [--poll=MS] [--settle=S] [--profile=DIR]
 *
 * `ours-noffi` is our stack without the `ffi` permission (Deno's own UDP
 * path, interface polling without rtnetlink). Both run with README's
 * recommended V8 flags (`RECOMMENDED_V8_FLAGS`); `ours-v8` is `ours` with
 * V8's default heap sizing, for comparison.
 *
 * One bridge; one namespace per responder, each publishing one service, and
 * one for the load generator (`_query_load.py`: legacy unicast SRV queries,
 * open loop at a fixed rate, answers matched by query ID). Per run (fresh
 * processes):
 *
 * - idle: every responder's CPU and wake-ups over `--idle` seconds, measured
 *   together once their announcements are over;
 * - for each rate, each responder in turn: answered %, latency p50/p99 by
 *   query ID, CPU and context switches (wake-ups, roughly) per answer (all
 *   threads, `/proc/PID/task/*\/schedstat` and `status`), RSS before and
 *   after, UDP receive-buffer drops in its namespace.
 *
 * `floor` is `_datagram_echo.ts`: a bare `Deno.listenDatagram` loop that
 * returns each query with the QR bit set, i.e. what Deno costs per datagram
 * received and sent with nothing else done. avahi runs with its packet rate
 * limit off (issue 15: otherwise it caps at ~1,000 answers a second), ours
 * with its per-address bound on legacy queries off (`legacyQueryRate:
 * Infinity`: otherwise 20 answers a second to the one load generator).
 * `floor-paced` is the same echo through our transport's receive loop and
 * send (`ManagedSocket`: FFI drain, pacing, `sendto`), `floor-ffi` that loop
 * without pacing (one `receive()` wake-up per burst, as before pacing): what
 * Deno costs per datagram with each technique.
 *
 * `--profile=DIR` runs only our stack, under `--cpu-prof`, idle and at the
 * first rate (`--idle=0` or `--rates=` leave one out), and leaves the
 * .cpuprofile in DIR.
 *
 * The load generator shares the machine's CPUs with the responder (and, on a
 * shared machine, with everything else): compare figures within a run.
 *
 * @module
 */

import { Lab } from "../tests/netns/harness.ts";
import type { Host } from "../tests/netns/lab.ts";
import type { Child } from "../tests/netns/child.ts";
import { startAvahi } from "../tests/netns/avahi.ts";
import { SYSTEM_PYTHON, zeroconfPublish } from "../tests/netns/zeroconf.ts";
import { Publisher, RECOMMENDED_V8_FLAGS } from "../tests/netns/publisher.ts";
import { Meter, workerPid } from "./_proc_stats.ts";

const args = Object.fromEntries(
  Deno.args.filter((a) => a.startsWith("--")).map((a) => {
    const [k, v] = a.slice(2).split("=");
    return [k, v ?? "true"];
  }),
);
// deno-lint-ignore no-console
const print = (m: unknown) => console.log(typeof m === "string" ? m : JSON.stringify(m));

const LOAD = new URL("./_query_load.py", import.meta.url).pathname;
const ECHO = new URL("./_datagram_echo.ts", import.meta.url).pathname;
const SERVICE_TYPE = "_mdt._tcp";

type PeerName =
  | "ours"
  | "ours-noffi"
  | "ours-v8"
  | "avahi"
  | "zeroconf"
  | "floor"
  | "floor-ffi"
  | "floor-paced";

interface Responder {
  readonly peer: PeerName;
  readonly address: string;
  /** The SRV owner to ask for. */
  readonly instance: string;
  readonly pid: number;
  /** The spawned process, for its stderr when it dies. */
  readonly child: Child;
  readonly stop: () => Promise<void>;
  /** Our stack's counters (stack and transport), for the record. */
  readonly counters?: () => Promise<unknown>;
}

interface LoadResult {
  readonly peer: PeerName;
  readonly rate: number;
  readonly sent: number;
  readonly answered: number;
  readonly answeredPct: number;
  readonly cpuMicrosPerAnswer: number;
  /** Context switches of all its threads per answer: its wake-ups, roughly. */
  readonly wakeupsPerAnswer: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly rssBeforeMb: number;
  readonly rssAfterMb: number;
  readonly rcvbufDrops: number;
  /** Answers the load generator's own socket dropped (it shares the starved CPUs). */
  readonly generatorDrops: number;
  readonly sendRate: number;
}

interface IdleResult {
  readonly peer: PeerName;
  readonly cpuMsPerSecond: number;
  readonly wakeupsPerSecond: number;
  readonly rssMb: number;
}

class ResponderDied extends Error {}

// `deno bench` imports *_bench.ts files: this one needs root and namespaces,
// so it runs only as `deno run`.
if (import.meta.main) await main();

async function main(): Promise<void> {
  const runs = Number(args.runs ?? 3);
  const seconds = Number(args.seconds ?? 5);
  const rates = String(args.rates ?? "5000,20000").split(",").filter(Boolean).map(Number);
  const idleSeconds = Number(args.idle ?? 30);
  const profile = args.profile as string | undefined;
  const peers = profile !== undefined
    ? ["ours"] as PeerName[]
    : String(args.peers ?? "ours,avahi,zeroconf,floor").split(",") as PeerName[];
  const loads: LoadResult[] = [];
  const idles: IdleResult[] = [];
  for (let run = 1; run <= runs; run++) {
    // Another lab's teardown on this shared machine has been seen to SIGKILL
    // processes in ours (avahi-daemon among them): a run in which a responder
    // died is repeated, up to three times, and said so.
    for (let attempt = 1;; attempt++) {
      print(`# run ${run} of ${runs}${attempt > 1 ? ` (attempt ${attempt})` : ""}`);
      try {
        const result = await oneRun(run, peers, rates, seconds, idleSeconds, profile);
        loads.push(...result.loads);
        idles.push(...result.idles);
        break;
      } catch (error) {
        const died = error instanceof ResponderDied || error instanceof Deno.errors.NotFound;
        if (!died || attempt === 3) throw error;
        print(`# ${error.message}; repeating the run`);
      }
    }
  }
  summarize(peers, rates, loads, idles);
}

async function oneRun(
  run: number,
  peers: PeerName[],
  rates: number[],
  seconds: number,
  idleSeconds: number,
  profile: string | undefined,
): Promise<{ loads: LoadResult[]; idles: IdleResult[] }> {
  const loads: LoadResult[] = [];
  const idles: IdleResult[] = [];
  await using lab = await Lab.create({ bench: true });
  const hosts = await lab.hostsOnOneBridge("g", ...peers.map((_, i) => `r${i}`));
  const generator = hosts[0];
  const responders: Responder[] = [];
  for (const [i, peer] of peers.entries()) {
    responders.push(await startResponder(peer, hosts[i + 1], profile));
  }
  const alive = () => {
    for (const r of responders) {
      if (!exists(`/proc/${r.pid}`)) {
        throw new ResponderDied(`${r.peer} (pid ${r.pid}) died: ${r.child.stderr.slice(-2000)}`);
      }
    }
  };
  // Announcements (ours 2, avahi 3, python-zeroconf 3) are over within ~4 s;
  // `--settle` waits longer (V8 keeps collecting garbage for a while after start).
  await sleep(Number(args.settle ?? 6) * 1000);
  alive();
  if (idleSeconds > 0) {
    const meters = responders.map((r) => new Meter(r.pid));
    const t0 = performance.now();
    await pollWhile(meters, sleep(idleSeconds * 1000));
    const elapsed = (performance.now() - t0) / 1000;
    for (const [i, r] of responders.entries()) {
      const after = meters[i].poll();
      const { cpuNs, switches } = meters[i].totals();
      const idle: IdleResult = {
        peer: r.peer,
        cpuMsPerSecond: round(cpuNs / 1e6 / elapsed, 3),
        wakeupsPerSecond: round(switches / elapsed, 2),
        rssMb: round(after.rssKb / 1024, 1),
      };
      idles.push(idle);
      print({ run, idle: true, ...idle, ...(r.counters ? { counters: await r.counters() } : {}) });
    }
  }
  for (const rate of profile !== undefined ? rates.slice(0, 1) : rates) {
    for (const r of responders) {
      alive();
      const result = await load(generator, r, rate, seconds);
      alive();
      loads.push(result);
      print({ run, ...result });
      await sleep(1000);
    }
  }
  for (const r of responders) await r.stop();
  return { loads, idles };
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function startResponder(
  peer: PeerName,
  host: Host,
  profile: string | undefined,
): Promise<Responder> {
  const address = host.interfaces.get("eth0")!.ipv4;
  const hostName = `bench-${host.name}`;
  switch (peer) {
    case "ours":
    case "ours-v8":
    case "ours-noffi": {
      const flags = [
        "--unstable-net",
        ...(args.ffi === "off" || peer === "ours-noffi"
          ? ["--allow-all", "--deny-ffi"]
          : ["--allow-all"]),
        ...(peer === "ours-v8" ? [] : [`--v8-flags=${RECOMMENDED_V8_FLAGS}`]),
        ...(profile !== undefined ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : []),
      ];
      const ours = await Publisher.start(host, {
        hostName: `${hostName}.local`,
        flags,
        // One load generator at 20,000 a second would be one flooding address:
        // off, as Avahi's rate limit is (answers per second are what we measure).
        legacyLimit: false,
        ...(args.poll ? { pollIntervalMs: Number(args.poll) } : {}),
      });
      // Each responder its own name: a second "Ours" on the bridge would be renamed.
      const name = peer === "ours" ? "Ours" : peer === "ours-v8" ? "Ours V8" : "Ours NoFFI";
      await ours.publish({ name, type: SERVICE_TYPE, port: 4242, txt: { path: "/" } });
      return {
        peer,
        address,
        instance: `${name}.${SERVICE_TYPE}.local`,
        pid: workerPid(ours.child.pid, "deno"),
        child: ours.child,
        counters: async () => {
          const { stats, transport } = await ours.cpu();
          return { stats, transport };
        },
        stop: () => ours.close(),
      };
    }
    case "avahi": {
      const avahi = await startAvahi(host, { hostName, rateLimit: false });
      const publisher = await avahi.publish("Avahi", SERVICE_TYPE, 4242, ["path=/"]);
      return {
        peer,
        address,
        instance: `Avahi.${SERVICE_TYPE}.local`,
        pid: workerPid(avahi.daemon.pid, "avahi-daemon"),
        child: avahi.daemon,
        stop: async () => {
          await publisher.stop();
          await avahi.stop();
        },
      };
    }
    case "zeroconf": {
      const child = await zeroconfPublish(host, {
        name: "Zc",
        type: `${SERVICE_TYPE}.local.`,
        port: 4242,
        server: `${hostName}.local.`,
        addresses: [address],
        txt: { path: "/" },
      });
      return {
        peer,
        address,
        instance: `Zc.${SERVICE_TYPE}.local`,
        pid: workerPid(child.pid, "python3"),
        child,
        stop: async () => void await child.stop(),
      };
    }
    case "floor":
    case "floor-ffi":
    case "floor-paced": {
      const config = peer === "floor"
        ? { address, send: args.send ?? "await" }
        : { address, send: "ffi", ...(peer === "floor-ffi" ? { coalesceMs: 0 } : {}) };
      const child = host.deno(ECHO, [JSON.stringify(config)]);
      await child.waitFor((m: { event: string }) => m.event === "started");
      return {
        peer,
        address,
        instance: `Floor.${SERVICE_TYPE}.local`,
        pid: workerPid(child.pid, "deno"),
        child,
        stop: async () => void await child.stop(),
      };
    }
  }
}

async function load(
  generator: Host,
  responder: Responder,
  rate: number,
  seconds: number,
): Promise<LoadResult> {
  const config = {
    address: responder.address,
    name: responder.instance,
    type: 33,
    rate,
    seconds,
    drainMs: 1000,
  };
  const meter = new Meter(responder.pid);
  const before = meter.first;
  const generatorBefore = await udpRcvbufErrors(generator);
  const child: Child = generator.spawn([SYSTEM_PYTHON, LOAD, JSON.stringify(config)], {
    label: `[${generator.name}] query load`,
  });
  type Done = {
    event: string;
    sent: number;
    answered: number;
    sendRate: number;
    p50Ms: number | null;
    p99Ms: number | null;
  };
  const done = await pollWhile(
    [meter],
    child.waitFor((m: Done) => m.event === "done", {
      timeoutMs: seconds * 1000 + 20_000,
      what: "query load",
    }),
  );
  const after = meter.poll();
  const { cpuNs, switches } = meter.totals();
  if (args.threads) {
    print({
      threads: meter.byThread().filter(([, ns]) => ns > 0).map(([name, ns]) =>
        `${name} ${round(ns / 1e6, 1)} ms`
      ),
    });
  }
  await child.status;
  const generatorDrops = (await udpRcvbufErrors(generator)) - generatorBefore;
  return {
    peer: responder.peer,
    rate,
    sent: done.sent,
    answered: done.answered,
    answeredPct: round(100 * done.answered / Math.max(1, done.sent), 1),
    cpuMicrosPerAnswer: round(cpuNs / 1e3 / Math.max(1, done.answered), 1),
    wakeupsPerAnswer: round(switches / Math.max(1, done.answered), 2),
    p50Ms: done.p50Ms,
    p99Ms: done.p99Ms,
    rssBeforeMb: round(before.rssKb / 1024, 1),
    rssAfterMb: round(after.rssKb / 1024, 1),
    rcvbufDrops: after.rcvbufErrors - before.rcvbufErrors,
    generatorDrops,
    sendRate: done.sendRate,
  };
}

function summarize(
  peers: PeerName[],
  rates: number[],
  loads: LoadResult[],
  idles: IdleResult[],
): void {
  const span = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    if (v.length === 0) return "-";
    const lo = Math.min(...v), hi = Math.max(...v);
    return lo === hi ? `${lo}` : `${lo}–${hi}`;
  };
  const median = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
    return v.length === 0 ? "-" : `${v[Math.floor((v.length - 1) / 2)]}`;
  };
  print("");
  print(`| row | ${peers.join(" | ")} |`);
  print(`|---|${peers.map(() => "---|").join("")}`);
  const row = (label: string, cell: (peer: PeerName) => string) =>
    print(`| ${label} | ${peers.map(cell).join(" | ")} |`);
  for (const rate of rates) {
    const of = (peer: PeerName) => loads.filter((l) => l.peer === peer && l.rate === rate);
    if (loads.every((l) => l.rate !== rate)) continue;
    row(`${rate}/s: answered %`, (p) => span(of(p).map((l) => l.answeredPct)));
    row(`${rate}/s: CPU µs per answer`, (p) => span(of(p).map((l) => l.cpuMicrosPerAnswer)));
    row(`${rate}/s: wake-ups per answer`, (p) => span(of(p).map((l) => l.wakeupsPerAnswer)));
    row(
      `${rate}/s: latency p50 / p99 ms (medians)`,
      (p) => `${median(of(p).map((l) => l.p50Ms))} / ${median(of(p).map((l) => l.p99Ms))}`,
    );
    row(
      `${rate}/s: RSS before → after MB`,
      (p) => `${span(of(p).map((l) => l.rssBeforeMb))} → ${span(of(p).map((l) => l.rssAfterMb))}`,
    );
    row(`${rate}/s: receive-buffer drops`, (p) => span(of(p).map((l) => l.rcvbufDrops)));
    row(
      `${rate}/s: answers dropped by the generator's socket`,
      (p) => span(of(p).map((l) => l.generatorDrops)),
    );
    row(`${rate}/s: queries sent per s`, (p) => span(of(p).map((l) => l.sendRate)));
  }
  if (idles.length > 0) {
    const of = (peer: PeerName) => idles.filter((i) => i.peer === peer);
    row("idle CPU ms per s", (p) => span(of(p).map((i) => i.cpuMsPerSecond)));
    row("idle wake-ups per s", (p) => span(of(p).map((i) => i.wakeupsPerSecond)));
  }
}

/** Polls `meters` every 250 ms until `work` settles (a thread that ends keeps its count). */
async function pollWhile<T>(meters: Meter[], work: Promise<T>): Promise<T> {
  let settled = false;
  const result = work.finally(() => settled = true);
  while (!settled) {
    await Promise.race([result.catch(() => {}), sleep(250)]);
    for (const m of meters) m.poll();
  }
  return await result;
}

/** UDP RcvbufErrors of a namespace (IPv4 and IPv6 together), from its /proc/net/snmp{,6}. */
async function udpRcvbufErrors(host: Host): Promise<number> {
  const text = (await host.exec(["cat", "/proc/net/snmp", "/proc/net/snmp6"])).stdout;
  const lines = text.split("\n").filter((l) => l.startsWith("Udp: "));
  const v4 = lines.length >= 2
    ? Number(lines[1].split(/\s+/)[lines[0].split(/\s+/).indexOf("RcvbufErrors")])
    : 0;
  const v6 = Number(text.match(/^Udp6RcvbufErrors\s+(\d+)/m)?.[1] ?? 0);
  return v4 + v6;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
