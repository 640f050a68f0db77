/**
 * The peer service cache: every record heard from the network, answered or
 * unsolicited (NetX Duo's peer cache, and the fix for the Go client of the
 * other seed that lost late replies).
 *
 * A record is identified by interface + name + type + class + canonical rdata
 * (names compared without regard to case, RFC 6762 §16). The cache applies
 * RFC 6762's rules as records arrive: cache-flush (§10.2), goodbyes (§10.1),
 * expiry at TTL, refresh points at 80-95 % of the TTL (§5.2), known answers
 * (§7.1) and NSEC negative entries (§6.1). It does no I/O and reads no clock:
 * every call that needs the time takes `now` (ms, from the stack's clock).
 *
 * Memory: the cache holds at most `maxBytes` of V8 heap, counted as the
 * records' bytes (see `PeerRecord.bytes`) plus its own structures: the
 * owner-name table (see `_interner.ts`), each record's slot in its name's
 * index, and a cost per eviction unit, a service or a host (see below and
 * `_eviction_units.ts`), with every `Map` slot counted as a table under churn
 * holds it (`MAP_SLOT_BYTES`): under a flood of fake instances the default 4
 * MiB is 3.6 MiB of heap (`bench/cache_memory.ts poison`).
 *
 * Eviction keeps whole services, because a service is useful only whole
 * (RFC 6763 §12: PTR, SRV, TXT and its host's addresses), and evicting single
 * records nearest expiry throws out every SRV and A (TTL 120 s) before any PTR
 * or TXT (4,500 s) and leaves no service whole. The policy (`_eviction.ts`):
 * - The unit is a service: an instance name's records with the PTRs that list
 *   it. Its host's addresses are shared by the host's services: they stay while
 *   a cached SRV targets the host and leave with the last such service. Other
 *   names (a host no SRV targets, a reverse PTR) are units of their own.
 * - What no running query needs goes first: a unit no watch covers, then one a
 *   query needs but that is incomplete, last a complete one; within each, the
 *   unit heard longest ago. Our own records are never touched: they live in the
 *   local cache, and the stack never puts its own echoes here.
 * - A newcomer evicts only units below the tier its own service reaches with
 *   it; a record no query needs takes free room only. So a full cache of
 *   complete services a browse needs keeps them, and what cannot fit is
 *   rejected (`"rejected"`), instead of pushing out a whole service whose
 *   follow-up queries would push out another, and so on.
 * - Not half kept: when a record is rejected, the rest of its incomplete service
 *   is evicted with it; an address that cannot fit first gives up the newest of
 *   the incomplete services of its host, so the others complete. The first PTR
 *   of a service must leave room for a whole one (learned from the last service
 *   that did not fit), so a full cache does not take and drop parts of services
 *   again and again.
 * - Each eviction is a `removed` event with the reason `evicted` and counts in
 *   {@linkcode PeerServiceCache.evictions} (the stack's `stats.evicted`). A
 *   browse hears an evicted service as `removed`; it is not re-asked: its
 *   PTR is gone, so no follow-up question runs for it, and the browse's PTR
 *   question (whose answers bring it back if room appears) keeps its back-off.
 * - Cost: amortised O(1) per record (per-tier LRU lists, states refreshed
 *   lazily when a scan reaches them), no scan over the whole cache.
 *
 * The work is split by job: `_peer_store.ts` holds the records, their bytes
 * and deadlines; `_peer_insert.ts` applies what is heard; `_peer_read.ts`
 * answers lookups; `_peer_events.ts` tells subscribers and watches. This
 * class ties them together and is the cache's whole public face.
 *
 * @module
 */

import type { MessageReader, ResourceRecord } from "../codec/mod.ts";
import { systemRandom } from "../clock.ts";
import { PeerEvents } from "./_peer_events.ts";
import { PeerInserter } from "./_peer_insert.ts";
import { isKnownAbsent, knownAnswers, lookup } from "./_peer_read.ts";
import { PeerStore } from "./_peer_store.ts";
import { byteBudget } from "./_budget.ts";
import {
  DEFAULT_PEER_CACHE_BYTES,
  type InsertContext,
  type InsertResult,
  type PeerCacheEvent,
  type PeerLookupOptions,
  type PeerRecordInput,
  type PeerServiceCacheOptions,
} from "./peer_cache_options.ts";
import { PeerEntry, type PeerRecord } from "./peer_record.ts";
import type { PeerWatch, PeerWatchOptions } from "./peer_watch.ts";
import { lookupServices, resolveService, type ServiceLookupOptions } from "./service_lookup.ts";
import type { ServiceInfo } from "./service_info.ts";

