/**
 * The stack under attack in the hardening runs (issue 16 items 1 and 2): our
 * stack, avahi-daemon (`avahi-publish -s`) or python-zeroconf, publishing
 * `Den._mdt._tcp` on port 4242 with TXT `path=/` as `<label>.local`, and, when
 * asked, browsing the way each is used. One home for both scenarios
 * (`flood_scenario.ts`, `hostile_scenario.ts`), so the bench's side-by-side
 * figures start and measure every stack the same way: CPU and RSS of the
 * publishing process come from /proc; the V8 heap and the stack's own
 * counters from ours alone.
 *
 * @module
 */

import type { Child } from "./child.ts";
import { type Avahi, startAvahi } from "./avahi.ts";
import type { Host } from "./lab.ts";
import { run } from "./availability.ts";
import { zeroconfPublish } from "./zeroconf.ts";
import { Publisher, type PublisherMessage } from "./publisher.ts";

/** Which stack publishes `Den._mdt._tcp`. */
export type TargetKind = "ours" | "avahi" | "zeroconf";

/** A measure before, after warm-up and at the end of a run. */
export interface Points {
  before: number;
  warm: number;
  end: number;
}

/** How far RSS and the V8 heap in use may grow from warm-up to the end of a run (bytes). */
export interface GrowthBounds {
  readonly rssGrowthAfterWarmUp: number;
  readonly heapGrowthAfterWarmUp: number;
}

/** Where a run's memory grew past `bounds` after warm-up (the heap is 0 for the peers). */
export function growthProblems(run: { rss: Points; heap: Points }, bounds: GrowthBounds): string[] {
  const problems: string[] = [];
  const rssGrowth = run.rss.end - run.rss.warm;
  if (rssGrowth > bounds.rssGrowthAfterWarmUp) {
    problems.push(`RSS grew ${(rssGrowth / 2 ** 20).toFixed(1)} MiB after warm-up`);
  }
  const heapGrowth = run.heap.end - run.heap.warm;
  if (heapGrowth > bounds.heapGrowthAfterWarmUp) {
    problems.push(`V8 heap in use grew ${(heapGrowth / 2 ** 20).toFixed(1)} MiB after warm-up`);
  }
  return problems;
}

/** What a stack reads of itself (bytes, s); the V8 heap and the counters from ours alone. */
export interface TargetUsage {
  cpuSeconds: number;
  rss: number;
  heapUsed?: number;
  heapTotal?: number;
  external?: number;
  stats?: Record<string, number>;
  transport?: Record<string, unknown>;
}

/** The names a stack says it holds, and the renames and conflicts it reported. */
export interface TargetNames {
  service: string;
  host: string;
  renames: unknown[];
}

/** The publishing process. */
export interface Target {
  readonly kind: TargetKind;
  /** Its SRV target, `<label>.local`. */
  readonly host: string;
  /** Its process id (the namespaces share the PID namespace: `perf -p` reaches it). */
  readonly pid: number;
  /** CPU time, RSS, and for ours the V8 heap and the stack's and transport's counters. */
  usage(): Promise<TargetUsage>;
  /** The names it holds now. */
  names(): Promise<TargetNames>;
  /** Whether it still runs. */
  alive(): boolean;
  close(): Promise<void>;
}

/** How {@linkcode startTarget} starts a stack. */
export interface TargetOptions {
  /** Host label: the stack is `<label>.local`. */
  label: string;
  /** Our agent's `deno run` flags (V8 flags, say); ours only. */
  flags?: readonly string[];
  /**
   * Browse as well: the service types and `_mdt._tcp` (ours, and
   * python-zeroconf in the publishing process; avahi-daemon for two
   * `avahi-browse` clients: `-a`, every type and its instances, and `-r _mdt._tcp`).
   */
  browse?: boolean;
}

/**
 * CPU time and RSS of a process, from /proc (the namespaces share the PID
 * namespace). Read by `cat`: under `--deny-net`, Deno refuses to read
 * /proc/<pid> itself (NotCapable).
 */
export async function procUsage(pid: number): Promise<{ cpuSeconds: number; rss: number }> {
  const stat = (await run(["cat", `/proc/${pid}/stat`])).stdout;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const status = (await run(["cat", `/proc/${pid}/status`])).stdout;
  const rssKb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return { cpuSeconds: ticks / 100, rss: rssKb * 1024 }; // USER_HZ is 100 on Linux
}

const SERVICE = { name: "Den", type: "_mdt._tcp", port: 4242 } as const;

/** Starts `kind` in `host`, publishing `Den._mdt._tcp` (probing done) and browsing if asked. */
export async function startTarget(
  kind: TargetKind,
  host: Host,
  options: TargetOptions,
): Promise<Target> {
  if (kind === "avahi") return await avahiTarget(host, options);
  if (kind === "zeroconf") return await zeroconfTarget(host, options);
  return await oursTarget(host, options);
}

