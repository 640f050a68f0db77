/**
 * The stack: owns the transport, the clock, the scheduler and both caches, and
 * routes every datagram one way. It drops what RFC 6762 says to ignore, counts it, and
 * hands queries to the responder and responses to the peer cache and the
 * querier. Nothing the network sends can make it throw.
 *
 * @module
 */

import { type Clock, type Random, systemClock, systemRandom } from "./clock.ts";
import { DnsParseError, MessageReader } from "./codec/mod.ts";
import { type ScheduledPart, Scheduler } from "./scheduler.ts";
import { LocalServiceCache } from "./cache/local_cache.ts";
import { PeerServiceCache } from "./cache/peer_cache.ts";
import type {
  DropReason,
  MdnsEvent,
  MdnsOptions,
  MdnsStats,
  MessageHandler,
  RefreshHandler,
} from "./mdns_options.ts";
import type {
  Datagram,
  Destination,
  NetworkLink,
  Transport,
  TransportEvent,
} from "./transport/transport.ts";
import { MDNS_PORT, scopedSource } from "./transport/transport.ts";
import { type Cidr, cidrContains, isIPv6LinkLocal, parseCidr } from "./transport/subnet.ts";

export type {
  DropReason,
  MdnsEvent,
  MdnsOptions,
  MdnsStats,
  MessageHandler,
  RefreshHandler,
} from "./mdns_options.ts";

/** RFC 6762 §18.3: "Multicast DNS messages received with an OPCODE other than zero MUST be silently ignored." */
const STANDARD_QUERY_OPCODE = 0;
/** RFC 6762 §18.11: "Multicast DNS messages received with non-zero Response Codes MUST be silently ignored." */
const NO_ERROR_RCODE = 0;

/**
 * The mDNS stack over one transport.
 *
 * @example Routing on the in-memory network
 * ```ts
 * import { Mdns } from "./mdns.ts";
 * import { MemoryNetwork, VirtualClock } from "./testing/mod.ts";
 * const clock = new VirtualClock();
 * const network = new MemoryNetwork({ clock });
 * const host = network.host("a", { interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }] });
 * await using mdns = await Mdns.start({ transport: host, clock });
 * console.log(mdns.stats.received); // 0
 * ```
 */
