/**
 * An in-memory network for deterministic tests of mDNS stacks: named links
 * (segments) that can lose, duplicate and delay datagrams, hosts that
 * implement {@linkcode Transport}, delivery on an injected (virtual) clock,
 * and a log of every datagram sent.
 *
 * @module
 */

import type { Clock, Random } from "../clock.ts";
import { seededRandom } from "../testing/seeded_random.ts";
import { type AddressFamily, MDNS_PORT } from "./transport.ts";
import { MemoryLink, type MemoryLinkOptions } from "./memory_link.ts";
import { MemoryHost, type MemoryPacket } from "./memory_host.ts";
import type { InjectedDatagram, MemoryHostOptions } from "./memory_host_types.ts";

/**
 * Options of {@linkcode MemoryNetwork}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type MemoryNetworkOptions, seededRandom, VirtualClock } from "../testing/mod.ts";
 * const options: MemoryNetworkOptions = {
 *   clock: new VirtualClock(),
 *   random: seededRandom(7),
 *   latencyMs: 2,
 * };
 * assert.equal(options.latencyMs, 2);
 * ```
 */
export interface MemoryNetworkOptions {
  /** Clock that delivery is scheduled on; a `VirtualClock` makes tests deterministic. */
  readonly clock: Clock;
  /** Source for loss, duplication and delay draws. Default `seededRandom(1)`. */
  readonly random?: Random;
  /** Default one-way delay of every link, in milliseconds. Default 1. */
  readonly latencyMs?: number;
  /** Most log entries kept; older ones are dropped first. Default 10000; 0 turns the log off. */
  readonly logLimit?: number;
  /**
   * Whether every receiver gets its own copy of a datagram (default true), so
   * a stack that wrongly wrote into a received buffer could not change what
   * another host reads. False hands every receiver of one send the same copy
   * (made once at the send): for simulations of hundreds of hosts, where a
   * copy per receiver is an allocation per delivery (~1 µs each in Deno).
   */
  readonly copyPerReceiver?: boolean;
}

/**
 * One datagram sent on the network, as recorded in `MemoryNetwork.log`.
 *
 * @example Reading the log
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryNetwork, type PacketLogEntry, VirtualClock } from "../testing/mod.ts";
 * const network = new MemoryNetwork({ clock: new VirtualClock() });
 * const entries: readonly PacketLogEntry[] = network.log;
 * assert.equal(entries.length, 0);
 * ```
 */
export interface PacketLogEntry {
  /** Clock time when it was sent. */
  readonly time: number;
  /** Name of the sending host. */
  readonly from: string;
  /** Sender's interface it left through. */
  readonly interfaceName: string;
  /** Link (segment) it travelled on. */
  readonly link: string;
  /** Address family. */
  readonly family: AddressFamily;
  /** Sender's address and port. */
  readonly source: { readonly address: string; readonly port: number };
  /** `"multicast"` for the mDNS group, else the unicast destination address. */
  readonly to: string;
  /** Destination port. */
  readonly port: number;
  /** Copy of the payload as sent. */
  readonly data: Uint8Array;
  /** True when the link lost it. */
  readonly dropped: boolean;
  /** True when the link delivers it twice. */
  readonly duplicated: boolean;
  /** Hosts it was on its way to when sent (empty when dropped or nobody listens). */
  readonly receivers: readonly string[];
}

/**
 * Which log entries `MemoryNetwork.packets()` returns: those matching every field given.
 *
 * @example Multicasts from one host
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PacketFilter } from "../testing/mod.ts";
 * const filter: PacketFilter = { from: "printer", to: "multicast", family: "IPv4" };
 * assert.equal(filter.from, "printer");
 * ```
 */
