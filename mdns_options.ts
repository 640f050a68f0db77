/**
 * The types of the stack's options, events and handlers.
 *
 * @module
 */

import type { Clock, Random } from "./clock.ts";
import type { DnsParseError, MessageReader } from "./codec/mod.ts";
import type { LocalServiceCache } from "./cache/local_cache.ts";
import type { PeerServiceCache } from "./cache/peer_cache.ts";
import type { PeerRecord } from "./cache/peer_record.ts";
import type { Datagram, Transport, TransportEvent } from "./transport/transport.ts";

/**
 * Why the stack dropped a datagram.
 *
 * @example
 * ```ts
 * import type { DropReason } from "./mdns.ts";
 * const reason: DropReason = "opcode";
 * console.log(reason);
 * ```
 */
export type DropReason =
  | "malformed" // DnsParseError anywhere in the packet
  | "opcode" // RFC 6762 §18.3
  | "rcode" // RFC 6762 §18.11
  | "source-port" // RFC 6762 §6: responses must come from port 5353
  | "off-link"; // RFC 6762 §11: source not on the arrival interface's link

/**
 * Counters of what the stack received and dropped.
 *
 * @example
 * ```ts
 * import type { MdnsStats } from "./mdns.ts";
 * function dropped(s: MdnsStats): number {
 *   return s.malformed + s.opcode + s.rcode + s.sourcePort + s.offLink;
 * }
 * console.log(dropped({ received: 0, queries: 0, responses: 0, malformed: 0, opcode: 0, rcode: 0, sourcePort: 0, offLink: 0 }));
 * ```
 */
export interface MdnsStats {
  /** Datagrams handed up by the transport. */
  received: number;
  /** Queries routed to the responder. */
  queries: number;
  /** Responses routed to the peer cache and querier. */
  responses: number;
  /** Dropped: malformed. */
  malformed: number;
  /** Dropped: opcode not 0. */
  opcode: number;
  /** Dropped: rcode not 0. */
  rcode: number;
  /** Dropped: response from a port other than 5353. */
  sourcePort: number;
  /** Dropped: source not on the link it arrived on. */
  offLink: number;
}

/**
 * What the stack reports to `onEvent`: drops, transport events, and errors a
 * handler threw (the library never logs; this is the one place to look).
 *
 * @example
 * ```ts
 * import type { MdnsEvent } from "./mdns.ts";
 * const e: MdnsEvent = { type: "dropped", reason: "rcode", interfaceName: "eth0", source: "198.18.0.9" };
 * console.log(e.type);
 * ```
 */
export type MdnsEvent =
  | {
    readonly type: "dropped";
    readonly reason: DropReason;
    readonly interfaceName: string;
    readonly source: string;
    readonly error?: DnsParseError;
  }
  | { readonly type: "transport"; readonly event: TransportEvent }
  | { readonly type: "error"; readonly error: unknown };

/**
 * Receives a routed message. `reader` is positioned at the start (no
 * question read yet) and is valid only during the call, as is `datagram.data`.
 *
 * @example
 * ```ts
 * import type { MessageHandler } from "./mdns.ts";
 * const countQuestions: MessageHandler = (reader) => {
 *   let n = 0;
 *   while (reader.nextQuestion()) n++;
 *   console.log(n);
 * };
 * console.log(typeof countQuestions);
 * ```
 */
export type MessageHandler = (reader: MessageReader, datagram: Datagram) => void;

/**
 * Options for {@linkcode Mdns}.
 *
 * @example On the in-memory network
 * ```ts
 * import type { MdnsOptions } from "./mdns.ts";
 * import { VirtualClock } from "./clock.ts";
 * const options: Partial<MdnsOptions> = { clock: new VirtualClock(), random: () => 0.5 };
 * console.log(Object.keys(options));
 * ```
 */
export interface MdnsOptions {
  /** Moves the datagrams: `UdpTransport` for real sockets, a `MemoryHost` in tests. */
  transport: Transport;
  /** Time source for every timer in the stack. Default: the system clock. */
  clock?: Clock;
  /** Randomness for delays and jitter. Default: `Math.random`. */
  random?: Random;
  /** Hears drops, transport events and handler errors. */
  onEvent?: (event: MdnsEvent) => void;
  /** Cache of what the network says; default a new one with the default byte budget. */
  peerCache?: PeerServiceCache;
  /** Cache of what this node publishes; default a new, empty one. */
  localCache?: LocalServiceCache;
}

/**
 * Receives the peer records that reached a refresh point (RFC 6762 §5.2: 80,
 * 85, 90 and 95 % of their TTL); the querier re-asks for those it still wants.
 *
 * @example
 * ```ts
 * import type { RefreshHandler } from "./mdns_options.ts";
 * const log: RefreshHandler = (records, now) => {
 *   for (const r of records) console.log(now, "refresh", r.name, r.type);
 * };
 * log([], 0);
 * ```
 */
export type RefreshHandler = (records: readonly PeerRecord[], now: number) => void;
