/**
 * Read-only views of a stack's two caches, as `Mdns` hands them out
 * (`mdns.peerCache`, `mdns.localCache`): lookups, watches, subscriptions and
 * sizes, on the stack's own clock, so a cache-only lookup needs no `now` and
 * cannot pass a wrong one. Writes go only through the stack: what is heard
 * through its receive pipeline, what is published through `publish()` (whose
 * records are probed and announced, RFC 6762 §8). The one exception is
 * {@linkcode PeerCacheView.clear}, the NetX seed's `nx_mdns_peer_cache_clear`
 * (seeds/004), which also ends the running browses.
 *
 * The standalone {@linkcode PeerServiceCache} and {@linkcode LocalServiceCache}
 * stay writable for code that builds its own stack.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { LocalService, LocalServiceCache } from "./local_cache.ts";
import type { LocalRecord } from "./local_record.ts";
import type { PeerServiceCache } from "./peer_cache.ts";
import type { PeerCacheEvent, PeerLookupOptions } from "./peer_cache_options.ts";
import type { PeerRecord } from "./peer_record.ts";
import type { PeerWatch, PeerWatchOptions } from "./peer_watch.ts";
import type { ServiceInfo } from "./service_info.ts";
import type { ServiceLookupOptions } from "./service_lookup.ts";

/**
 * Options of the view's cache-only service lookups: the stack supplies the
 * time and its own services.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ViewLookupOptions } from "./cache_view.ts";
 * const options: ViewLookupOptions = { completeOnly: true, interfaceName: "eth0" };
 * assert.equal(options.completeOnly, true);
 * ```
 */
export type ViewLookupOptions = Omit<ServiceLookupOptions, "now" | "localCache">;

/**
 * What a stack heard from the network, read-only and on the stack's clock:
 * expired records never show, and the cache-only service lookups list the
 * stack's own services too (`local: true`), as seed 004's lookups search the
 * local service cache first.
 *
 * @example On the in-memory network: what another stack announced
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mdns } from "../mdns.ts";
 * import { MemoryNetwork, VirtualClock } from "../testing/mod.ts";
 * const clock = new VirtualClock();
 * const network = new MemoryNetwork({ clock });
 * const lan = (name: string, ipv4: string) =>
 *   network.host(name, { interfaces: [{ name: "eth0", link: "lan", ipv4 }] });
 * await using printer = await Mdns.start({
 *   transport: lan("p", "198.18.0.7/24"), clock, hostName: "printer.local",
 * });
 * await using mdns = await Mdns.start({
 *   transport: lan("a", "198.18.0.2/24"), clock, maxPeerCacheBytes: 64 * 1024,
 * });
 * const published = printer.publish({ name: "Ink", type: "_ipp._tcp", port: 631 });
 * await clock.advanceAsync(3000); // probed and announced (RFC 6762 §8)
 * await published;
 * const [ink] = mdns.peerCache.lookupServices("_ipp._tcp");
 * assert.equal(ink.fullName, "Ink._ipp._tcp.local");
 * assert.equal(ink.complete, true);
 * assert.equal(mdns.peerCache.lookup("printer.local", 1)[0].data, "198.18.0.7");
 * assert.equal(mdns.peerCache.capacity, 64 * 1024);
 * assert.equal("insertRecord" in mdns.peerCache, false); // no way in but the network
 * ```
 */
export class PeerCacheView {
  #cache: PeerServiceCache;
  #clock: Clock;
  #local: LocalServiceCache | undefined;

  /** A view of `cache` at `clock`'s time, listing `local`'s services in service lookups. */
  constructor(cache: PeerServiceCache, clock: Clock, local?: LocalServiceCache) {
    this.#cache = cache;
    this.#clock = clock;
    this.#local = local;
  }

  /** Records held. */
  get size(): number {
    return this.#cache.size;
  }
  /** Bytes counted: records, names and eviction bookkeeping. */
  get bytes(): number {
    return this.#cache.bytes;
  }
  /** The byte budget (`MdnsOptions.maxPeerCacheBytes`). */
  get capacity(): number {
    return this.#cache.capacity;
  }
  /** Records evicted for lack of room so far (`removed` events with reason `evicted`). */
  get evictions(): number {
    return this.#cache.evictions;
  }
  /** New records turned away for lack of room so far. */
  get rejections(): number {
    return this.#cache.rejections;
  }

  /** Live records at `name` of `type` (every type for `RecordType.ANY`), any case. */
  lookup(name: string, type: number, options?: Omit<PeerLookupOptions, "now">): PeerRecord[] {
    return this.#cache.lookup(name, type, { ...options, now: this.#clock.now() });
  }

  /**
   * True when a live NSEC says `name` has no record of `type` (RFC 6762 §6.1)
   * and no such record is cached.
   */
  isKnownAbsent(name: string, type: number, options?: Omit<PeerLookupOptions, "now">): boolean {
    return this.#cache.isKnownAbsent(name, type, { ...options, now: this.#clock.now() });
  }

  /** The services of a type the caches hold, ours first (the seed's cache-only lookup). */
  lookupServices(serviceType: string, options?: ViewLookupOptions): ServiceInfo[] {
    return this.#cache.lookupServices(serviceType, this.#lookupOptions(options));
  }

  /** One service instance as far as the caches know it, one result per interface. */
  resolveService(fullName: string, options?: ViewLookupOptions): ServiceInfo[] {
    return this.#cache.resolveService(fullName, this.#lookupOptions(options));
  }

