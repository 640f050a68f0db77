/**
 * The types of the stack's options, events and handlers.
 *
 * @module
 */

import type { Clock, Random } from "./clock.ts";
import type { DnsParseError } from "./codec/mod.ts";
import type { Transport, TransportEvent } from "./transport/transport.ts";

/**
 * Why the stack dropped a datagram.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { DropReason } from "./mdns.ts";
 * const reason: DropReason = "opcode";
 * assert.equal(reason, "opcode");
 * ```
 */
export type DropReason =
  | "malformed" // DnsParseError anywhere in the packet
  | "opcode" // RFC 6762 §18.3
  | "rcode" // RFC 6762 §18.11
  | "source-port" // RFC 6762 §6: responses must come from port 5353
  | "off-link" // RFC 6762 §11: source not on the arrival interface's link
  | "unsolicited-unicast"; // RFC 6762 §6: a unicast response to nothing we asked by unicast

/**
 * Counters of what the stack received and dropped: every datagram received
 * lands in exactly one of the datagram counters (routed as a query or a
 * response, or dropped for one reason); `legacyLimited` counts the queries
 * among them the responder left unread. `evicted` and `rejected` count
 * records, not datagrams: what the peer cache gave up, or turned away, for
 * lack of room.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { MdnsStats } from "./mdns.ts";
 * function dropped(s: MdnsStats): number {
 *   return s.malformed + s.opcode + s.rcode + s.sourcePort + s.offLink + s.unsolicitedUnicast;
 * }
 * assert.equal(dropped({
 *   received: 10, queries: 4, responses: 3, malformed: 1, opcode: 0, rcode: 0, sourcePort: 1,
 *   offLink: 0, unsolicitedUnicast: 1, legacyLimited: 0, evicted: 0, rejected: 0,
 * }), 3);
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
  /**
   * Ignored: a unicast response answering no question we asked for a unicast
   * reply in the last two seconds (RFC 6762 §6). Conflicts with what we
   * publish are still checked; nothing enters the peer cache.
   */
  unsolicitedUnicast: number;
  /**
   * Legacy queries (source port not 5353) left unread, also counted in
   * `queries`: their source address had sent more than any resolver does
   * (`MdnsOptions.legacyQueryRate`; RFC 6762 §6.7 replies are unicast to
   * the asker at once, so answering a flood from one address would aim our
   * replies at it).
   */
  legacyLimited: number;
  /**
   * Records the peer cache evicted for lack of room (its byte budget), each
   * also a `removed` cache event with the reason `evicted`.
   */
  evicted: number;
  /**
   * New records the peer cache turned away for lack of room: under a flood
   * of records no running query needs, the budget refuses them rather than
   * evicting what is there (`PeerServiceCache.rejections`).
   */
  rejected: number;
}

/**
 * What the stack reports to `onEvent`: drops, transport events, and errors a
 * handler threw (the library never logs; this is the one place to look).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { MdnsEvent } from "./mdns.ts";
 * const e: MdnsEvent = { type: "dropped", reason: "rcode", interfaceName: "eth0", source: "198.18.0.9" };
 * assert.equal(e.type === "dropped" && e.reason, "rcode");
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
  | {
    /** A host name this stack publishes lost a conflict and moved (RFC 6762 §9). */
    readonly type: "host-renamed";
    /** The name it held, `box.local`. */
    readonly from: string;
    /** The name it holds now, `box-2.local`. */
    readonly host: string;
  }
  | { readonly type: "error"; readonly error: unknown };

/**
 * Options for {@linkcode Mdns}.
 *
 * @example On the in-memory network
 * ```ts
 * import assert from "node:assert/strict";
 * import type { MdnsOptions } from "./mdns.ts";
 * import { VirtualClock } from "./testing/mod.ts";
 * const options: MdnsOptions = {
 *   clock: new VirtualClock(), random: () => 0.5, hostName: "box.local", maxPeerCacheBytes: 65536,
 * };
 * assert.deepEqual(Object.keys(options), ["clock", "random", "hostName", "maxPeerCacheBytes"]);
 * ```
 */
export interface MdnsOptions {
  /**
   * Moves the datagrams: a `MemoryHost` in tests. Default: a new `UdpTransport`
   * on every multicast-capable interface.
   */
  transport?: Transport;
  /**
   * This host's name for what it publishes (`box.local`). Default: the
   * machine's name (`Deno.hostname()`, needs `--allow-sys=hostname`), made one
   * DNS label; read only when something is first published.
   */
  hostName?: string;
  /** Time source for every timer in the stack. Default: the system clock. */
  clock?: Clock;
  /** Randomness for delays and jitter. Default: `Math.random`. */
  random?: Random;
  /** Hears drops, transport events and handler errors. */
  onEvent?: (event: MdnsEvent) => void;
  /**
   * Byte budget of the peer cache, what the stack hears (see
   * `PeerServiceCache`: full, it evicts whole services, what no running
   * query needs first). The cache draws its randomness from `random`.
   * @default {4194304}
   */
  maxPeerCacheBytes?: number;
  /** Byte budget of the local cache, what the stack publishes. @default {262144} */
  maxLocalCacheBytes?: number;
  /**
   * Whether the first query of each question asks for a unicast reply (the QU
   * bit, RFC 6762 §5.4), which spares the LAN a multicast answer when the
   * responder multicast it recently. Default `true`. Set it to `false` when
   * another mDNS stack (avahi-daemon, mDNSResponder, a second program using
   * this library) shares port 5353 on this host: unicast to port 5353 reaches
   * only the socket bound last, so the replies to our QU questions may go to
   * the other stack and our first answers would wait for the second query, a
   * second later. (mDNSResponder decides the same at start-up: it asks QU
   * only when it can receive unicast on 5353.)
   */
  unicastFirstQuery?: boolean;
  /**
   * Legacy queries (source port not 5353, RFC 6762 §6.7) read a second from
   * one source address, with a burst of five seconds' worth; past it they are
   * counted (`stats.legacyLimited`) and left unanswered, so a flood from one
   * address does not turn the responder into an amplifier aimed at it. A
   * resolver asks a question or two and retries after a second: it never
   * comes near. `Infinity` reads every one (a load test from one address).
   * @default {20}
   */
  legacyQueryRate?: number;
}