/**
 * Records heard from peers, with RFC 6762's cache rules.
 *
 * @example Cache-flush replaces an address a second later
 * ```ts
 * import assert from "node:assert/strict";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * import type { ARecord } from "../codec/mod.ts";
 * const cache = new PeerServiceCache();
 * const ctx = { interfaceName: "eth0", now: 0 };
 * const a = (data: string): ARecord => ({
 *   name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data,
 * });
 * cache.insertRecord(a("198.18.0.5"), ctx);
 * cache.insertRecord(a("198.18.0.6"), { ...ctx, now: 5000 });
 * cache.expire(6000);
 * assert.deepEqual(cache.lookup("h.local", 1).map((r) => r.data), ["198.18.0.6"]);
 * ```
 */
export class PeerServiceCache {
  #store: PeerStore;
  #events: PeerEvents;
  #inserter: PeerInserter;

  /**
   * Creates an empty cache.
   *
   * @throws {RangeError} When `maxBytes` is not a positive number.
   */
  constructor(options?: PeerServiceCacheOptions) {
    const maxBytes = byteBudget(options?.maxBytes, DEFAULT_PEER_CACHE_BYTES);
    this.#events = new PeerEvents(
      (key, t) => this.#store.armRefreshes(key, t),
      (key) => this.#store.released(key),
    );
    this.#store = new PeerStore(maxBytes, options?.random ?? systemRandom, this.#events);
    this.#inserter = new PeerInserter(this.#store, this.#events);
  }

  /** Records held. */
  get size(): number {
    return this.#store.size;
  }
  /** Bytes counted: records, owner names and eviction units. Never above `capacity`. */
  get bytes(): number {
    return this.#store.bytes;
  }
  /** The byte budget. */
  get capacity(): number {
    return this.#store.capacity;
  }
  /**
   * Records evicted for lack of room so far (each also a `removed` event with
   * the reason `evicted`); the stack reports it as `stats.evicted`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { PeerServiceCache } from "./peer_cache.ts";
   * const cache = new PeerServiceCache({ maxBytes: 1800 }); // room for 3 such names
   * const a = (n: number) => ({
   *   name: `h${n}.local`, type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2",
   * } as const);
   * cache.insertRecord(a(1), { interfaceName: "eth0", now: 0 }); // nobody asked for h1
   * const watches = [7, 8, 9].map((n) => cache.watch(`h${n}.local`, () => {}));
   * for (const n of [9, 8, 7]) cache.insertRecord(a(n), { interfaceName: "eth0", now: n });
   * assert.equal(cache.evictions, 1); // h1, which no query needs, made room for h7
   * assert.equal(cache.lookup("h7.local", 1).length, 1);
   * assert.equal(cache.lookup("h1.local", 1).length, 0);
   * for (const w of watches) w.cancel();
   * ```
   */
  get evictions(): number {
    return this.#store.evictions;
  }
  /**
   * New records turned away for lack of room so far (their insert returned
   * `"rejected"`): a flood of records no running query needs is refused
   * rather than let in by evicting; the stack reports it as `stats.rejected`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { PeerServiceCache } from "./peer_cache.ts";
   * const cache = new PeerServiceCache({ maxBytes: 1800 }); // room for 3 such names
   * for (let n = 0; n < 5; n++) {
   *   cache.insertRecord({
   *     name: `h${n}.local`, type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2",
   *   }, { interfaceName: "eth0", now: n });
   * }
   * assert.equal(cache.size + cache.evictions + cache.rejections, 5);
   * assert.ok(cache.rejections > 0);
   * ```
   */
  get rejections(): number {
    return this.#store.rejections;
  }
  /** Distinct owner names held. */
  get names(): number {
    return this.#store.names.size;
  }

  /**
   * Calls `listener` synchronously for every change. A listener must not throw.
   *
   * @returns A function that unsubscribes.
   */
  subscribe(listener: (event: PeerCacheEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /**
   * Watches one name (any case), optionally one type and one interface: the
   * listener hears the changes to those records only, found by a map lookup
   * on the name rather than by filtering every event. A watch is interest:
   * refresh points (RFC 6762 §5.2) are armed only for records a watch with
   * `refresh` (the default) covers, so unsolicited records never wake the
   * scheduler before they expire. `now`, when given, skips the refresh points
   * already past for records cached before the watch began. A listener must
   * not throw.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { PeerServiceCache } from "./peer_cache.ts";
   * const cache = new PeerServiceCache({ random: () => 0 });
   * import type { ARecord } from "../codec/mod.ts";
   * const a = (name: string): ARecord => ({
   *   name, type: 1, class: 1, cacheFlush: true, ttl: 100, data: "198.18.0.2",
   * });
   * cache.insertRecord(a("other.local"), { interfaceName: "eth0", now: 0 });
   * assert.equal(cache.nextRefresh(), Infinity); // nobody asked: no refresh point
   * const seen: string[] = [];
   * using _watch = cache.watch("h.local", (e) => seen.push(e.record.name), { type: 1 });
   * cache.insertRecord(a("h.local"), { interfaceName: "eth0", now: 0 });
   * assert.deepEqual(seen, ["h.local"]);
   * assert.equal(cache.nextRefresh(), 80_000); // 80 % of the TTL
   * ```
   */
  watch(
    name: string,
    listener: (event: PeerCacheEvent) => void,
    options?: PeerWatchOptions & { now?: number },
  ): PeerWatch {
    const t = options?.now === undefined ? -Infinity : this.#store.rel(options.now);
    return this.#events.watch(name, listener, options ?? {}, t);
  }

  /**
   * Calls `listener` after every full {@linkcode PeerServiceCache.clear} (not
   * one limited to an interface): the querier ends its running browses.
   *
   * @returns A function that unsubscribes.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { PeerServiceCache } from "./peer_cache.ts";
   * const cache = new PeerServiceCache();
   * let cleared = 0;
   * cache.onClear(() => cleared++);
   * cache.clear({ interfaceName: "eth0" });
   * cache.clear();
   * assert.equal(cleared, 1);
   * ```
   */
  onClear(listener: () => void): () => void {
    return this.#events.onClear(listener);
  }

  /**
   * Removes one record now (what mDNSResponder calls purging a cache
   * record), with a `purged` removal event: for records nobody confirmed
   * (RFC 6762 §10.4 reconfirm, §10.5 passive observation of failures). False
   * when it already left.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { PeerServiceCache } from "./peer_cache.ts";
   * const cache = new PeerServiceCache();
   * cache.insertRecord(
   *   { name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" },
   *   { interfaceName: "eth0", now: 0 },
   * );
   * const [a] = cache.lookup("h.local", 1);
   * assert.equal(cache.purgeRecord(a), true);
   * assert.equal(cache.size, 0);
   * assert.equal(cache.purgeRecord(a), false);
   * ```
   */
  purgeRecord(record: PeerRecord): boolean {
    const entry = record as PeerEntry;
    if (!(entry instanceof PeerEntry) || !this.#store.holds(entry)) return false;
    this.#store.remove(entry, "purged");
    return true;
  }

  /**
   * When the next refresh point of a watched record comes (ms), `Infinity`
   * when none: the querier's deadline for {@linkcode PeerServiceCache.takeDueRefreshes}.
   */
  nextRefresh(): number {
    return this.#store.abs(this.#store.schedule.nextRefresh());
  }

  /**
   * Inserts one record heard at `now`.
   *
   * @throws {RangeError} When the TTL is not a whole number of seconds, 0 or more.
   */
  insert(input: PeerRecordInput, now: number): InsertResult {
    return this.#inserter.insert(input, now);
  }

  /**
   * Inserts a codec record (its data encoded to canonical rdata).
   *
   * @throws {RangeError} When the TTL is not a whole number of seconds, 0 or
   * more, or the data is out of range for its type.
   * @throws {TypeError} When the data is malformed for its type.
   */
  insertRecord(record: ResourceRecord, context: InsertContext): InsertResult {
    return this.#inserter.insertRecord(record, context);
  }

  /**
   * Inserts the record a reader is on, copying only its name and rdata.
   *
   * @throws {DnsParseError} When a name inside the rdata is malformed.
   */
  insertFromReader(reader: MessageReader, context: InsertContext): InsertResult {
    return this.#inserter.insertFromReader(reader, context, false);
  }

  /**
   * Inserts every record left in a response (answers, authorities, additionals).
   * Call it for responses only: a query's known answers are not to be cached
   * (RFC 6762 §7.1).
   *
   * Cache-flush applies once per packet per rrset, after all its records are
   * in (RFC 6762 §10.2): the packet's records of a name, type and class are
   * the new rrset, and older members it did not repeat, heard more than a
   * second ago, expire in one second. Members of one rrset in one packet
   * never flush each other.
   *
   * @returns How many records were added or refreshed.
   */
  insertMessage(reader: MessageReader, context: InsertContext): number {
    return this.#inserter.insertMessage(reader, context);
  }

  /**
   * Records at `name` of `type` (every type for `RecordType.ANY`), any case.
   */
  lookup(name: string, type: number, options?: PeerLookupOptions): PeerRecord[] {
    return lookup(this.#store, name, type, options);
  }

  /**
   * The known answers for a question (RFC 6762 §7.1): matching records with at
   * least half their TTL left at `now`. Write them without the cache-flush bit
   * (§10.2) and with their remaining TTL.
   */
  knownAnswers(
    name: string,
    type: number,
    options: { interfaceName?: string; class?: number; now: number },
  ): PeerRecord[] {
    return knownAnswers(this.#store, name, type, options);
  }

  /**
   * True when a live NSEC says `name` has no record of `type` (RFC 6762 §6.1)
   * and no such record is cached.
   */
  isKnownAbsent(name: string, type: number, options?: PeerLookupOptions): boolean {
    return isKnownAbsent(this.#store, name, type, options);
  }

  /** The complete services of a type in the cache (the seed's `nx_mdns_service_lookup`). */
  lookupServices(serviceType: string, options?: ServiceLookupOptions): ServiceInfo[] {
    return lookupServices(this, serviceType, options);
  }

  /** One service instance as far as the cache knows it, one result per interface. */
  resolveService(fullName: string, options?: ServiceLookupOptions): ServiceInfo[] {
    return resolveService(this, fullName, options);
  }

  /**
   * When the next record expires (ms), `Infinity` when none: the deadline of
   * {@linkcode PeerServiceCache.expire}. A stack runs expiry on it and leaves
   * refresh points ({@linkcode PeerServiceCache.nextRefresh}) to its querier.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { PeerServiceCache } from "./peer_cache.ts";
   * const cache = new PeerServiceCache({ random: () => 0 });
   * using _watch = cache.watch("h.local", () => {}); // arms refresh points
   * cache.insertRecord(
   *   { name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 100, data: "198.18.0.2" },
   *   { interfaceName: "eth0", now: 0 },
   * );
   * assert.equal(cache.nextRefresh(), 80_000);
   * assert.equal(cache.nextExpiry(), 100_000);
   * assert.equal(cache.nextDeadline(), 80_000); // the earlier of the two
   * ```
   */
  nextExpiry(): number {
    return this.#store.abs(this.#store.schedule.nextExpiry());
  }

  /** When the next record expires or reaches a refresh point (ms), `Infinity` when none. */
  nextDeadline(): number {
    const schedule = this.#store.schedule;
    return this.#store.abs(Math.min(schedule.nextExpiry(), schedule.nextRefresh()));
  }

  /** Removes the records expired at `now` and returns them (events say why). */
  expire(now: number): PeerRecord[] {
    return this.#store.expire(this.#store.rel(now));
  }

  /**
   * Returns the records that reached a refresh point by `now` (each once) and
   * moves each to its next point. The querier re-asks for those it still
   * wants (RFC 6762 §5.2).
   */
  takeDueRefreshes(now: number): PeerRecord[] {
    return this.#store.takeDueRefreshes(this.#store.rel(now));
  }

  /**
   * Removes every record (or those of one interface), with `cleared` events:
   * the seed's `nx_mdns_peer_cache_clear`.
   *
   * @returns How many records were removed.
   */
  clear(options?: { interfaceName?: string }): number {
    const iface = options?.interfaceName;
    const removed = this.#store.clear(iface);
    if (iface === undefined) this.#events.cleared();
    return removed;
  }

  /**
   * Removes the records heard on a link that went away or down, with
   * `link-gone` events: what was heard there says nothing about the link any
   * more (RFC 6762 §10.3). The stack calls it on its link events.
   *
   * @returns How many records were removed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { PeerServiceCache } from "./peer_cache.ts";
   * const cache = new PeerServiceCache();
   * const reasons: string[] = [];
   * cache.subscribe((e) => e.type === "removed" && reasons.push(e.reason));
   * cache.insertRecord(
   *   { name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" },
   *   { interfaceName: "eth0", now: 0 },
   * );
   * assert.equal(cache.dropLink("eth1"), 0);
   * assert.equal(cache.dropLink("eth0"), 1);
   * assert.deepEqual(reasons, ["link-gone"]);
   * ```
   */
  dropLink(interfaceName: string): number {
    return this.#store.clear(interfaceName, "link-gone");
  }

  /** Every live record. */
  *records(): IterableIterator<PeerRecord> {
    yield* this.#store.entries();
  }
}