  /** Every live record. */
  *records(): IterableIterator<PeerRecord> {
    const now = this.#clock.now();
    for (const r of this.#cache.records()) if (r.remainingTtl(now) > 0) yield r;
  }

  /**
   * Calls `listener` synchronously for every change. A listener must not throw.
   *
   * @returns A function that unsubscribes.
   */
  subscribe(listener: (event: PeerCacheEvent) => void): () => void {
    return this.#cache.subscribe(listener);
  }

  /**
   * Watches one name (any case), optionally one type and one interface. A
   * view's watch only listens: it never makes the stack ask the network to
   * refresh what it watches (`refresh` is false); a browse or lookup does.
   */
  watch(
    name: string,
    listener: (event: PeerCacheEvent) => void,
    options?: Omit<PeerWatchOptions, "refresh">,
  ): PeerWatch {
    return this.#cache.watch(name, listener, {
      ...options,
      refresh: false,
      now: this.#clock.now(),
    });
  }

  /**
   * Forgets what was heard (every record, or those of one interface), with
   * `cleared` events; a full clear ends the running browses (endReason
   * `cleared`), as the seed's `nx_mdns_peer_cache_clear` stops continuous
   * queries.
   *
   * @returns How many records were removed.
   */
  clear(options?: { interfaceName?: string }): number {
    return this.#cache.clear(options);
  }

  #lookupOptions(options: ViewLookupOptions | undefined): ServiceLookupOptions {
    return { ...options, now: this.#clock.now(), localCache: this.#local };
  }
}

/**
 * One of a stack's records as its {@linkcode LocalCacheView} shows it: the
 * {@linkcode LocalRecord} without the methods the responder moves it with
 * (`setState`, `countAnnouncement`, `markMulticast`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ReadonlyLocalRecord } from "./cache_view.ts";
 * import { LocalRecord } from "./local_record.ts";
 * const r: ReadonlyLocalRecord = new LocalRecord(
 *   { name: "box.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" },
 * );
 * assert.equal(r.state, "probing");
 * assert.equal("setState" in r && typeof r.setState, "function"); // there, but not in the type
 * ```
 */
export type ReadonlyLocalRecord = Omit<
  LocalRecord,
  "setState" | "countAnnouncement" | "markMulticast"
>;

/**
 * One of a stack's services as its {@linkcode LocalCacheView} shows it: its
 * records are {@linkcode ReadonlyLocalRecord}s.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ReadonlyLocalService } from "./cache_view.ts";
 * const s: Pick<ReadonlyLocalService, "name" | "records"> = { name: "Den", records: [] };
 * assert.equal(s.records.length, 0);
 * ```
 */
export type ReadonlyLocalService = Omit<LocalService, "records"> & {
  /** Its records: PTR, subtype PTRs, SRV, TXT, NSEC, and the shared `_services` PTR. */
  readonly records: readonly ReadonlyLocalRecord[];
};

/**
 * What a stack publishes, read-only: its services and records as the
 * responder holds them (records still `probing` are not answered yet). To
 * change what is published, use `publish()` and its handle.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mdns } from "../mdns.ts";
 * import { MemoryNetwork, VirtualClock } from "../testing/mod.ts";
 * const clock = new VirtualClock();
 * const host = new MemoryNetwork({ clock }).host("a", {
 *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
 * });
 * await using mdns = await Mdns.start({ transport: host, clock, hostName: "box.local" });
 * const published = mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
 * await clock.advanceAsync(1000);
 * await published;
 * const [den] = mdns.localCache.services();
 * assert.equal(den.fullName, "Den._http._tcp.local");
 * assert.equal(mdns.localCache.getService("den._http._tcp.local")?.port, 80);
 * assert.ok(mdns.localCache.lookup("box.local", 1).length > 0);
 * assert.equal("addService" in mdns.localCache, false); // publish() is the way in
 * ```
 */
export class LocalCacheView {
  #cache: LocalServiceCache;

  /** A view of `cache`. */
  constructor(cache: LocalServiceCache) {
    this.#cache = cache;
  }

  /** Records held (those awaiting a goodbye included). */
  get size(): number {
    return this.#cache.size;
  }
  /** Bytes counted: records plus names. */
  get bytes(): number {
    return this.#cache.bytes;
  }
  /** The byte budget (`MdnsOptions.maxLocalCacheBytes`). */
  get capacity(): number {
    return this.#cache.capacity;
  }

  /** A published service by full name (any case). */
  getService(fullName: string): ReadonlyLocalService | undefined {
    return this.#cache.getService(fullName);
  }

  /** Every published service. */
  services(): ReadonlyLocalService[] {
    return this.#cache.services();
  }

  /** Our records at `name` of `type` (every type for `RecordType.ANY`), any case. */
  lookup(
    name: string,
    type: number,
    options?: { interfaceName?: string },
  ): ReadonlyLocalRecord[] {
    return this.#cache.lookup(name, type, options);
  }

  /** Every record. */
  records(): ReadonlyLocalRecord[] {
    return this.#cache.records();
  }

  /**
   * Calls `listener` with the owner name of every change (added, state,
   * removed).
   *
   * @returns A function that unsubscribes.
   */
  subscribe(listener: (name: string) => void): () => void {
    return this.#cache.onChange(listener);
  }
}