export interface PacketFilter {
  /** Sending host. */
  readonly from?: string;
  /** `"multicast"` or a unicast destination address. */
  readonly to?: string;
  /** Link name. */
  readonly link?: string;
  /** Sender's interface. */
  readonly interfaceName?: string;
  /** Address family. */
  readonly family?: AddressFamily;
  /** Lost or not. */
  readonly dropped?: boolean;
  /** Only datagrams on their way to this host. */
  readonly receivedBy?: string;
  /** Only datagrams sent at or after this clock time. */
  readonly since?: number;
}

/**
 * An in-memory network. Hosts on the same link hear each other's multicast
 * (never their own) for the address families both have on it; unicast goes to
 * the host(s) owning the destination address on that link (the sender too,
 * when it is its own address, as a kernel loops it back), tagged
 * `unicast: true`. A datagram reaches only hosts listening on its destination
 * port (5353 unless a host says otherwise). Every delivery is a copy, made
 * `delayMs` after the send on the network's clock.
 *
 * @example Two hosts on a LAN
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryNetwork, VirtualClock } from "../testing/mod.ts";
 * const clock = new VirtualClock();
 * const network = new MemoryNetwork({ clock });
 * const a = network.host("a", { interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }] });
 * const b = network.host("b", { interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/24" }] });
 * const heard: string[] = [];
 * await a.start({ onDatagram() {}, onEvent() {} });
 * await b.start({ onDatagram: (d) => heard.push(d.source.address), onEvent() {} });
 * await a.send(new Uint8Array(12), { interfaceName: "eth0", family: "IPv4" });
 * clock.advance(1);
 * assert.deepEqual(heard, ["198.18.0.2"]);
 * await network.close();
 * ```
 */
export class MemoryNetwork implements AsyncDisposable {
  /** The clock deliveries are scheduled on. */
  readonly clock: Clock;
  /** The random source links draw from. */
  readonly random: Random;
  #latencyMs: number;
  #logLimit: number;
  #copyPerReceiver: boolean;
  #links = new Map<string, MemoryLink>();
  #hosts = new Map<string, MemoryHost>();
  #log: PacketLogEntry[] = [];
  #inFlight = new Set<{ cancel(): void }>();

