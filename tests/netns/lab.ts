/**
 * Network-namespace labs for real-socket tests. Every host is its own network
 * namespace; bridges live in a separate "switch" namespace, so nothing is
 * created in (or can leak into) the machine's own namespace. Addresses come
 * from 198.18.0.0/15 (RFC 2544 benchmarking) and fd00:5353::/32 (ULA):
 * bridge b, host number h → 198.18.b.h/24 and fd00:5353:b::h/64 (nodad).
 *
 * Names are `mdt-<pid>-<random>-<role>` so parallel runs never collide, and a
 * lab always tears itself down (`await using`, plus an unload hook and a sweep
 * of labs left behind by dead processes).
 *
 * @module
 */

import { netnsUnavailableReason, processAlive, run, runSync } from "./availability.ts";
import type { Child } from "./child.ts";
import { type Bridge, Host, type HostInterface } from "./host.ts";

export * from "./availability.ts";
export * from "./host.ts";

/**
 * A set of namespaces joined by bridges; tears everything down on close.
 *
 * @example Two hosts on one bridge
 * ```ts ignore
 * import { Lab } from "./lab.ts";
 * await using lab = await Lab.create();
 * const bridge = await lab.addBridge();
 * const a = await lab.addHost("a");
 * const b = await lab.addHost("b");
 * await lab.connect(a, bridge);
 * await lab.connect(b, bridge);
 * console.log((await a.exec(["ping", "-c1", "198.18.1.2"])).code);
 * ```
 */
export class Lab {
  /** Prefix of every namespace this lab owns. */
  readonly prefix: string;
  /** Switch namespace holding the bridges. */
  readonly switchNs: string;
  #namespaces: string[] = [];
  #children = new Set<Child>();
  #cleanups: (() => Promise<void>)[] = [];
  #bridges = 0;
  #hosts = 0;
  #ports = 0;
  #closed = false;
  #unload = () => this.#teardownSync();

  private constructor(prefix: string) {
    this.prefix = prefix;
    this.switchNs = `${prefix}-sw`;
  }

