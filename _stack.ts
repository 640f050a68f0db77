/**
 * The running stack behind the `Mdns` façade: what it owns and how
 * it starts and stops. It owns the transport, the clock, the randomness, the
 * event hook, the one list of parts, the scheduler that runs their deadlines,
 * both caches and the pipeline that routes each datagram and link event to
 * the parts. It opens the transport (`start`), hands each part the narrow
 * {@linkcode PartContext} it is built from (`addPart`), and closes in order
 * (`close`): the parts send their last packets (goodbyes) within
 * {@linkcode CLOSE_GRACE_MS}, then the scheduler stops, then the transport
 * closes. A part's send works while the stack closes and never after.
 *
 * It knows no part by name: `mdns.ts` builds the responder and the querier
 * on it and holds the public API (publish, browse, resolve, the lookups, the
 * read-only cache views, the counters), so this file is the lifecycle and
 * that one the façade.
 *
 * Internal: `mdns.ts` owns one per `Mdns`; not exported from `mod.ts`.
 *
 * @module
 */

import { type Clock, type Random, systemClock, systemRandom, type Timer } from "./clock.ts";
import { Scheduler } from "./_scheduler.ts";
import { StackParts } from "./_stack_parts.ts";
import { LocalServiceCache } from "./cache/local_cache.ts";
import { PeerServiceCache } from "./cache/peer_cache.ts";
import { Pipeline, type PipelineStats } from "./_pipeline.ts";
import { CLOSE_GRACE_MS, type PartContext, type StackPart } from "./stack_part.ts";
import type { MdnsEvent, MdnsOptions } from "./mdns_options.ts";
import type { Destination, NetworkLink, Transport, TransportEvent } from "./transport/transport.ts";
import { UdpTransport } from "./transport/udp_transport.ts";

type State = "open" | "closing" | "closed";

/** One stack's transport, parts, scheduler, caches and pipeline, from start to close. */
export class Stack {
  /** The stack's clock: the only time its parts and its views read. */
  readonly clock: Clock;
  /** What the stack heard: filled only by its pipeline. */
  readonly peerCache: PeerServiceCache;
  /** What the stack publishes: filled only by its responder. */
  readonly localCache: LocalServiceCache;
  #transport: Transport;
  #random: Random;
  #onEvent: (event: MdnsEvent) => void;
  #parts: StackParts;
  #scheduler: Scheduler;
  #pipeline: Pipeline;
  #context: PartContext;
  #state: State = "open";
  #closing: Promise<void> | undefined;

  /** Builds the stack from `options`; nothing is opened before {@linkcode Stack.start}. */
  constructor(options: MdnsOptions) {
    this.#transport = options.transport ?? new UdpTransport();
    this.clock = options.clock ?? systemClock;
    this.#random = options.random ?? systemRandom;
    this.#onEvent = options.onEvent ?? (() => {});
    const reportError = (error: unknown) => this.report({ type: "error", error });
    this.#parts = new StackParts(reportError);
    // The caches are the stack's own: filled only by its pipeline and its
    // responder, seen from outside through read-only views on its clock.
    this.peerCache = new PeerServiceCache({
      random: this.#random,
      maxBytes: options.maxPeerCacheBytes,
    });
    this.localCache = new LocalServiceCache({ maxBytes: options.maxLocalCacheBytes });
    // The peer cache's own timer: expiry. Its refresh points belong to the
    // querier, which asks for them (RFC 6762 §5.2): one owner per deadline.
    this.#parts.add({
      nextDeadline: () => this.peerCache.nextExpiry(),
      run: (now) => void this.peerCache.expire(now),
    });
    this.#scheduler = new Scheduler(this.clock, this.#parts.list, {
      onError: reportError,
      turn: (work) => this.#parts.turn(work),
    });
    this.#pipeline = new Pipeline({
      parts: this.#parts,
      peerCache: this.peerCache,
      now: () => this.clock.now(),
      links: () => this.#transport.links,
      report: (event) => this.report(event),
      wake: () => this.#scheduler.wake(),
    });
    this.#context = {
      clock: this.clock,
      random: this.#random,
      send: (data, to) => this.#send(data, to),
      links: () => this.#transport.links,
      wake: () => this.#scheduler.wake(),
      inTurn: () => this.#parts.inTurn(),
    };
  }

  /** Opens the transport's sockets and begins routing; rejects with the transport's error. */
  async start(): Promise<void> {
    await this.#transport.start({
      onDatagram: (d) => {
        if (this.#state !== "closed") this.#pipeline.receive(d);
      },
      onEvent: (e) => this.#transportEvent(e),
    });
  }

  /** Adds a part built from the stack's context; it is routed and scheduled from now on. */
  addPart<P extends StackPart>(build: (context: PartContext) => P): P {
    const part = this.#parts.add(build(this.#context));
    this.#scheduler.wake(); // the scheduler reads the same list: re-arm for the new part
    return part;
  }

  /** A snapshot of the pipeline's counters. */
  get stats(): PipelineStats {
    return this.#pipeline.stats;
  }

  /** The links the transport currently uses. */
  get links(): readonly NetworkLink[] {
    return this.#transport.links;
  }

  /** Hands an event to the user's hook; a throwing hook is ignored. */
  report(event: MdnsEvent): void {
    try {
      this.#onEvent(event);
    } catch {
      // A throwing listener must not take the receive path down with it.
    }
  }

  /** Closes in order (parts' last packets, scheduler, transport); a second call shares the first. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  #send(data: Uint8Array, to: Destination): Promise<boolean> {
    // Parts may send while the stack closes (goodbyes), never after.
    if (this.#state === "closed") return Promise.resolve(false);
    return this.#transport.send(data, to);
  }

  #transportEvent(event: TransportEvent): void {
    if (event.type !== "send-error" && event.type !== "receive-error") {
      this.#pipeline.linkEvent(event);
    }
    this.report({ type: "transport", event });
  }

  async #close(): Promise<void> {
    this.#state = "closing";
    const last = Promise.allSettled(this.#parts.list.map((part) => part.close?.()));
    let timer: Timer | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = this.clock.setTimer(CLOSE_GRACE_MS, resolve);
    });
    await Promise.race([last, grace]);
    timer?.cancel();
    this.#state = "closed";
    this.#scheduler.close();
    await this.#transport.close();
  }
}