  /** Creates an empty network; see {@linkcode MemoryNetworkOptions}. */
  constructor(options: MemoryNetworkOptions) {
    if (typeof options?.clock?.setTimer !== "function") {
      throw new TypeError("Memory network needs a clock: pass { clock: new VirtualClock() }");
    }
    this.clock = options.clock;
    this.random = options.random ?? seededRandom(1);
    this.#latencyMs = options.latencyMs ?? 1;
    if (!(this.#latencyMs >= 0 && this.#latencyMs < Infinity)) {
      throw new RangeError(`Latency must be a finite number >= 0: ${this.#latencyMs}`);
    }
    this.#copyPerReceiver = options.copyPerReceiver ?? true;
    this.#logLimit = options.logLimit ?? 10_000;
    if (!(this.#logLimit >= 0)) throw new RangeError(`Log limit must be >= 0: ${this.#logLimit}`);
  }

  /**
   * The link called `name`, created on first use (hosts' interfaces create
   * theirs too). `options` reconfigure an existing link.
   */
  link(name: string, options?: MemoryLinkOptions): MemoryLink {
    let link = this.#links.get(name);
    if (link === undefined) {
      link = new MemoryLink(name, this.#latencyMs, options);
      this.#links.set(name, link);
    } else if (options !== undefined) {
      link.configure(options);
    }
    return link;
  }

  /**
   * Adds a host. Throws `TypeError` when a host of that name is still open
   * (a closed one may be replaced, to restart a host in a test).
   */
  host(name: string, options: MemoryHostOptions = {}): MemoryHost {
    if (this.#hosts.get(name)?.closed === false) {
      throw new TypeError(`Host already exists: ${name}`);
    }
    const host = new MemoryHost(name, { ...options, wire: (p) => this.#route(p) });
    for (const i of host.interfaces) this.link(i.link);
    this.#hosts.set(name, host);
    return host;
  }

  /** The host called `name`, if any. */
  getHost(name: string): MemoryHost | undefined {
    return this.#hosts.get(name);
  }

  /** Every host, in the order they were added. */
  get hosts(): readonly MemoryHost[] {
    return [...this.#hosts.values()];
  }

  /**
   * Feeds a datagram to a host now, as if received (see `MemoryHost.deliver`);
   * for malformed or crafted packets. Not logged. Throws `TypeError` for an
   * unknown host.
   */
  inject(hostName: string, datagram: InjectedDatagram): boolean {
    const host = this.#hosts.get(hostName);
    if (host === undefined) throw new TypeError(`Unknown host: ${hostName}`);
    return host.deliver(datagram);
  }

  /** Datagrams sent, oldest first, at most `logLimit` of them. */
  get log(): readonly PacketLogEntry[] {
    return this.#log;
  }

  /** The log entries matching every field of `filter`. */
  packets(filter: PacketFilter = {}): PacketLogEntry[] {
    const f = filter;
    return this.#log.filter((e) =>
      (f.from === undefined || e.from === f.from) &&
      (f.to === undefined || e.to === f.to) &&
      (f.link === undefined || e.link === f.link) &&
      (f.interfaceName === undefined || e.interfaceName === f.interfaceName) &&
      (f.family === undefined || e.family === f.family) &&
      (f.dropped === undefined || e.dropped === f.dropped) &&
      (f.receivedBy === undefined || e.receivers.includes(f.receivedBy)) &&
      (f.since === undefined || e.time >= f.since)
    );
  }

  /** Empties the log. */
  clearLog(): void {
    this.#log = [];
  }

  /** Deliveries scheduled and not yet made. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Cancels every delivery in flight and closes every host. */
  async close(): Promise<void> {
    for (const timer of this.#inFlight) timer.cancel();
    this.#inFlight.clear();
    for (const host of this.#hosts.values()) await host.close();
  }

  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #route(packet: MemoryPacket): void {
    const { from, link, family, destination } = packet;
    const port = destination.port ?? MDNS_PORT;
    const address = destination.address;
    const targets: { host: MemoryHost; interfaceName: string }[] = [];
    for (const host of this.#hosts.values()) {
      if (!host.running || host.port !== port) continue;
      // Our own multicast echoes are dropped, as UdpTransport's receive path does.
      if (address === undefined && host === from) continue;
      for (const interfaceName of host.interfacesOn(link, family, address)) {
        targets.push({ host, interfaceName });
      }
    }
    const delays = this.link(link).draw(this.random);
    this.#record({
      time: this.clock.now(),
      from: from.name,
      interfaceName: packet.interfaceName,
      link,
      family,
      source: packet.source,
      to: address ?? "multicast",
      port,
      data: packet.data,
      dropped: delays.length === 0,
      duplicated: delays.length > 1,
      receivers: delays.length === 0 ? [] : [...new Set(targets.map((t) => t.host.name))],
    });
    if (targets.length === 0) return;
    for (const delay of delays) {
      const timer = this.clock.setTimer(delay, () => {
        this.#inFlight.delete(timer);
        for (const { host, interfaceName } of targets) {
          // The receiver may have closed, or its interface gone down or moved, meanwhile.
          // (A closed host refuses the delivery itself.)
          if (!host.interfacesOn(link, family, address).includes(interfaceName)) continue;
          host.deliver({
            data: packet.data,
            interfaceName,
            family,
            source: packet.source,
            unicast: address !== undefined,
          }, { copy: this.#copyPerReceiver });
        }
      });
      this.#inFlight.add(timer);
    }
  }

  #record(entry: PacketLogEntry): void {
    if (this.#logLimit === 0) return;
    this.#log.push(entry);
    if (this.#log.length > this.#logLimit) this.#log.splice(0, this.#log.length - this.#logLimit);
  }
}