  /**
   * Creates an empty lab (just the switch namespace). `bench: true` names it
   * `mdb-<pid>-…` instead of `mdt-<pid>-…`: a bench outlives many test runs,
   * and test runs from before the sweep fix (`processAlive`) take every
   * `mdt-` lab for stale; both prefixes are swept here.
   */
  static async create(options: { bench?: boolean } = {}): Promise<Lab> {
    const reason = netnsUnavailableReason();
    if (reason !== undefined) throw new Error(`Cannot create a namespace lab: ${reason}`);
    await sweepStaleLabs();
    const id = crypto.randomUUID().slice(0, 6);
    const lab = new Lab(`${options.bench ? "mdb" : "mdt"}-${Deno.pid}-${id}`);
    globalThis.addEventListener("unload", lab.#unload);
    try {
      await lab.#addNamespace(lab.switchNs);
      // The switch forwards frames only; it must not speak IPv6 (MLD, RS) itself.
      await run([
        "ip",
        "netns",
        "exec",
        lab.switchNs,
        "sysctl",
        "-qw",
        "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1",
      ]);
    } catch (error) {
      await lab.close();
      throw error;
    }
    return lab;
  }

  /** Adds a bridge (multicast snooping off, so every port sees all multicast). */
  async addBridge(): Promise<Bridge> {
    const bridge = { number: ++this.#bridges, name: `br${this.#bridges}` };
    await run([
      "ip",
      "-n",
      this.switchNs,
      "link",
      "add",
      bridge.name,
      "type",
      "bridge",
      "mcast_snooping",
      "0",
    ]);
    await run(["ip", "-n", this.switchNs, "link", "set", bridge.name, "up"]);
    return bridge;
  }

  /**
   * Adds a host namespace: lo up, duplicate address detection off (so
   * addresses are usable at once). With `loopbackMdns`, adds the
   * `local ff02::fb dev lo` route that IPv6 mDNS over lo needs.
   */
  async addHost(name: string, options: { loopbackMdns?: boolean } = {}): Promise<Host> {
    const host = new Host(this, name, `${this.prefix}-${name}`, ++this.#hosts);
    await this.#addNamespace(host.ns);
    await host.exec([
      "sysctl",
      "-qw",
      "net.ipv6.conf.all.accept_dad=0",
      "net.ipv6.conf.default.accept_dad=0",
    ]);
    await host.ip("link", "set", "lo", "up");
    if (options.loopbackMdns) {
      await host.ip("-6", "route", "add", "local", "ff02::fb", "dev", "lo", "table", "local");
    }
    return host;
  }

  /**
   * Adds hosts named `names`, each with eth0 on one new bridge: the topology
   * most tests want.
   */
  async hostsOnOneBridge(...names: string[]): Promise<Host[]> {
    const bridge = await this.addBridge();
    const hosts: Host[] = [];
    for (const name of names) {
      const host = await this.addHost(name);
      await this.connect(host, bridge);
      hosts.push(host);
    }
    return hosts;
  }

  /**
   * The multi-homed topology: host `mh` with eth0 on bridge 1 and eth1 on
   * bridge 2, a peer `pa` on bridge 1 and a peer `pb` on bridge 2.
   */
  async twoLinks(): Promise<{ mh: Host; pa: Host; pb: Host }> {
    const br1 = await this.addBridge();
    const br2 = await this.addBridge();
    const mh = await this.addHost("mh");
    const pa = await this.addHost("pa");
    const pb = await this.addHost("pb");
    await this.connect(mh, br1); // eth0
    await this.connect(mh, br2); // eth1
    await this.connect(pa, br1);
    await this.connect(pb, br2);
    return { mh, pa, pb };
  }

  /**
   * Plugs `host` into `bridge` with a veth pair named `ifname` on the host side
   * (default `eth<n>`), addressed 198.18.b.h/24 and fd00:5353:b::h/64, and
   * waits until its link-local address exists.
   */
  async connect(
    host: Host,
    bridge: Bridge,
    options: { ifname?: string } = {},
  ): Promise<HostInterface> {
    const ifname = options.ifname ?? `eth${host.interfaces.size}`;
    const iface: HostInterface = {
      name: ifname,
      bridge,
      ipv4: `198.18.${bridge.number}.${host.number}`,
      ipv6: `fd00:5353:${bridge.number}::${host.number}`,
      port: "",
    };
    await this.#plug(host, iface);
    host.interfaces.set(ifname, iface);
    return iface;
  }

  /** Deletes a host's interface (by deleting its veth pair from the switch side). */
  async unplug(host: Host, ifname: string): Promise<void> {
    const iface = host.interfaces.get(ifname);
    if (iface === undefined) throw new TypeError(`Unknown interface: ${host.name}:${ifname}`);
    await run(["ip", "-n", this.switchNs, "link", "del", iface.port]);
  }

  /** Re-creates an interface deleted with {@linkcode Lab.unplug}: same name and addresses, new index and MAC. */
  async replug(host: Host, ifname: string): Promise<void> {
    const iface = host.interfaces.get(ifname);
    if (iface === undefined) throw new TypeError(`Unknown interface: ${host.name}:${ifname}`);
    await this.#plug(host, iface);
  }

  /** Sets the switch side of a host's veth (`HostInterface.port`) up or down: the host sees carrier come and go. */
  async setSwitchPort(port: string, state: "up" | "down"): Promise<void> {
    await run(["ip", "-n", this.switchNs, "link", "set", port, state]);
  }

  /** Registers a child to stop at teardown (done by {@linkcode Host.spawn}). */
  adopt(child: Child): void {
    this.#children.add(child);
  }

  /** Registers extra teardown work (temp dirs, daemons), run before namespaces go. */
  onClose(cleanup: () => Promise<void>): void {
    this.#cleanups.push(cleanup);
  }

  /** Stops every child, runs cleanups, kills anything left in our namespaces, deletes them. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    globalThis.removeEventListener("unload", this.#unload);
    await Promise.all([...this.#children].map((c) => c.stop()));
    for (const cleanup of this.#cleanups.reverse()) await cleanup().catch(() => {});
    for (const ns of this.#namespaces.reverse()) await deleteNamespace(ns);
  }

  /** Same as {@linkcode Lab.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #addNamespace(ns: string): Promise<void> {
    await run(["ip", "netns", "add", ns]);
    this.#namespaces.push(ns);
  }

  async #plug(host: Host, iface: HostInterface): Promise<void> {
    iface.port = `p${++this.#ports}`;
    const sw = ["ip", "-n", this.switchNs];
    await run([
      ...sw,
      "link",
      "add",
      iface.port,
      "type",
      "veth",
      "peer",
      "name",
      iface.name,
      "netns",
      host.ns,
    ]);
    await run([...sw, "link", "set", iface.port, "master", iface.bridge.name, "up"]);
    await host.ip("addr", "add", `${iface.ipv4}/24`, "dev", iface.name);
    await host.ip("addr", "add", `${iface.ipv6}/64`, "dev", iface.name, "nodad");
    await host.ip("link", "set", iface.name, "up");
    await waitUntil(async () => {
      try {
        await host.linkLocal(iface.name);
        return true;
      } catch {
        return false;
      }
    }, `link-local address on ${host.name}:${iface.name}`);
  }

  #teardownSync(): void {
    // Last resort when the process exits without close(): kill what runs in
    // our namespaces, then delete them.
    for (const ns of this.#namespaces) {
      for (const pid of runSync(["netns", "pids", ns]).stdout.split(/\s+/).filter(Boolean)) {
        try {
          Deno.kill(Number(pid), "SIGKILL");
        } catch {
          // Gone.
        }
      }
      runSync(["netns", "del", ns]);
    }
  }
}

/** Polls `check` every 20 ms until it is true or `timeoutMs` passes. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > end) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function deleteNamespace(ns: string): Promise<void> {
  // Everything still running in a namespace we created is ours (daemons that
  // forked away from their Child): end it by pid before deleting.
  const pids = (await run(["ip", "netns", "pids", ns], { allowFailure: true })).stdout
    .split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // Gone.
    }
  }
  await run(["ip", "netns", "del", ns], { allowFailure: true });
}

/** Deletes `mdt-<pid>-*` and `mdb-<pid>-*` namespaces whose creating process no longer exists. */
async function sweepStaleLabs(): Promise<void> {
  const list = (await run(["ip", "netns", "list"], { allowFailure: true })).stdout;
  for (const line of list.split("\n")) {
    const match = line.match(/^(md[tb]-(\d+)-\S+)/);
    if (match === null || processAlive(Number(match[2]))) continue;
    await deleteNamespace(match[1]);
  }
}
