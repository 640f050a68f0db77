/**
 * The stack: owns the transport, the clock, the scheduler and both caches,
 * filters every datagram (RFC 6762's ingress rules), and routes what is left
 * one way to its parts in RFC order. It hands each part the narrow pieces it
 * needs (a {@linkcode PartContext}), never itself. Nothing the network sends
 * can make it throw.
 *
 * @module
 */

import { type Clock, type Random, systemClock, systemRandom, type Timer } from "./clock.ts";
import { Scheduler } from "./_scheduler.ts";
import { StackParts } from "./_stack_parts.ts";
import { LocalServiceCache } from "./cache/local_cache.ts";
import { PeerServiceCache } from "./cache/peer_cache.ts";
import { LocalCacheView, PeerCacheView } from "./cache/cache_view.ts";
import { Pipeline } from "./_pipeline.ts";
import { CLOSE_GRACE_MS, type PartContext, type StackPart } from "./stack_part.ts";
import type { MdnsEvent, MdnsOptions, MdnsStats } from "./mdns_options.ts";
import type { Destination, NetworkLink, Transport, TransportEvent } from "./transport/transport.ts";
import { UdpTransport } from "./transport/udp_transport.ts";
import { Responder } from "./responder/_responder.ts";
import { defaultHostName } from "./responder/_host_name.ts";
import type { PublishedService, PublishOptions } from "./responder/publish_options.ts";
import { Querier } from "./querier/_querier.ts";
import type { ServiceAddress, ServiceInfo } from "./cache/service_info.ts";
import type {
  BrowseEvent,
  BrowseOptions,
  Browser,
  LookupAddressOptions,
  LookupHostOptions,
  ResolveOptions,
  ServiceRef,
  ServiceTypeEvent,
  ServiceTypeInfo,
} from "./querier/types.ts";

export type { DropReason, MdnsEvent, MdnsOptions, MdnsStats } from "./mdns_options.ts";

/** Each stack's parts and the context they are built from, for {@linkcode addPart}. */
const stacks = new WeakMap<Mdns, { parts: StackParts; context: PartContext; wake(): void }>();

/**
 * Adds a part to a stack, built from the stack's context (clock, random,
 * send, links, wake): how the responder and the querier join, and how tests
 * watch the pipeline. Internal: not exported from `mod.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addPart, Mdns } from "./mdns.ts";
 * import { MemoryNetwork, VirtualClock } from "./testing/mod.ts";
 * const host = new MemoryNetwork({ clock: new VirtualClock() }).host("a", {
 *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
 * });
 * await using mdns = await Mdns.start({ transport: host });
 * const part = addPart(mdns, (context) => ({ context, onQuery() {} }));
 * assert.equal(part.context.links()[0].name, "eth0");
 * ```
 */
export function addPart<P extends StackPart>(
  mdns: Mdns,
  build: (context: PartContext) => P,
): P {
  const stack = stacks.get(mdns)!;
  const part = stack.parts.add(build(stack.context));
  stack.wake(); // the scheduler reads the same list: re-arm for the new part
  return part;
}

type State = "open" | "closing" | "closed";

/**
 * The mDNS stack over one transport.
 *
 * @example Routing on the in-memory network
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mdns } from "./mdns.ts";
 * import { MemoryNetwork, VirtualClock } from "./testing/mod.ts";
 * const clock = new VirtualClock();
 * const network = new MemoryNetwork({ clock });
 * const host = network.host("a", { interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }] });
 * await using mdns = await Mdns.start({ transport: host, clock });
 * assert.equal(mdns.stats.received, 0);
 * assert.deepEqual(mdns.links.map((l) => l.name), ["eth0"]);
 * ```
 */
export class Mdns implements AsyncDisposable {
  #transport: Transport;
  #clock: Clock;
  #random: Random;
  #onEvent: (event: MdnsEvent) => void;
  #scheduler: Scheduler;
  #parts: StackParts;
  #peerCache: PeerServiceCache;
  #localCache: LocalServiceCache;
  #peerView: PeerCacheView;
  #localView: LocalCacheView;
  #pipeline: Pipeline;
  #responder: Responder;
  #state: State = "open";
  #closing: Promise<void> | undefined;
  #querier: Querier;

