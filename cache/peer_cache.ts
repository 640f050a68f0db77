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
 * Memory: the cache holds at most `maxBytes`, counted as the records' bytes
 * (see `PeerRecord.bytes`) plus the owner-name table's (see `interner.ts`);
 * a new record that does not fit evicts the records nearest expiry first.
 *
 * @module
 */

import { byteBudget } from "./budget.ts";
import {
  copyRdata,
  encodeRdata,
  hasNameInRdata,
  type MessageReader,
  nameKey,
  RecordType,
} from "../codec/mod.ts";
import type { ResourceRecord } from "../codec/mod.ts";
import { systemRandom } from "../clock.ts";
import { MAX_TTL } from "../dnssd/service_records.ts";
import { find, forEachEntry, forEachInSet, indexGrowth, link, unlink } from "./owner_index.ts";
import {
  CACHE_FLUSH_DELAY_MS,
  CACHE_FLUSH_GRACE_MS,
  DEFAULT_PEER_CACHE_BYTES,
  GOODBYE_DELAY_MS,
  type InsertContext,
  type InsertResult,
  type PeerCacheEvent,
  type PeerLookupOptions,
  type PeerRecordInput,
  type PeerServiceCacheOptions,
} from "./peer_cache_options.ts";
import { NameInterner } from "./interner.ts";
import { PeerSchedule } from "./peer_schedule.ts";
import { type PeerWatch, type PeerWatchOptions, WatchRegistry } from "./peer_watch.ts";
import { bytesToBinary, nsecListsType, rdataKey } from "./rdata_key.ts";
import {
  CACHE_FLUSH_BIT,
  CLASS_MASK,
  LIVE_BIT,
  PEER_NAME_OVERHEAD_BYTES,
  PeerEntry,
  PeerOwner,
  type PeerRecord,
  PENDING_FLUSHED,
  PENDING_GOODBYE,
  PENDING_MASK,
  PENDING_SHIFT,
  REFRESH_MASK,
  type RemovalReason,
  type TimeBase,
} from "./peer_record.ts";
import {
  type DiscoveredService,
  lookupServices,
  resolveService,
  type ServiceLookupOptions,
} from "./service_lookup.ts";

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
  #names: NameInterner<PeerOwner>;
  #time: TimeBase = { epoch: NaN };
  #armAt = -Infinity;
  #schedule: PeerSchedule;
  #listeners: ((event: PeerCacheEvent) => void)[] = [];
  #watches: WatchRegistry;
  #unsubscribeWatches: (() => void) | undefined;
  #clearListeners: (() => void)[] = [];
  #maxBytes: number;
  #size = 0;
  #recordBytes = 0;
  // The rrsets a packet being inserted asked to flush (RFC 6762 §10.2), as
  // parallel arrays reused from packet to packet: owner, interface, type, class.
  #flushCount = 0;
  #flushOwners: PeerOwner[] = [];
  #flushIfaces: string[] = [];
  #flushTypes: number[] = [];
  #flushClasses: number[] = [];

  /**
   * Creates an empty cache.
   *
   * @throws {RangeError} When `maxBytes` is not a positive number.
   */
  constructor(options?: PeerServiceCacheOptions) {
    this.#maxBytes = byteBudget(options?.maxBytes, DEFAULT_PEER_CACHE_BYTES);
    this.#watches = new WatchRegistry((key) => this.#armRefreshes(key), () => {
      // No watch left: stop dispatching to the registry.
      this.#unsubscribeWatches?.();
      this.#unsubscribeWatches = undefined;
    });
    this.#schedule = new PeerSchedule(
      options?.random ?? systemRandom,
      (entry) => this.#watches.wants(entry),
    );
    const time = this.#time;
    this.#names = new NameInterner<PeerOwner>({
      create: (name, key, bytes) => new PeerOwner(name, key, bytes, time),
      entryOverheadBytes: PEER_NAME_OVERHEAD_BYTES,
    });
  }

  /** Records held. */
  get size(): number {
    return this.#size;
  }
  /** Bytes counted: records plus owner names. Never above `capacity`. */
  get bytes(): number {
    return this.#recordBytes + this.#names.bytes;
  }
  /** The byte budget. */
  get capacity(): number {
    return this.#maxBytes;
  }
  /** Distinct owner names held. */
  get names(): number {
    return this.#names.size;
  }

  /**
   * Calls `listener` synchronously for every change. A listener must not throw.
   *
   * @returns A function that unsubscribes.
   */
  subscribe(listener: (event: PeerCacheEvent) => void): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
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
    this.#armAt = options?.now === undefined ? -Infinity : this.#rel(options.now);
    if (this.#unsubscribeWatches === undefined) {
      this.#unsubscribeWatches = this.subscribe((e) => this.#watches.dispatch(e));
    }
    return this.#watches.add(name, listener, options ?? {});
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
    this.#clearListeners = [...this.#clearListeners, listener];
    return () => {
      this.#clearListeners = this.#clearListeners.filter((l) => l !== listener);
    };
  }

  /**
   * Removes one record now, with a `flushed` event: for records nobody
   * confirmed (RFC 6762 §10.4 reconfirm, §10.5 passive observation of
   * failures). False when it already left.
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
   * assert.equal(cache.flushRecord(a), true);
   * assert.equal(cache.size, 0);
   * assert.equal(cache.flushRecord(a), false);
   * ```
   */
  flushRecord(record: PeerRecord): boolean {
    const entry = record as PeerEntry;
    if (!(entry instanceof PeerEntry) || !entry.live || entry.owner.time !== this.#time) {
      return false;
    }
    this.#remove(entry, "flushed");
    return true;
  }

  /**
   * When the next refresh point of a watched record comes (ms), `Infinity`
   * when none: the querier's deadline for {@linkcode PeerServiceCache.takeDueRefreshes}.
   */
  nextRefresh(): number {
    const next = this.#schedule.nextRefresh();
    return next === Infinity ? Infinity : this.#time.epoch + next;
  }

  // A refreshing watch began on `key`: arm the refresh points of what is cached.
  #armRefreshes(key: string): void {
    const owner = this.#names.getByKey(key);
    if (owner === undefined) return;
    const t = this.#armAt;
    forEachEntry(owner, (e) => this.#schedule.arm(e, t));
  }

  /**
   * Inserts one record heard at `now`.
   *
   * @throws {RangeError} When the TTL is not a whole number of seconds, 0 or more.
   */
  insert(input: PeerRecordInput, now: number): InsertResult {
    checkTtl(input.ttl);
    if (isPseudo(input.type)) return "ignored";
    const binary = bytesToBinary(input.rdata);
    return this.#insert(input.interfaceName, input.name, input.type, input, binary, now);
  }

  /**
   * Inserts a codec record (its data encoded to canonical rdata).
   *
   * @throws {RangeError} When the TTL is not a whole number of seconds, 0 or
   * more, or the data is out of range for its type.
   * @throws {TypeError} When the data is malformed for its type.
   */
  insertRecord(record: ResourceRecord, context: InsertContext): InsertResult {
    checkTtl(record.ttl);
    if (isPseudo(record.type)) return "ignored";
    const binary = bytesToBinary(encodeRdata(record.type, record.data));
    return this.#insert(
      context.interfaceName,
      record.name,
      record.type,
      record,
      binary,
      context.now,
    );
  }

  /**
   * Inserts the record a reader is on, copying only its name and rdata.
   *
   * @throws {DnsParseError} When a name inside the rdata is malformed.
   */
  insertFromReader(reader: MessageReader, context: InsertContext): InsertResult {
    return this.#insertFromReader(reader, context, false);
  }

  #insertFromReader(
    reader: MessageReader,
    context: InsertContext,
    perPacket: boolean,
  ): InsertResult {
    const type = reader.type;
    if (isPseudo(type)) return "ignored";
    const off = reader.rdataOffset;
    const len = reader.rdataLength;
    // Names inside rdata may be compressed: expand them so equal data compares equal.
    const binary = hasNameInRdata(type)
      ? bytesToBinary(copyRdata(reader.packet, type, off, len))
      : bytesToBinary(reader.packet, off, off + len);
    return this.#insert(
      context.interfaceName,
      reader.name(),
      type,
      reader,
      binary,
      context.now,
      perPacket,
    );
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
    let count = 0;
    this.#flushCount = 0;
    try {
      while (reader.nextRecord()) {
        const result = this.#insertFromReader(reader, context, true);
        if (result === "added" || result === "refreshed") count++;
      }
    } finally {
      if (this.#flushCount > 0) this.#applyFlushes(this.#rel(context.now));
    }
    return count;
  }

  /** Applies the flushes a packet asked for, each rrset once. */
  #applyFlushes(t: number): void {
    const owners = this.#flushOwners;
    for (let i = 0; i < this.#flushCount; i++) {
      this.#flushOthers(
        owners[i],
        this.#flushIfaces[i],
        this.#flushTypes[i],
        this.#flushClasses[i],
        "",
        t,
      );
    }
    // Drop the references so a flushed owner can be collected.
    owners.length = this.#flushIfaces.length = 0;
    this.#flushTypes.length = this.#flushClasses.length = 0;
    this.#flushCount = 0;
  }

  /** Notes an rrset to flush at the end of the packet (consecutive repeats once). */
  #deferFlush(owner: PeerOwner, iface: string, type: number, cls: number): void {
    const n = this.#flushCount;
    if (
      n > 0 && this.#flushOwners[n - 1] === owner && this.#flushTypes[n - 1] === type &&
      this.#flushIfaces[n - 1] === iface && this.#flushClasses[n - 1] === cls
    ) return;
    this.#flushOwners[n] = owner;
    this.#flushIfaces[n] = iface;
    this.#flushTypes[n] = type;
    this.#flushClasses[n] = cls;
    this.#flushCount = n + 1;
  }

  #insert(
    iface: string,
    name: string,
    type: number,
    header: { class: number; cacheFlush: boolean; ttl: number },
    binary: string,
    now: number,
    perPacket = false,
  ): InsertResult {
    const t = this.#rel(now);
    const cls = header.class & CLASS_MASK;
    // RFC 2181 §8: a TTL with the most significant bit set counts as zero.
    const ttl = header.ttl > MAX_TTL ? 0 : header.ttl;
    const key = nameKey(name);
    const rkey = rdataKey(type, binary);
    const owner = this.#names.getByKey(key);
    const existing = owner === undefined ? undefined : find(owner, iface, type, cls, rkey);
    if (ttl === 0) {
      if (existing === undefined) return "ignored";
      // RFC 6762 §10.1: keep it one more second, so a fresh announcement can rescue it.
      this.#schedule.leaveSoon(existing, t + GOODBYE_DELAY_MS, PENDING_GOODBYE);
      return "goodbye";
    }
    if (header.cacheFlush && owner !== undefined) {
      // A new owner has nothing older to flush.
      if (perPacket) this.#deferFlush(owner, iface, type, cls);
      else this.#flushOthers(owner, iface, type, cls, rkey, t);
    }
    if (existing !== undefined) {
      this.#refreshEntry(existing, ttl, header.cacheFlush, t);
      return "refreshed";
    }
    const bits = cls | (header.cacheFlush ? CACHE_FLUSH_BIT : 0) | LIVE_BIT;
    const entry = new PeerEntry(null!, iface, type, bits, binary, rkey, ttl, t);
    if (!this.#add(owner, entry, name, key)) return "rejected";
    if (this.#listeners.length > 0) this.#emit({ kind: "added", record: entry });
    return "added";
  }

  /** Files a new entry under its owner (added if new), evicting to make room; false if it cannot fit. */
  #add(known: PeerOwner | undefined, entry: PeerEntry, name: string, key: string): boolean {
    const cost = entry.bytes;
    // Make room: evict the records nearest expiry until the record, its name
    // (if new) and any index growth fit. An eviction may free the owner.
    let owner = known;
    for (;;) {
      const need = cost +
        (owner === undefined ? this.#names.costOf(name, key) : indexGrowth(owner, entry));
      if (this.bytes + need <= this.#maxBytes) break;
      if (!this.#evictOne()) return false;
      if (owner !== undefined && owner.refs === 0) owner = undefined;
    }
    owner = owner === undefined ? this.#names.add(name, key) : this.#names.retain(owner);
    entry.owner = owner;
    this.#recordBytes += cost + link(owner, entry);
    this.#size++;
    this.#schedule.schedule(entry, entry.heard);
    return true;
  }

  #refreshEntry(entry: PeerEntry, ttl: number, cacheFlush: boolean, t: number): void {
    const previousTtl = entry.ttl;
    const wasPending = (entry.bits & PENDING_MASK) !== 0;
    entry.ttl = ttl;
    entry.bits = (entry.bits & ~(PENDING_MASK | REFRESH_MASK | CACHE_FLUSH_BIT)) |
      (cacheFlush ? CACHE_FLUSH_BIT : 0);
    this.#schedule.schedule(entry, t);
    if (this.#listeners.length > 0 && (wasPending || previousTtl !== ttl)) {
      this.#emit({
        kind: "updated",
        record: entry,
        reason: wasPending ? "rescued" : "refreshed",
        previousTtl,
      });
    }
  }

  // RFC 6762 §10.2: records of the same name, type and class on this interface
  // heard more than one second ago are set to expire one second from now; ones
  // heard within the last second (the rest of the same burst, and every record
  // of the packet being applied, heard at `t`) are kept.
  #flushOthers(
    owner: PeerOwner,
    iface: string,
    type: number,
    cls: number,
    rkey: string,
    t: number,
  ) {
    forEachInSet(owner, iface, type, cls, (e) => {
      if (e.key === rkey || t - e.heard <= CACHE_FLUSH_GRACE_MS) return;
      if (e.expires > t + CACHE_FLUSH_DELAY_MS || (e.bits & PENDING_MASK) === 0) {
        this.#schedule.leaveSoon(e, t + CACHE_FLUSH_DELAY_MS, PENDING_FLUSHED);
      }
    });
  }

  /**
   * Records at `name` of `type` (every type for `RecordType.ANY`), any case.
   */
  lookup(name: string, type: number, options?: PeerLookupOptions): PeerRecord[] {
    const owner = this.#names.getByKey(nameKey(name));
    const out: PeerRecord[] = [];
    if (owner === undefined) return out;
    const t = options?.now === undefined ? -Infinity : this.#rel(options.now);
    const iface = options?.interfaceName;
    const cls = options?.class;
    forEachEntry(owner, (e) => {
      if (
        (type === RecordType.ANY || e.type === type) &&
        (iface === undefined || e.iface === iface) &&
        (cls === undefined || (e.bits & CLASS_MASK) === cls) && e.expires > t
      ) out.push(e);
    });
    return out;
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
    const now = options.now;
    return this.lookup(name, type, options).filter((r) => 2 * (r.expiresAt - now) >= r.ttl * 1000);
  }

  /**
   * True when a live NSEC says `name` has no record of `type` (RFC 6762 §6.1)
   * and no such record is cached.
   */
  isKnownAbsent(name: string, type: number, options?: PeerLookupOptions): boolean {
    if (type === RecordType.NSEC || type === RecordType.ANY) return false;
    let nsec = false;
    for (const r of this.lookup(name, RecordType.ANY, options)) {
      if (r.type === type) return false;
      if (r.type === RecordType.NSEC && !nsecListsType((r as PeerEntry).rdataBinary, type)) {
        nsec = true;
      }
    }
    return nsec;
  }

  /** The complete services of a type in the cache (the seed's `nx_mdns_service_lookup`). */
  lookupServices(serviceType: string, options?: ServiceLookupOptions): DiscoveredService[] {
    return lookupServices(this, serviceType, options);
  }

  /** One service instance as far as the cache knows it, one result per interface. */
  resolveService(instanceName: string, options?: ServiceLookupOptions): DiscoveredService[] {
    return resolveService(this, instanceName, options);
  }

  /** When the next record expires or reaches a refresh point (ms), `Infinity` when none. */
  nextDeadline(): number {
    const next = Math.min(this.#schedule.nextExpiry(), this.#schedule.nextRefresh());
    return next === Infinity ? Infinity : this.#time.epoch + next;
  }

  /** Removes the records expired at `now` and returns them (events say why). */
  expire(now: number): PeerRecord[] {
    const t = this.#rel(now);
    const out: PeerRecord[] = [];
    while (this.#schedule.nextExpiry() <= t) {
      const entry = this.#schedule.popExpiry()!;
      const pending = (entry.bits & PENDING_MASK) >> PENDING_SHIFT;
      const reason = pending === PENDING_GOODBYE
        ? "goodbye"
        : pending === PENDING_FLUSHED
        ? "flushed"
        : "expired";
      this.#remove(entry, reason);
      out.push(entry);
    }
    this.#schedule.compact(this.#size);
    return out;
  }

  /**
   * Returns the records that reached a refresh point by `now` (each once) and
   * moves each to its next point. The querier re-asks for those it still
   * wants (RFC 6762 §5.2).
   */
  takeDueRefreshes(now: number): PeerRecord[] {
    const t = this.#rel(now);
    const out: PeerRecord[] = [];
    for (
      let e = this.#schedule.popDueRefresh(t);
      e !== undefined;
      e = this.#schedule.popDueRefresh(t)
    ) {
      out.push(e);
    }
    return out;
  }

  /**
   * Removes every record (or those of one interface), with `cleared` events:
   * the seed's `nx_mdns_peer_cache_clear`.
   *
   * @returns How many records were removed.
   */
  clear(options?: { interfaceName?: string }): number {
    const iface = options?.interfaceName;
    const doomed: PeerEntry[] = [];
    for (const owner of this.#names) {
      forEachEntry(owner, (e) => {
        if (iface === undefined || e.iface === iface) doomed.push(e);
      });
    }
    for (const e of doomed) this.#remove(e, "cleared");
    if (this.#size === 0) this.#schedule.clear();
    if (iface === undefined) { for (const listener of this.#clearListeners) listener(); }
    return doomed.length;
  }

  /** Every live record. */
  *records(): IterableIterator<PeerRecord> {
    for (const owner of [...this.#names]) {
      const list: PeerEntry[] = [];
      forEachEntry(owner, (e) => list.push(e));
      yield* list;
    }
  }

  #evictOne(): boolean {
    const entry = this.#schedule.popExpiry();
    if (entry === undefined) return false;
    this.#remove(entry, "evicted");
    return true;
  }

  #remove(entry: PeerEntry, reason: RemovalReason): void {
    const owner = entry.owner;
    this.#recordBytes -= entry.bytes + unlink(owner, entry);
    entry.bits &= ~LIVE_BIT;
    this.#size--;
    this.#names.release(owner);
    if (this.#listeners.length > 0) this.#emit({ kind: "removed", record: entry, reason });
  }

  #rel(now: number): number {
    if (Number.isNaN(this.#time.epoch)) this.#time.epoch = Math.floor(now);
    return Math.floor(now) - this.#time.epoch;
  }

  #emit(event: PeerCacheEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

function checkTtl(ttl: number): void {
  if (!Number.isInteger(ttl) || ttl < 0) {
    throw new RangeError(`Invalid TTL: ${ttl}, must be a whole number of seconds, 0 or more`);
  }
}

function isPseudo(type: number): boolean {
  // OPT (RFC 6891) is per-message metadata and ANY only a question type: neither is a record.
  return type === RecordType.OPT || type === RecordType.ANY;
}