async function oursTarget(a: Host, options: TargetOptions): Promise<Target> {
  const hostName = `${options.label}.local`;
  const target = await Publisher.start(a, { hostName, flags: options.flags });
  const published = await target.publish({ ...SERVICE, txt: { path: "/" } });
  if (options.browse) {
    await target.browse();
    await target.browse("_mdt._tcp");
  }
  const pid = target.child.pid;
  return {
    kind: "ours",
    host: hostName,
    pid,
    usage: async () => {
      const u = await target.cpu(); // a full collection first: the heap is what is live
      const { stats, transport, heapUsed, heapTotal, external } = u;
      return { ...(await procUsage(pid)), heapUsed, heapTotal, external, stats, transport };
    },
    names: () =>
      Promise.resolve({
        service: published.name,
        host: published.host,
        renames: target.child.filter((m: PublisherMessage) =>
          m.event === "renamed" || m.event === "conflict" || m.event === "host-renamed"
        ),
      }),
    alive: () => !target.child.exited,
    close: () => target.close(),
  };
}

async function avahiTarget(a: Host, options: TargetOptions): Promise<Target> {
  const avahi = await startAvahi(a, { hostName: options.label });
  const publisher = await avahi.publish(SERVICE.name, SERVICE.type, SERVICE.port, ["path=/"]);
  const browsers = options.browse
    ? [
      a.spawn(["avahi-browse", "-a", "-p", "-k"], {
        env: avahi.env,
        parse: () => undefined, // a hostile run's types and instances: nothing to keep
        label: `[${a.name}] avahi-browse -a`,
      }),
      avahi.browse(SERVICE.type),
    ]
    : [];
  return {
    kind: "avahi",
    host: `${options.label}.local`,
    pid: avahi.daemon.pid,
    usage: () => procUsage(avahi.daemon.pid),
    names: () => avahiNames(avahi, publisher),
    alive: () => !avahi.daemon.exited,
    close: async () => {
      for (const b of browsers) await b.stop();
      await publisher.stop();
      await avahi.stop();
    },
  };
}

/**
 * avahi's names: the service's from `avahi-publish` (it prints each name it
 * is established under, and each collision), the host's from the daemon over
 * D-Bus (`GetHostNameFqdn`; its log is bounded and a hostile run fills it).
 */
async function avahiNames(avahi: Avahi, publisher: Child): Promise<TargetNames> {
  const said = [...publisher.lines, ...publisher.stderr.split("\n")];
  const established = said.flatMap((l) => l.match(/Established under name '(.*)'/)?.[1] ?? []);
  const renames = said.filter((l) => /collision|conflict/i.test(l));
  const reply = await avahi.host.exec([
    "dbus-send",
    "--system",
    "--print-reply",
    "--dest=org.freedesktop.Avahi",
    "/",
    "org.freedesktop.Avahi.Server.GetHostNameFqdn",
  ], { env: avahi.env, allowFailure: true });
  const host = reply.stdout.match(/string "(.*)"/)?.[1] ?? `(D-Bus: ${reply.stderr.trim()})`;
  const conflicts = avahi.daemon.stderr.split("\n").filter((l) => /Host name conflict/.test(l));
  return { service: established.at(-1) ?? "", host, renames: [...renames, ...conflicts] };
}

async function zeroconfTarget(a: Host, options: TargetOptions): Promise<Target> {
  const eth = a.interfaces.get("eth0")!;
  const child = await zeroconfPublish(a, {
    name: SERVICE.name,
    type: `${SERVICE.type}.local.`,
    port: SERVICE.port,
    server: `${options.label}.local.`,
    addresses: [eth.ipv4, eth.ipv6],
    txt: { path: "/" },
    browse: options.browse
      ? ["_services._dns-sd._udp.local.", `${SERVICE.type}.local.`]
      : undefined,
  });
  return {
    kind: "zeroconf",
    host: `${options.label}.local`,
    pid: child.pid,
    usage: () => procUsage(child.pid),
    names: () => zeroconfNames(child),
    alive: () => !child.exited,
    close: async () => void await child.stop(),
  };
}

/**
 * python-zeroconf's names as its `ServiceInfo` holds them (`zc_publish.py`
 * answers `{"op":"names"}`): it probes once, at registration, and neither
 * defends nor renames afterwards (a conflict would show as failed resolve
 * checks, not here).
 */
async function zeroconfNames(child: Child): Promise<TargetNames> {
  type Names = { event: string; name: string; server: string };
  const since = child.mark();
  await child.send({ op: "names" });
  const m = await child.waitFor((m: Names) => m.event === "names", { since, timeoutMs: 5000 });
  const service = m.name.replace(/\._mdt\._tcp\.local\.$/, "");
  return { service, host: m.server.replace(/\.$/, ""), renames: [] };
}