  private constructor(options: MdnsOptions) {
    this.#transport = options.transport ?? new UdpTransport();
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? systemRandom;
    this.#onEvent = options.onEvent ?? (() => {});
    const reportError = (error: unknown) => this.#report({ type: "error", error });
    this.#parts = new StackParts(reportError);
    // The caches are the stack's own: filled only by its pipeline and its
    // responder, seen from outside through read-only views on its clock.
    this.#peerCache = new PeerServiceCache({
      random: this.#random,
      maxBytes: options.maxPeerCacheBytes,
    });
    this.#localCache = new LocalServiceCache({ maxBytes: options.maxLocalCacheBytes });
    this.#peerView = new PeerCacheView(this.#peerCache, this.#clock, this.#localCache);
    this.#localView = new LocalCacheView(this.#localCache);
    // The peer cache's own timer: expiry. Its refresh points belong to the
    // querier, which asks for them (RFC 6762 §5.2): one owner per deadline.
    this.#parts.add({
      nextDeadline: () => this.#peerCache.nextExpiry(),
      run: (now) => void this.#peerCache.expire(now),
    });
    this.#scheduler = new Scheduler(this.#clock, this.#parts.list, {
      onError: reportError,
      turn: (work) => this.#parts.turn(work),
    });
    this.#pipeline = new Pipeline({
      parts: this.#parts,
      peerCache: this.#peerCache,
      now: () => this.#clock.now(),
      links: () => this.#transport.links,
      report: (event) => this.#report(event),
      wake: () => this.#scheduler.wake(),
    });
    const context: PartContext = {
      clock: this.#clock,
      random: this.#random,
      send: (data, to) => this.#send(data, to),
      links: () => this.#transport.links,
      wake: () => this.#scheduler.wake(),
      inTurn: () => this.#parts.inTurn(),
    };
    stacks.set(this, { parts: this.#parts, context, wake: context.wake });
    this.#responder = addPart(this, (context) =>
      new Responder({
        ...context,
        localCache: this.#localCache,
        hostName: options.hostName ?? defaultHostName,
        onHostRenamed: (from, host) => this.#report({ type: "host-renamed", from, host }),
      }));
    this.#querier = addPart(
      this,
      (context) =>
        new Querier({
          ...context,
          peerCache: this.#peerCache,
          localCache: this.#localCache,
          unicastFirstQuery: options.unicastFirstQuery,
        }),
    );
  }

  /**
   * Browses a service type (`_http._tcp`): an async iterable of `added`,
   * `updated` and `removed` events; with no type, the service types on the
   * network. Services already in the peer cache, and the ones this stack
   * publishes (`local: true`), come first, before any packet is sent. See
   * {@linkcode BrowseEvent} for when a service counts as removed and
   * {@linkcode BrowseOptions} for the bounded buffer.
   *
   * @throws {TypeError} When `type` is not a service type.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Mdns } from "./mdns.ts";
   * import { MemoryNetwork, VirtualClock } from "./testing/mod.ts";
   * const clock = new VirtualClock();
   * const host = new MemoryNetwork({ clock }).host("a", {
   *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
   * });
   * await using mdns = await Mdns.start({ transport: host, clock });
   * const controller = new AbortController();
   * const browser = mdns.browse("_http._tcp", { signal: controller.signal });
   * controller.abort();
   * for await (const _ of browser) assert.fail("nothing was published");
   * assert.equal(browser.endReason, "aborted");
   * ```
   */
  browse(type: string, options?: BrowseOptions): Browser<BrowseEvent>;
  /**
   * Browses the service types on the network (RFC 6763 §9:
   * `_services._dns-sd._udp.local`): `added` and `removed` per type.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Mdns } from "./mdns.ts";
   * import { MemoryNetwork, VirtualClock } from "./testing/mod.ts";
   * import { encodeMessage } from "./codec/mod.ts";
   * const clock = new VirtualClock();
   * const network = new MemoryNetwork({ clock });
   * const host = network.host("a", {
   *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
   * });
   * await using mdns = await Mdns.start({ transport: host, clock });
   * // A response from 198.18.0.7, as the network brings it: the stack's cache
   * // is filled only by what it hears (and shows it through a read-only view).
   * network.inject("a", {
   *   source: { address: "198.18.0.7" },
   *   data: encodeMessage({
   *     id: 0, flags: 0x8400, questions: [], authorities: [], additionals: [],
   *     answers: [{
   *      name: "_services._dns-sd._udp.local", type: 12, class: 1, cacheFlush: false, ttl: 4500,
   *      data: "_ipp._tcp.local",
   *    }],
   *   }),
   * });
   * const types = mdns.browse()[Symbol.asyncIterator]();
   * const { value } = await types.next();
   * assert.equal(value.serviceType, "_ipp._tcp");
   * await types.return!();
   * ```
   */
  browse(type?: undefined, options?: BrowseOptions): Browser<ServiceTypeEvent, ServiceTypeInfo>;
  browse(
    type?: string,
    options?: BrowseOptions,
  ): Browser<BrowseEvent> | Browser<ServiceTypeEvent, ServiceTypeInfo> {
    return type === undefined
      ? this.#querier.browse(undefined, options)
      : this.#querier.browse(type, options);
  }

  /**
   * Resolves one service instance, by full name (`Living Room._http._tcp.local`)
   * or by its parts (`{ name: "Mr. Printer", type: "_ipp._tcp" }`, where a dot
   * is part of the label): our own from the local cache (`local: true`), else
   * from the peer cache when complete there, otherwise by asking until the
   * first complete answer. With `{ type }` alone it returns the first complete
   * service of that type (the NetX seed's one-shot query by type).
   *
   * Rejects (never throws) with a `TypeError` or `RangeError` for a bad name
   * or option; with `ResolveError` (its `fullName` names the service, its
   * `missing` says what never came) at the timeout (default 3000 ms), or
   * (`reason` "closed") after `close()`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Mdns } from "./mdns.ts";
   * import { MemoryNetwork, VirtualClock } from "./testing/mod.ts";
   * const clock = new VirtualClock();
   * const host = new MemoryNetwork({ clock }).host("a", {
   *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
   * });
   * await using mdns = await Mdns.start({ transport: host, clock });
   * const pending = mdns.resolve({ name: "Mr. Printer", type: "_ipp._tcp" }, { timeout: 1000 });
   * const failed = assert.rejects(pending, {
   *   name: "ResolveError",
   *   fullName: "Mr\\. Printer._ipp._tcp.local",
   * });
   * await clock.advanceAsync(1000);
   * await failed;
   * await assert.rejects(mdns.resolve("bad"), TypeError);
   * ```
   */
  resolve(service: string | ServiceRef, options?: ResolveOptions): Promise<ServiceInfo> {
    return this.#querier.resolve(service, options);
  }

  /**
   * The addresses of a `.local` host (A and AAAA, or one `family`), each
   * with its link (our own host name answered from the local cache, `local:
   * true`); rejects with `LookupError` at the timeout. With both families
   * asked, the first address waits up to 100 ms for the other family (or an
   * NSEC saying there is none).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Mdns } from "./mdns.ts";
   * import { MemoryNetwork, VirtualClock } from "./testing/mod.ts";
   * import { encodeMessage } from "./codec/mod.ts";
   * const network = new MemoryNetwork({ clock: new VirtualClock() });
   * const host = network.host("a", {
   *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
   * });
   * await using mdns = await Mdns.start({ transport: host });
   * // A response from 198.18.0.7, as the network brings it: the stack's cache
   * // is filled only by what it hears (and shows it through a read-only view).
   * network.inject("a", {
   *   source: { address: "198.18.0.7" },
   *   data: encodeMessage({
   *     id: 0, flags: 0x8400, questions: [], authorities: [], additionals: [],
   *     answers: [{
   *      name: "box.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.7",
   *    }],
   *   }),
   * });
   * const [address] = await mdns.lookupHost("box.local");
   * assert.equal(address.address, "198.18.0.7");
   * ```
   */
  lookupHost(name: string, options?: LookupHostOptions): Promise<ServiceAddress[]> {
    return this.#querier.lookupHost(name, options);
  }

  /**
   * The host names of an address, by reverse lookup (`in-addr.arpa` /
   * `ip6.arpa` PTR); rejects with `LookupError` at the timeout.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Mdns } from "./mdns.ts";
   * import { MemoryNetwork, VirtualClock } from "./testing/mod.ts";
   * import { encodeMessage } from "./codec/mod.ts";
   * const network = new MemoryNetwork({ clock: new VirtualClock() });
   * const host = network.host("a", {
   *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
   * });
   * await using mdns = await Mdns.start({ transport: host });
   * // A response from 198.18.0.7, as the network brings it: the stack's cache
   * // is filled only by what it hears (and shows it through a read-only view).
   * network.inject("a", {
   *   source: { address: "198.18.0.7" },
   *   data: encodeMessage({
   *     id: 0, flags: 0x8400, questions: [], authorities: [], additionals: [],
   *     answers: [{
   *      name: "7.0.18.198.in-addr.arpa", type: 12, class: 1, cacheFlush: true, ttl: 120,
   *      data: "box.local",
   *    }],
   *   }),
   * });
   * assert.deepEqual(await mdns.lookupAddress("198.18.0.7"), ["box.local"]);
   * ```
   */
  lookupAddress(ip: string, options?: LookupAddressOptions): Promise<string[]> {
    return this.#querier.lookupAddress(ip, options);
  }

  /**
   * Asks again for an instance's records and purges those nobody confirms
   * within ten seconds (RFC 6762 §10.4): for a service a user saw fail.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Mdns } from "./mdns.ts";
   * import { MemoryNetwork, VirtualClock } from "./testing/mod.ts";
   * import { encodeMessage } from "./codec/mod.ts";
   * const clock = new VirtualClock();
   * const network = new MemoryNetwork({ clock });
   * const host = network.host("a", {
   *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
   * });
   * await using mdns = await Mdns.start({ transport: host, clock });
   * // A response from 198.18.0.7, as the network brings it: the stack's cache
   * // is filled only by what it hears (and shows it through a read-only view).
   * network.inject("a", {
   *   source: { address: "198.18.0.7" },
   *   data: encodeMessage({
   *     id: 0, flags: 0x8400, questions: [], authorities: [], additionals: [],
   *     answers: [{
   *      name: "Den._http._tcp.local", type: 33, class: 1, cacheFlush: true, ttl: 120,
   *      data: { priority: 0, weight: 0, port: 80, target: "den.local" },
   *    }],
   *   }),
   * });
   * mdns.reconfirm("Den._http._tcp.local");
   * await clock.advanceAsync(10_000);
   * assert.equal(mdns.peerCache.size, 0);
   * ```
   */
  reconfirm(fullName: string): void {
    this.#querier.reconfirm(fullName);
  }

  /**
   * Starts a stack: opens the transport's sockets (by default a
   * {@linkcode UdpTransport} on every multicast-capable interface) and begins
   * routing. Rejects with the transport's error when mDNS cannot run.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Mdns } from "./mdns.ts";
   * import { MemoryNetwork, VirtualClock } from "./testing/mod.ts";
   * const host = new MemoryNetwork({ clock: new VirtualClock() }).host("a", {
   *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
   * });
   * const mdns = await Mdns.start({ transport: host });
   * assert.equal(mdns.peerCache.size, 0);
   * await mdns.close();
   * ```
   */
  static async start(options: MdnsOptions = {}): Promise<Mdns> {
    if (options === null || typeof options !== "object") {
      throw new TypeError("Cannot start mDNS: options must be an object");
    }
    const mdns = new Mdns(options);
    await mdns.#transport.start({
      onDatagram: (d) => {
        if (mdns.#state !== "closed") mdns.#pipeline.receive(d);
      },
      onEvent: (e) => mdns.#transportEvent(e),
    });
    return mdns;
  }

  /** A snapshot of the counters. */
  get stats(): MdnsStats {
    return this.#pipeline.stats;
  }
  /**
   * What this stack heard from the network (every response, asked for or
   * not), read-only and on the stack's clock (see {@linkcode PeerCacheView}).
   */
  get peerCache(): PeerCacheView {
    return this.#peerView;
  }
  /** What this stack publishes, read-only (see {@linkcode LocalCacheView}). */
  get localCache(): LocalCacheView {
    return this.#localView;
  }
  /** The links the transport currently uses. */
  get links(): readonly NetworkLink[] {
    return this.#transport.links;
  }

  /**
   * Publishes a service: probes its name (and the host name, the first
   * time), announces it, answers for it. Resolves once the name is ours,
   * after any rename (RFC 6762 §8, §9).
   *
   * @throws {TypeError} When an option is malformed (the promise rejects before anything is sent).
   * @throws {RangeError} When a value is out of range (port, label, TXT string).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Mdns } from "./mdns.ts";
   * import { MemoryNetwork, VirtualClock } from "./testing/mod.ts";
   * const clock = new VirtualClock();
   * const host = new MemoryNetwork({ clock }).host("a", {
   *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
   * });
   * await using mdns = await Mdns.start({ transport: host, clock, hostName: "box.local" });
   * const published = mdns.publish({ name: "Den", type: "_http._tcp", port: 8080 });
   * clock.advance(1000);
   * const service = await published;
   * assert.equal(service.fullName, "Den._http._tcp.local");
   * assert.equal(service.host, "box.local");
   * ```
   */
  publish(options: PublishOptions): Promise<PublishedService> {
    return this.#responder.publish(options);
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
    this.#report({ type: "transport", event });
  }

  #report(event: MdnsEvent): void {
    try {
      this.#onEvent(event);
    } catch {
      // A throwing listener must not take the receive path down with it.
    }
  }

  /**
   * Lets every part send its last packets (goodbyes for what we publish),
   * waiting at most {@linkcode CLOSE_GRACE_MS}, then stops the scheduler and
   * closes the transport. Safe to call twice; both calls settle together.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#state = "closing";
    const last = Promise.allSettled(this.#parts.list.map((part) => part.close?.()));
    let timer: Timer | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = this.#clock.setTimer(CLOSE_GRACE_MS, resolve);
    });
    await Promise.race([last, grace]);
    timer?.cancel();
    this.#state = "closed";
    this.#scheduler.close();
    await this.#transport.close();
  }

  /** Same as {@linkcode Mdns.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