export class Mdns implements AsyncDisposable {
  #transport: Transport;
  #clock: Clock;
  #random: Random;
  #onEvent: (event: MdnsEvent) => void;
  #scheduler: Scheduler;
  #peerCache: PeerServiceCache;
  #localCache: LocalServiceCache;
  #refreshHandlers: RefreshHandler[] = [];
  #queryHandlers: MessageHandler[] = [];
  #responseHandlers: MessageHandler[] = [];
  #prefixes = new Map<string, Cidr[]>();
  #reader = new MessageReader(new Uint8Array(12));
  #routing = false;
  #closed = false;
  #stats: MdnsStats = {
    received: 0,
    queries: 0,
    responses: 0,
    malformed: 0,
    opcode: 0,
    rcode: 0,
    sourcePort: 0,
    offLink: 0,
  };

  private constructor(options: MdnsOptions) {
    this.#transport = options.transport;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? systemRandom;
    this.#onEvent = options.onEvent ?? (() => {});
    this.#scheduler = new Scheduler(this.#clock, (error) => this.#report({ type: "error", error }));
    this.#peerCache = options.peerCache ?? new PeerServiceCache({ random: this.#random });
    this.#localCache = options.localCache ?? new LocalServiceCache();
    // Every response, asked for or not, lands in the peer cache: the seed's Go
    // client lost replies that came after its receive window closed.
    this.#responseHandlers.push((reader, datagram) => {
      this.#peerCache.insertMessage(reader, {
        interfaceName: datagram.interfaceName,
        now: this.#clock.now(),
      });
      this.#scheduler.wake();
    });
    this.#scheduler.add({
      nextDeadline: () => {
        const at = this.#peerCache.nextDeadline();
        return at === Infinity ? undefined : at;
      },
      run: (now) => {
        this.#peerCache.expire(now);
        const due = this.#peerCache.takeDueRefreshes(now);
        if (due.length === 0) return;
        for (const handler of this.#refreshHandlers) handler(due, now);
      },
    });
  }

  /**
   * Starts a stack on `options.transport`: opens its sockets and begins
   * routing. Rejects with the transport's error when mDNS cannot run.
   */
  static async start(options: MdnsOptions): Promise<Mdns> {
    if (options?.transport === undefined) {
      throw new TypeError("Cannot start mDNS: options.transport is required");
    }
    const mdns = new Mdns(options);
    await mdns.#transport.start({
      onDatagram: (d) => mdns.#receive(d),
      onEvent: (e) => mdns.#transportEvent(e),
    });
    return mdns;
  }

  /** A snapshot of the counters. */
  get stats(): MdnsStats {
    return { ...this.#stats };
  }
  /** The clock every part of the stack uses. */
  get clock(): Clock {
    return this.#clock;
  }
  /** The randomness every part of the stack uses. */
  get random(): Random {
    return this.#random;
  }
  /** What this stack heard from the network (every response, asked for or not). */
  get peerCache(): PeerServiceCache {
    return this.#peerCache;
  }
  /** What this stack publishes. */
  get localCache(): LocalServiceCache {
    return this.#localCache;
  }
  /** The links the transport currently uses. */
  get links(): readonly NetworkLink[] {
    return this.#transport.links;
  }

  /** Registers a handler for queries (the responder). */
  onQuery(handler: MessageHandler): void {
    this.#queryHandlers.push(handler);
  }
  /** Registers a handler for responses (peer cache, querier). */
  onResponse(handler: MessageHandler): void {
    this.#responseHandlers.push(handler);
  }
  /** Registers a handler for peer records due for a refresh query (the querier). */
  onRefresh(handler: RefreshHandler): void {
    this.#refreshHandlers.push(handler);
  }
  /** Adds a part to the scheduler (responder, querier, cache expiry). */
  schedule(part: ScheduledPart): void {
    this.#scheduler.add(part);
  }
  /** Removes a part from the scheduler. */
  unschedule(part: ScheduledPart): void {
    this.#scheduler.remove(part);
  }
  /** Tells the scheduler a deadline moved earlier. */
  wake(): void {
    this.#scheduler.wake();
  }

  /** Sends a packet; never rejects (failures arrive as transport events). */
  send(data: Uint8Array, to: Destination): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    return this.#transport.send(data, to);
  }

  #receive(datagram: Datagram): void {
    this.#stats.received++;
    try {
      this.#route(datagram);
    } catch (error) {
      if (error instanceof DnsParseError) this.#drop("malformed", datagram, error);
      else this.#report({ type: "error", error });
    }
  }

  #route(datagram: Datagram): void {
    // One reader per stack, reset per packet: the receive path allocates no
    // reader. A handler that re-enters (a synchronous transport) gets its own.
    const reader = this.#routing
      ? new MessageReader(datagram.data)
      : this.#reader.reset(datagram.data);
    if (reader.opcode !== STANDARD_QUERY_OPCODE) return this.#drop("opcode", datagram);
    if (reader.rcode !== NO_ERROR_RCODE) return this.#drop("rcode", datagram);
    // RFC 6762 §6: "Multicast DNS implementations MUST silently ignore any
    // Multicast DNS responses they receive where the source UDP port is not 5353."
    const isResponse = reader.isResponse;
    if (isResponse && datagram.source.port !== MDNS_PORT) {
      return this.#drop("source-port", datagram);
    }
    if (!this.#onLink(datagram)) return this.#drop("off-link", datagram);
    // Walk the whole packet once before any handler sees it, so a packet that
    // is malformed near its end is dropped whole, never half applied.
    while (reader.nextRecord());
    const handlers = isResponse ? this.#responseHandlers : this.#queryHandlers;
    if (isResponse) this.#stats.responses++;
    else this.#stats.queries++;
    const outer = this.#routing;
    this.#routing = true;
    try {
      for (const handler of handlers) {
        try {
          handler(reader.reset(datagram.data), datagram);
        } catch (error) {
          if (error instanceof DnsParseError) this.#drop("malformed", datagram, error);
          else this.#report({ type: "error", error });
        }
      }
    } finally {
      this.#routing = outer;
    }
  }

  /**
   * RFC 6762 §11: a response or query must come from the local link. IPv6
   * link-local sources are on-link by definition; other sources must fall in
   * one of the arrival interface's prefixes.
   */
  #onLink(datagram: Datagram): boolean {
    const source = datagram.source.address;
    if (datagram.family === "IPv6" && isIPv6LinkLocal(source)) return true;
    const prefixes = this.#prefixes.get(datagram.interfaceName) ?? this.#learnPrefixes(datagram);
    return prefixes.some((cidr) => cidrContains(cidr, source));
  }

  #learnPrefixes(datagram: Datagram): Cidr[] {
    const link = this.#transport.links.find((l) => l.name === datagram.interfaceName);
    const cidrs = link ? parseLinkPrefixes(link) : [];
    if (link) this.#prefixes.set(link.name, cidrs);
    return cidrs;
  }

  #transportEvent(event: TransportEvent): void {
    if (event.type === "link-up" || event.type === "link-down") {
      this.#prefixes.delete(event.link.name);
    }
    this.#report({ type: "transport", event });
  }

  #drop(reason: DropReason, datagram: Datagram, error?: DnsParseError): void {
    const counter = ({
      "malformed": "malformed",
      "opcode": "opcode",
      "rcode": "rcode",
      "source-port": "sourcePort",
      "off-link": "offLink",
    } as const)[reason];
    this.#stats[counter]++;
    this.#report({
      type: "dropped",
      reason,
      interfaceName: datagram.interfaceName,
      source: scopedSource(datagram),
      ...(error ? { error } : {}),
    });
  }

  #report(event: MdnsEvent): void {
    try {
      this.#onEvent(event);
    } catch {
      // A throwing listener must not take the receive path down with it.
    }
  }

  /** Stops the scheduler and closes the transport. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#scheduler.close();
    await this.#transport.close();
  }

  /** Same as {@linkcode Mdns.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function parseLinkPrefixes(link: NetworkLink): Cidr[] {
  const out: Cidr[] = [];
  for (const text of [...link.ipv4, ...link.ipv6]) {
    try {
      out.push(parseCidr(text));
    } catch {
      // An address the transport could not express as a prefix admits nothing.
    }
  }
  return out;
}
