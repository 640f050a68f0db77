/**
 * The one-way path of a datagram through the stack: ingress filters (RFC
 * 6762's rules for what to ignore), whole-packet validation, then the parts
 * in RFC order, with a counter for every outcome. Link events take the same
 * road. Nothing the network sends can make it throw.
 *
 * Internal: `_stack.ts` owns one; not exported from `mod.ts`.
 *
 * @module
 */

import { DnsParseError, MessageReader, type ParseFailure } from "./codec/mod.ts";
import type { PeerServiceCache } from "./cache/peer_cache.ts";
import { IngressFilter } from "./_ingress.ts";
import type { LinkEvent, StackPart } from "./stack_part.ts";
import type { StackParts } from "./_stack_parts.ts";
import type { DropReason, MdnsEvent, MdnsStats } from "./mdns_options.ts";
import type { Datagram, NetworkLink } from "./transport/transport.ts";
import { scopedSource } from "./transport/transport.ts";

/**
 * What a pipeline needs from its stack.
 */
export interface PipelineOptions {
  /** The stack's parts: routed in order, each packet and link event one turn. */
  readonly parts: StackParts;
  /** Where every response lands, between the parts' two response hooks. */
  readonly peerCache: PeerServiceCache;
  /** The stack's clock. */
  readonly now: () => number;
  /** The transport's links, for the on-link check. */
  readonly links: () => readonly NetworkLink[];
  /** Hears drops and what a part threw. */
  readonly report: (event: MdnsEvent) => void;
  /** Re-arms the scheduler after the cache or a part changed. */
  readonly wake: () => void;
}

/** The counters the pipeline keeps (the responder keeps `legacyLimited`). */
export type PipelineStats = Omit<MdnsStats, "legacyLimited">;

/**
 * Routes datagrams and link events to the parts.
 */
export class Pipeline {
  #options: PipelineOptions;
  #parts: readonly StackPart[];
  #ingress: IngressFilter;
  #reader = new MessageReader(new Uint8Array(12));
  #routing = false;
  // The turn's work, made once: a closure per datagram was the receive
  // path's one allocation of its own. It reads the datagram as the turn
  // starts, before anything can re-enter and set the next one.
  #arriving: Datagram | undefined;
  #validated = new LastPacket();
  #routeArriving = (): void => this.#route(this.#arriving!);
  #stats: PipelineStats = {
    received: 0,
    queries: 0,
    responses: 0,
    malformed: 0,
    opcode: 0,
    rcode: 0,
    sourcePort: 0,
    offLink: 0,
    unsolicitedUnicast: 0,
    evicted: 0,
    rejected: 0,
  };

  /** Creates a pipeline that routes to `options.parts`. */
  constructor(options: PipelineOptions) {
    this.#options = options;
    this.#parts = options.parts.list;
    this.#ingress = new IngressFilter(options.links);
  }

  /** A snapshot of the counters. */
  get stats(): PipelineStats {
    const cache = this.#options.peerCache;
    return { ...this.#stats, evicted: cache.evictions, rejected: cache.rejections };
  }

  /** Takes one datagram from the transport; never throws. */
  receive(datagram: Datagram): void {
    this.#stats.received++;
    try {
      this.#arriving = datagram;
      this.#options.parts.turn(this.#routeArriving);
    } catch (error) {
      this.#options.report({ type: "error", error });
    }
  }

  #route(datagram: Datagram): void {
    // One reader, reset per packet: the receive path allocates no reader. A
    // part that re-enters (a synchronous transport) gets its own.
    // Failures come back as plain records, not Errors: a flood of malformed
    // packets must cost little (an Error is ~800 bytes with its stack).
    const reader = this.#routing ? new MessageReader(new Uint8Array(12)) : this.#reader;
    let failure = reader.tryReset(datagram.data);
    if (failure !== undefined) return this.#dropMalformed(datagram, failure);
    const reason = this.#ingress.check(reader, datagram);
    if (reason !== undefined) return this.#drop(reason, datagram);
    // All or nothing: everything a part may read is validated before the
    // first part sees the packet, so no packet is ever half applied.
    if (!this.#validated.has(datagram.data)) {
      failure = reader.tryValidate();
      if (failure !== undefined) return this.#dropMalformed(datagram, failure);
      this.#validated.remember(datagram.data);
    }
    const outer = this.#routing;
    this.#routing = true;
    try {
      if (reader.isResponse) {
        this.#response(reader, datagram);
      } else {
        this.#stats.queries++;
        for (const part of this.#parts) this.#call(part.onQuery, part, reader, datagram);
      }
    } finally {
      this.#routing = outer;
    }
  }

  // RFC order: conflicts are judged against what we publish before the
  // response changes the peer cache; the querier then sees the cache updated.
  // A unicast response is cached only when a part asked for it (RFC 6762 §6);
  // its conflicts are judged first all the same (a defender answers our QU
  // probe by unicast, §8.1).
  #response(reader: MessageReader, datagram: Datagram): void {
    for (const part of this.#parts) this.#call(part.beforeCache, part, reader, datagram);
    if (datagram.unicast && !this.#parts.some((p) => this.#asks(p, reader, datagram))) {
      return this.#drop("unsolicited-unicast", datagram);
    }
    this.#stats.responses++;
    try {
      this.#options.peerCache.insertMessage(reader.reset(datagram.data), {
        interfaceName: datagram.interfaceName,
        now: this.#options.now(),
      });
    } catch (error) {
      this.#options.report({ type: "error", error });
    }
    for (const part of this.#parts) this.#call(part.afterCache, part, reader, datagram);
    this.#options.wake();
  }

  #asks(part: StackPart, reader: MessageReader, datagram: Datagram): boolean {
    if (part.expectsUnicast === undefined) return false;
    try {
      return part.expectsUnicast(reader.reset(datagram.data), datagram);
    } catch (error) {
      this.#options.report({ type: "error", error });
      return false;
    }
  }

  #call(
    hook: ((reader: MessageReader, datagram: Datagram) => void) | undefined,
    part: StackPart,
    reader: MessageReader,
    datagram: Datagram,
  ): void {
    if (hook === undefined) return;
    try {
      hook.call(part, reader.reset(datagram.data), datagram);
    } catch (error) {
      // A validated packet cannot raise a parse error: whatever a part
      // throws is a bug in the part, reported and isolated.
      this.#options.report({ type: "error", error });
    }
  }

  /** Tells the filters and every part that a link changed (one turn). */
  linkEvent(event: LinkEvent): void {
    this.#options.parts.turn(() => this.#linkEvent(event));
  }

  #linkEvent(event: LinkEvent): void {
    const name = event.link.name;
    this.#ingress.forget(name); // a link that comes back up may carry new addresses
    // What we heard on a link that is gone (or down) tells nothing about it
    // any more (RFC 6762 §10.3: records are only valid on their link). A link
    // left with no address is down too: that is how Deno shows a link going
    // down when it cannot read the interface flags (no FFI).
    if (event.type === "link-removed" || event.type === "link-down" || lostEveryAddress(event)) {
      this.#options.peerCache.dropLink(name);
    }
    for (const part of this.#parts) {
      try {
        part.onLinkEvent?.(event);
      } catch (error) {
        this.#options.report({ type: "error", error });
      }
    }
    this.#options.wake();
  }

  #dropMalformed(datagram: Datagram, failure: ParseFailure): void {
    this.#stats.malformed++;
    this.#options.report(new MalformedDrop(datagram, failure));
  }

  #drop(reason: DropReason, datagram: Datagram): void {
    this.#stats[DROP_COUNTERS[reason]]++;
    this.#options.report({
      type: "dropped",
      reason,
      interfaceName: datagram.interfaceName,
      source: scopedSource(datagram),
    });
  }
}

