/**
 * The stack's public face: {@linkcode Mdns} publishes, browses, resolves and
 * looks up, and shows both caches read-only and the counters. It builds its
 * two parts, the responder and the querier, on a private `Stack` (`_stack.ts`:
 * the transport, clock, scheduler, caches and pipeline, from start to close),
 * handing each only the narrow pieces it needs (a {@linkcode PartContext}),
 * never itself, and delegates every call to one of them. Nothing the network
 * sends can make it throw.
 *
 * @module
 */

import { Stack } from "./_stack.ts";
import { LocalCacheView, PeerCacheView } from "./cache/cache_view.ts";
import type { PartContext, StackPart } from "./stack_part.ts";
import type { MdnsOptions, MdnsStats } from "./mdns_options.ts";
import type { NetworkLink } from "./transport/transport.ts";
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

/** Each façade's stack, for {@linkcode addPart}. */
const stacks = new WeakMap<Mdns, Stack>();

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
  return stacks.get(mdns)!.addPart(build);
}

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
  #stack: Stack;
  #peerView: PeerCacheView;
  #localView: LocalCacheView;
  #responder: Responder;
  #querier: Querier;

  private constructor(options: MdnsOptions) {
    const stack = new Stack(options);
    this.#stack = stack;
    stacks.set(this, stack);
    this.#peerView = new PeerCacheView(stack.peerCache, stack.clock, stack.localCache);
    this.#localView = new LocalCacheView(stack.localCache);
    this.#responder = stack.addPart((context) =>
      new Responder({
        ...context,
        localCache: stack.localCache,
        hostName: options.hostName ?? defaultHostName,
        legacyQueryRate: options.legacyQueryRate,
        onHostRenamed: (from, host) => stack.report({ type: "host-renamed", from, host }),
      })
    );
    this.#querier = stack.addPart(
      (context) =>
        new Querier({
          ...context,
          peerCache: stack.peerCache,
          localCache: stack.localCache,
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
    await mdns.#stack.start();
    return mdns;
  }

  /** A snapshot of the counters. */
  get stats(): MdnsStats {
    return { ...this.#stack.stats, legacyLimited: this.#responder.legacyLimited };
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
    return this.#stack.links;
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

  /**
   * Lets every part send its last packets (goodbyes for what we publish),
   * waiting at most {@linkcode CLOSE_GRACE_MS}, then stops the scheduler and
   * closes the transport. Safe to call twice; both calls settle together.
   */
  close(): Promise<void> {
    return this.#stack.close();
  }

  /** Same as {@linkcode Mdns.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
