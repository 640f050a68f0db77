/**
 * The narrow seam between the stack (`_stack.ts`) and the parts it routes to:
 * the responder and the querier. A part is built from the pieces it needs
 * ({@linkcode PartContext}: clock, randomness, a sender, the links, a way to
 * wake the scheduler) plus the cache it works on, never from the stack itself.
 * The stack calls a part's hooks in RFC order and lets it send its last
 * packets (goodbyes) before the transport closes.
 *
 * Public by name (the parts live in `responder/` and `querier/`, and a file
 * imports only another folder's public files: `tests/imports_test.ts`), but
 * not exported from `mod.ts`: the stack builds its parts itself.
 *
 * @module
 */

import type { Clock, Random } from "./clock.ts";
import type { MessageReader } from "./codec/mod.ts";
import type { Datagram, Destination, NetworkLink, TransportEvent } from "./transport/transport.ts";

/**
 * Sends one packet; never rejects (resolves `false` when the send failed).
 * It keeps working while the stack closes, until the transport is closed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Send } from "./stack_part.ts";
 * const sent: number[] = [];
 * const send: Send = (data) => { sent.push(data.length); return Promise.resolve(true); };
 * await send(new Uint8Array(12), { interfaceName: "eth0", family: "IPv4" });
 * assert.deepEqual(sent, [12]);
 * ```
 */
export type Send = (data: Uint8Array, to: Destination) => Promise<boolean>;

/**
 * A change to one of the transport's links: `link-added` and `link-removed`
 * when an interface appears or vanishes, `link-up` and `link-down` when a known
 * one goes up or down, `link-changed` when its addresses change (with the
 * `previous` view, so a part can say goodbye to an address that left).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LinkEvent } from "./stack_part.ts";
 * const e: LinkEvent = { type: "link-removed", link: { name: "eth1", index: 3, ipv4: [], ipv6: [] } };
 * assert.equal(e.link.name, "eth1");
 * ```
 */
export type LinkEvent = Extract<TransportEvent, { readonly link: NetworkLink }>;

/**
 * What the stack hands a part: everything it may use besides its cache.
 *
 * @example A context on the in-memory network
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PartContext } from "./stack_part.ts";
 * import { VirtualClock } from "./testing/mod.ts";
 * const context: PartContext = {
 *   clock: new VirtualClock(),
 *   random: () => 0.5,
 *   send: () => Promise.resolve(true),
 *   links: () => [],
 *   wake: () => {},
 *   inTurn: () => false,
 * };
 * assert.equal(context.links().length, 0);
 * ```
 */
export interface PartContext {
  /** The stack's clock: the only time a part reads. */
  readonly clock: Clock;
  /** The stack's randomness: delays and jitter. */
  readonly random: Random;
  /** Sends a packet on one link (multicast) or to one address (unicast). */
  readonly send: Send;
  /** The links the transport uses now. */
  readonly links: () => readonly NetworkLink[];
  /** Tells the scheduler that the part's next deadline moved earlier. */
  readonly wake: () => void;
  /**
   * True while the stack handles a packet, a link event or a timer run: every
   * part's {@linkcode StackPart.settle} follows when it ends, so a change made
   * now needs no flush of its own. Absent for a part built outside a stack
   * (never in a turn).
   */
  readonly inTurn?: () => boolean;
}

/**
 * Something with work at a time of its own choosing: the scheduler sleeps
 * until the earliest {@linkcode ScheduledPart.nextDeadline} of its parts.
 * `Infinity` means no work (one spelling of "no deadline" across the stack,
 * as the peer cache's `nextExpiry()` and `nextRefresh()` use).
 *
 * @example A part that runs once, at t = 100
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ScheduledPart } from "./stack_part.ts";
 * let done = false;
 * const part: ScheduledPart = {
 *   nextDeadline: () => (done ? Infinity : 100),
 *   run: () => { done = true; },
 * };
 * assert.equal(part.nextDeadline(), 100);
 * part.run(100);
 * assert.equal(part.nextDeadline(), Infinity);
 * ```
 */
export interface ScheduledPart {
  /** Clock time (ms) of the next work, `Infinity` when there is none. */
  nextDeadline(): number;
  /** Does whatever is due at `now`. Must not throw. */
  run(now: number): void;
}

/**
 * A part of the stack. Every hook is optional (a part with no timed work
 * has no `nextDeadline` or `run`); the stack calls them in this
 * order for each packet that passed its ingress filters (RFC 6762 §6, §9,
 * §10.2): for a response, every part's `beforeCache` (conflict checks against
 * what we publish), then the peer cache insert, then every part's
 * `afterCache`; for a query, every part's `onQuery`. When the packet (or a
 * link event, or a timer run) has been handled, every part's `settle` runs
 * once: the one point where a part delivers what the turn changed. A response sent to our
 * unicast address reaches the cache and `afterCache` only when some part's
 * `expectsUnicast` says it asked for it (RFC 6762 §6). `reader` is positioned at
 * the start of the packet and valid only during the call; the whole packet
 * has been validated before the first hook runs, so a part can read any name
 * or rdata without a parse error.
 *
 * @example A part that counts queries
 * ```ts
 * import assert from "node:assert/strict";
 * import type { StackPart } from "./stack_part.ts";
 * let queries = 0;
 * const part: StackPart = { onQuery: () => queries++ };
 * part.onQuery?.(undefined!, undefined!);
 * assert.equal(queries, 1);
 * ```
 */
export interface StackPart extends Partial<ScheduledPart> {
  /** A query arrived (RFC 6762 §6: the responder answers; the querier suppresses duplicates, §7.3). */
  onQuery?(reader: MessageReader, datagram: Datagram): void;
  /** A response arrived, before it enters the peer cache (RFC 6762 §9 conflict checks). */
  beforeCache?(reader: MessageReader, datagram: Datagram): void;
  /**
   * A response came to our unicast address (after `beforeCache`): true when
   * it answers a question this part asked for a unicast reply in the last two
   * seconds (RFC 6762 §6). When no part says so, the stack ignores it.
   */
  expectsUnicast?(reader: MessageReader, datagram: Datagram): boolean;
  /** A response arrived and is in the peer cache. */
  afterCache?(reader: MessageReader, datagram: Datagram): void;
  /** A link appeared, vanished, went up or down, or changed its addresses. */
  onLinkEvent?(event: LinkEvent): void;
  /**
   * The stack finished a turn (a packet, a link event or a timer run, each
   * with every part's hooks): deliver what changed during it, once.
   */
  settle?(): void;
  /**
   * The stack is closing: send the last packets (goodbyes) and resolve. The
   * stack waits at most {@linkcode CLOSE_GRACE_MS} before it closes the
   * transport, whatever a part does.
   */
  close?(): Promise<void>;
}

/**
 * How long `Mdns.close()` waits for parts to send their last packets.
 * Goodbyes are sent at once (RFC 6762 §10.1), so this only bounds a slow send.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CLOSE_GRACE_MS } from "./stack_part.ts";
 * assert.equal(CLOSE_GRACE_MS, 1000);
 * ```
 */
export const CLOSE_GRACE_MS = 1000;