// The "dropped" event of a malformed packet: its typed `DnsParseError` (with
// the offset and reason) is built only when a listener reads `error`.
class MalformedDrop {
  readonly type = "dropped";
  readonly reason = "malformed";
  readonly interfaceName: string;
  readonly source: string;
  #failure: ParseFailure;
  #error: DnsParseError | undefined;

  constructor(datagram: Datagram, failure: ParseFailure) {
    this.interfaceName = datagram.interfaceName;
    this.source = scopedSource(datagram);
    this.#failure = failure;
  }

  get error(): DnsParseError {
    return this.#error ??= new DnsParseError(this.#failure.reason, this.#failure.offset);
  }
}

/**
 * The last packet found valid, past its ID, in a buffer reused from packet
 * to packet: a flood (or a querier's repeats) sends one packet again and
 * again, and the same bytes are valid again. A compare is a fraction of a
 * validation, and no copy is allocated per packet; the buffer grows to the
 * largest valid datagram heard (a UDP datagram: under 64 KiB) and no further.
 */
class LastPacket {
  #bytes = new Uint8Array(512);
  #length = -1;

  has(packet: Uint8Array): boolean {
    const n = packet.length;
    if (n !== this.#length) return false;
    const bytes = this.#bytes;
    for (let i = 2; i < n; i++) if (bytes[i] !== packet[i]) return false;
    return true;
  }

  remember(packet: Uint8Array): void {
    if (packet.length > this.#bytes.length) {
      this.#bytes = new Uint8Array(Math.max(packet.length, this.#bytes.length * 2));
    }
    this.#bytes.set(packet);
    this.#length = packet.length;
  }
}

function lostEveryAddress(event: LinkEvent): boolean {
  return event.type === "link-changed" && event.link.ipv4.length === 0 &&
    event.link.ipv6.length === 0;
}

const DROP_COUNTERS = {
  "malformed": "malformed",
  "opcode": "opcode",
  "rcode": "rcode",
  "source-port": "sourcePort",
  "off-link": "offLink",
  "unsolicited-unicast": "unsolicitedUnicast",
} as const satisfies Record<DropReason, keyof PipelineStats>;
