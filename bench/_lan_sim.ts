/**
 * A whole LAN of stacks on the in-memory network and the virtual clock
 * (issue 16 item 8): `hosts` stacks, each publishing one service of each of
 * {@linkcode SIM_TYPES} and browsing one of them (host i browses type
 * i mod 3), all started at seeded random times within `startSpreadMs`. It
 * counts every datagram and byte each host sends (a counting wrapper around
 * its transport), notes when each browser has seen every service of its type
 * (`added`), and can run on for a steady period after a clear count.
 *
 * One IPv4 link only: IPv6 would send the same packets again on the second
 * family (RFC 6762 §6: each family is answered on its own), so every count
 * here doubles on a dual-stack LAN.
 *
 * Used by `bench/lan_500_sim.ts` (500 hosts) and `tests/lan_sim_test.ts` (50).
 *
 * @module
 */

import { Mdns } from "../mdns.ts";
import { MemoryNetwork, seededRandom, VirtualClock } from "../testing/mod.ts";
import type { Destination, Transport, TransportHandler } from "../transport/transport.ts";

/** The three service types; every host publishes one instance of each. */
export const SIM_TYPES = ["_sima._tcp", "_simb._tcp", "_simc._tcp"] as const;

/** What one simulated host sent. */
export interface HostCounts {
  packets: number;
  bytes: number;
  /** Of the packets: queries with an Authority section (RFC 6762 §8.1). */
  probes: number;
  /** Other queries. */
  queries: number;
  /** Responses (QR bit set). */
  responses: number;
}

const emptyCounts = (): HostCounts => ({
  packets: 0,
  bytes: 0,
  probes: 0,
  queries: 0,
  responses: 0,
});

/** Options of {@linkcode LanSimulation.start}. */
export interface LanSimOptions {
  hosts: number;
  /** Every host starts at a seeded random time in [0, startSpreadMs). */
  startSpreadMs?: number;
  seed?: number;
  /** Packets the network log keeps (for debugging); default 0, none. */
  logLimit?: number;
}

class CountingTransport implements Transport {
  counts: HostCounts = emptyCounts();
  readonly #inner: Transport;
  constructor(inner: Transport) {
    this.#inner = inner;
  }
  get links() {
    return this.#inner.links;
  }
  start(handler: TransportHandler): Promise<void> {
    return this.#inner.start(handler);
  }
  send(data: Uint8Array, to: Destination): Promise<boolean> {
    this.counts.packets++;
    this.counts.bytes += data.length;
    // The header: flags at byte 2 (QR is its top bit), NSCOUNT at bytes 8-9.
    if (data[2] & 0x80) this.counts.responses++;
    else if ((data[8] << 8 | data[9]) > 0) this.counts.probes++;
    else this.counts.queries++;
    return this.#inner.send(data, to);
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

interface SimHost {
  readonly index: number;
  readonly transport: CountingTransport;
  mdns?: Mdns;
  readonly seen: Set<string>;
  /** Virtual time at which it had seen every service of its type. */
  completeAt?: number;
  readonly abort: AbortController;
}

/** The LAN: start it, run the clock, read the counts, close it. */
export class LanSimulation {
  readonly clock: VirtualClock;
  readonly network: MemoryNetwork;
  readonly #hosts: SimHost[] = [];
  readonly #browsers: Promise<void>[] = [];
  readonly #expected: number;
  /** `removed` events seen by all browsers (none is right: nothing leaves). */
  removals = 0;
  /** Each host's start time (ms of virtual time). */
  readonly starts: number[] = [];

  private constructor(hosts: number, logLimit: number) {
    this.clock = new VirtualClock();
    this.network = new MemoryNetwork({
      clock: this.clock,
      random: seededRandom(1),
      logLimit,
      // Hundreds of receivers per multicast: one shared copy, not one each.
      copyPerReceiver: false,
    });
    this.#expected = hosts;
  }

  /** Builds the hosts and schedules each start within the spread. */
  static start(options: LanSimOptions): LanSimulation {
    const sim = new LanSimulation(options.hosts, options.logLimit ?? 0);
    const random = seededRandom(options.seed ?? 42);
    const spread = options.startSpreadMs ?? 1000;
    for (let i = 0; i < options.hosts; i++) {
      const memory = sim.network.host(`h${i}`, {
        interfaces: [{
          name: "eth0",
          link: "lan",
          ipv4: `198.18.${1 + (i >> 7)}.${1 + (i & 0x7f)}/15`,
        }],
      });
      const host: SimHost = {
        index: i,
        transport: new CountingTransport(memory),
        seen: new Set(),
        abort: new AbortController(),
      };
      sim.#hosts.push(host);
      const at = Math.floor(random() * spread);
      sim.starts.push(at);
      sim.clock.setTimer(at, () => sim.#launch(host));
    }
    return sim;
  }

  #launch(host: SimHost): void {
    this.#browsers.push((async () => {
      const mdns = await Mdns.start({
        transport: host.transport,
        clock: this.clock,
        random: seededRandom(1000 + host.index),
        hostName: `h${host.index}.local`,
      });
      host.mdns = mdns;
      for (const type of SIM_TYPES) {
        mdns.publish({ name: `s${host.index}`, type, port: 1000 + host.index }).catch(() => {});
      }
      const type = SIM_TYPES[host.index % SIM_TYPES.length];
      for await (const event of mdns.browse(type, { signal: host.abort.signal })) {
        if (event.type === "removed") {
          host.seen.delete(event.service.fullName);
          this.removals++;
        } else host.seen.add(event.service.fullName);
        if (host.completeAt === undefined && host.seen.size === this.#expected) {
          host.completeAt = this.clock.now();
        }
      }
    })());
  }

  /** Runs the virtual clock `ms` milliseconds, in steps of `stepMs`. */
  async run(ms: number, stepMs = 100): Promise<void> {
    for (let t = 0; t < ms; t += stepMs) await this.clock.advanceAsync(Math.min(stepMs, ms - t));
  }

  /** Hosts whose browser has seen every service of its type, and when the last one got there. */
  completion(): { complete: number; lastAt: number | undefined } {
    let complete = 0;
    let lastAt: number | undefined = 0;
    for (const h of this.#hosts) {
      if (h.completeAt === undefined) lastAt = undefined;
      else {
        complete++;
        if (lastAt !== undefined) lastAt = Math.max(lastAt, h.completeAt);
      }
    }
    return { complete, lastAt };
  }

  /** Services each browser sees now (the smallest). */
  fewestSeen(): number {
    return Math.min(...this.#hosts.map((h) => h.seen.size));
  }

  /** Sent packets and bytes of every host since the last reset. */
  counts(): HostCounts[] {
    return this.#hosts.map((h) => ({ ...h.transport.counts }));
  }

  /** Zeroes every host's counts. */
  resetCounts(): void {
    for (const h of this.#hosts) h.transport.counts = emptyCounts();
  }

  /** Stops the browsers and closes every stack and the network. */
  async close(): Promise<void> {
    for (const h of this.#hosts) h.abort.abort();
    const closing = Promise.all(this.#hosts.map((h) => h.mdns?.close()));
    await this.clock.advanceAsync(2000);
    await closing;
    await Promise.all(this.#browsers);
    await this.network.close();
  }
}
