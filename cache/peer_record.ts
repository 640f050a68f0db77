/**
 * A record in the peer cache, as the querier sees it ({@linkcode PeerRecord}),
 * and the internal entry that implements it.
 *
 * Memory is the point of this file: a cache of 100,000 records must fit in a
 * few tens of MiB, so an entry is one object of small-integer fields, its rdata
 * a binary string (see `_rdata_key.ts`), its owner name shared through the
 * interner, and its times whole milliseconds from the cache's epoch so V8 keeps
 * them unboxed.
 *
 * @module
 */

import { decodeRdata, type ResourceRecord } from "../codec/mod.ts";
import { NameEntry } from "./_interner.ts";
import { binaryToBytes } from "./_rdata_key.ts";

/**
 * Why a record left the peer cache: `expired` (its TTL ran out), `goodbye`
 * (TTL 0, a second after it came, RFC 6762 §10.1), `flushed` (replaced by a
 * cache-flush record one second earlier, §10.2), `purged` (nobody confirmed
 * it: §10.4 reconfirm, §10.5 passive observation of failures), `evicted`
 * (the byte budget), `link-gone` (the link it was heard on went away or
 * down, §10.3) or `cleared` (`clear()`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RemovalReason } from "./peer_record.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * const cache = new PeerServiceCache();
 * const reasons: RemovalReason[] = [];
 * cache.subscribe((e) => e.type === "removed" && reasons.push(e.reason));
 * cache.insertRecord(
 *   { name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 1, data: "198.18.0.2" },
 *   { interfaceName: "eth0", now: 0 },
 * );
 * cache.expire(1000);
 * assert.deepEqual(reasons, ["expired"]);
 * ```
 */
export type RemovalReason =
  | "expired"
  | "goodbye"
  | "flushed"
  | "purged"
  | "evicted"
  | "link-gone"
  | "cleared";

/**
 * Why a record is due to leave in a second (RFC 6762 §10.1, §10.2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PendingRemoval } from "./peer_record.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * import type { ARecord } from "../codec/mod.ts";
 * const cache = new PeerServiceCache();
 * const a = (ttl: number): ARecord => ({
 *   name: "h.local", type: 1, class: 1, cacheFlush: true, ttl, data: "198.18.0.2",
 * });
 * cache.insertRecord(a(120), { interfaceName: "eth0", now: 0 });
 * cache.insertRecord(a(0), { interfaceName: "eth0", now: 500 }); // a goodbye
 * const pending: PendingRemoval | undefined = cache.lookup("h.local", 1)[0].pending;
 * assert.equal(pending, "goodbye");
 * ```
 */
export type PendingRemoval = "goodbye" | "flushed";

/**
 * A record heard from the network, read-only. Obtained from the cache's
 * lookups and events; it stays readable after it leaves (then `live` is false).
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
 * const [a] = cache.lookup("H.local", 1);
 * assert.equal(a.data, "198.18.0.2");
 * assert.equal(a.remainingTtl(60_000), 60);
 * assert.equal(a.interfaceName, "eth0");
 * ```
 */
export interface PeerRecord {
  /** Owner name, in the case first seen. */
  readonly name: string;
  /** Interface the record was heard on. */
  readonly interfaceName: string;
  /** Record type. */
  readonly type: number;
  /** Class without the cache-flush bit. */
  readonly class: number;
  /** Whether the last copy heard had the cache-flush bit. */
  readonly cacheFlush: boolean;
  /** TTL in seconds as last received. */
  readonly ttl: number;
  /** When the last copy was heard (ms on the cache's clock). */
  readonly receivedAt: number;
  /** When it leaves the cache unless heard again (ms). */
  readonly expiresAt: number;
  /** Set while a goodbye or a cache-flush has it leaving in a second. */
  readonly pending: PendingRemoval | undefined;
  /** False once it has left the cache. */
  readonly live: boolean;
  /** Canonical rdata (names uncompressed), a new copy on each read. */
  readonly rdata: Uint8Array;
  /** The rdata decoded for its type (see the codec's `ResourceRecord`), decoded on each read. */
  readonly data: ResourceRecord["data"];
  /** Bytes the cache counts for it (its owner name is counted by the name table). */
  readonly bytes: number;
  /** Whole seconds left before it expires at `now` (0 when past). */
  remainingTtl(now: number): number;
  /** As a codec record, with the TTL left at `now` when given. */
  toResourceRecord(now?: number): ResourceRecord;
}

/**
 * Bytes of one record besides its rdata strings: the entry object (13 fields,
 * 128), its pair in each of the two deadline heaps (2 x 16) and the heaps'
 * growth slack (16). Measured against V8 by `bench/cache_memory.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PEER_RECORD_OVERHEAD_BYTES } from "./peer_record.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * const cache = new PeerServiceCache();
 * cache.insertRecord(
 *   { name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" },
 *   { interfaceName: "eth0", now: 0 },
 * );
 * const [a] = cache.lookup("h.local", 1);
 * assert.equal(PEER_RECORD_OVERHEAD_BYTES, 176);
 * assert.equal(a.bytes, 200); // the overhead, then 24 more for the rdata
 * ```
 */
export const PEER_RECORD_OVERHEAD_BYTES = 176;
/**
 * Bytes one entry of a `Map` of the cache is counted: V8 lays an entry out
 * in 28 bytes (key, value, chain and half a bucket) when its table is full,
 * doubles a table that fills up and shrinks it only below a quarter full, so
 * under churn (a flood replacing what a full cache holds) a table keeps up to
 * four times the entries it holds (28 to 112 bytes an entry, by where the
 * table is in that cycle). 64 keeps the default 4 MiB cache under a flood
 * within its budget (`bench/cache_memory.ts poison`: 3.6 MiB of heap for
 * 4.0 counted); a cache without churn costs less than it counts (34.6 MiB
 * for 40.3 counted, `bench/cache_memory.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MAP_SLOT_BYTES } from "./peer_record.ts";
 * assert.equal(MAP_SLOT_BYTES, 64);
 * ```
 */
export const MAP_SLOT_BYTES = 64;
/**
 * Bytes of the per-set `Map` an owner with many records (a service type's PTRs) uses.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PEER_SET_INDEX_BYTES } from "./peer_record.ts";
 * import { LIST_LIMIT } from "./_owner_index.ts";
 * // Paid once per (interface, type, class) by an owner of more than LIST_LIMIT records,
 * // with MAP_SLOT_BYTES for each record in it.
 * assert.equal(PEER_SET_INDEX_BYTES, 160);
 * assert.equal(LIST_LIMIT, 8);
 * ```
 */
export const PEER_SET_INDEX_BYTES = 160;
/**
 * Bytes a peer owner name costs besides its strings: the owner object (88) and its `Map`
 * slot (`MAP_SLOT_BYTES`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PEER_NAME_OVERHEAD_BYTES } from "./peer_record.ts";
 * import { NameInterner } from "./_interner.ts";
 * const names = new NameInterner({ entryOverheadBytes: PEER_NAME_OVERHEAD_BYTES });
 * assert.equal(names.costOf("h.local"), 176); // 152, then 24 for the string
 * ```
 */
export const PEER_NAME_OVERHEAD_BYTES = 88 + MAP_SLOT_BYTES;

/**
 * Bytes V8 uses for a one-byte string of `length` characters: a 16-byte header, 8-byte
 * aligned.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binaryStringBytes } from "./peer_record.ts";
 * assert.equal(binaryStringBytes(4), 24);
 * assert.equal(binaryStringBytes(16), 32);
 * assert.equal(binaryStringBytes(17), 40);
 * ```
 */
export function binaryStringBytes(length: number): number {
  return 16 + ((length + 7) & ~7);
}

// Layout of PeerEntry.bits (kept under 2^30 so it stays a small integer).
/**
 * Bits 0-14 of `PeerEntry.bits`: the record class, without the cache-flush bit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CACHE_FLUSH_BIT, CLASS_MASK } from "./peer_record.ts";
 * const bits = 1 | CACHE_FLUSH_BIT; // class IN, heard with the cache-flush bit
 * assert.equal(bits & CLASS_MASK, 1);
 * ```
 */
export const CLASS_MASK = 0x7fff;
/**
 * Bit 15 of `PeerEntry.bits`: the last copy heard had the cache-flush bit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CACHE_FLUSH_BIT } from "./peer_record.ts";
 * const bits = 1 | CACHE_FLUSH_BIT;
 * assert.notEqual(bits & CACHE_FLUSH_BIT, 0);
 * assert.equal(1 & CACHE_FLUSH_BIT, 0);
 * ```
 */
export const CACHE_FLUSH_BIT = 1 << 15;
/**
 * Position of the pending-removal field (bits 16-17) in `PeerEntry.bits`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PENDING_FLUSHED, PENDING_MASK, PENDING_SHIFT } from "./peer_record.ts";
 * const bits = 1 | (PENDING_FLUSHED << PENDING_SHIFT);
 * assert.equal((bits & PENDING_MASK) >> PENDING_SHIFT, PENDING_FLUSHED);
 * ```
 */
export const PENDING_SHIFT = 16;
/**
 * The pending-removal field of `PeerEntry.bits`: 0, {@linkcode PENDING_GOODBYE} or
 * {@linkcode PENDING_FLUSHED}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PENDING_GOODBYE, PENDING_MASK, PENDING_SHIFT } from "./peer_record.ts";
 * const bits = 1 | (PENDING_GOODBYE << PENDING_SHIFT);
 * assert.notEqual(bits & PENDING_MASK, 0);
 * assert.equal(bits & ~PENDING_MASK, 1);
 * ```
 */
export const PENDING_MASK = 3 << PENDING_SHIFT;
/**
 * Pending-removal value: a goodbye arrived (RFC 6762 §10.1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PeerEntry, PeerOwner, PENDING_GOODBYE, PENDING_SHIFT } from "./peer_record.ts";
 * const owner = new PeerOwner("h.local", "h.local", 152, { epoch: 0 });
 * const bits = 1 | (PENDING_GOODBYE << PENDING_SHIFT);
 * assert.equal(new PeerEntry(owner, "eth0", 1, bits, "a", "a", 120, 0).pending, "goodbye");
 * ```
 */
export const PENDING_GOODBYE = 1;
/**
 * Pending-removal value: a cache-flush record replaced it (RFC 6762 §10.2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PeerEntry, PeerOwner, PENDING_FLUSHED, PENDING_SHIFT } from "./peer_record.ts";
 * const owner = new PeerOwner("h.local", "h.local", 152, { epoch: 0 });
 * const bits = 1 | (PENDING_FLUSHED << PENDING_SHIFT);
 * assert.equal(new PeerEntry(owner, "eth0", 1, bits, "a", "a", 120, 0).pending, "flushed");
 * ```
 */
export const PENDING_FLUSHED = 2;
/**
 * Position of the next-refresh-point field (bits 18-20) in `PeerEntry.bits`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { REFRESH_MASK, REFRESH_SHIFT } from "./peer_record.ts";
 * const bits = 1 | (2 << REFRESH_SHIFT); // next refresh at the third point (90 %)
 * assert.equal((bits & REFRESH_MASK) >> REFRESH_SHIFT, 2);
 * ```
 */
export const REFRESH_SHIFT = 18;
/**
 * The next-refresh-point field of `PeerEntry.bits`: an index into `REFRESH_POINTS`, its length
 * once none is left.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { REFRESH_MASK, REFRESH_SHIFT } from "./peer_record.ts";
 * const bits = 1 | (4 << REFRESH_SHIFT); // no refresh point left
 * assert.equal((bits & REFRESH_MASK) >> REFRESH_SHIFT, 4);
 * assert.equal(bits & ~REFRESH_MASK, 1);
 * ```
 */
export const REFRESH_MASK = 7 << REFRESH_SHIFT;
/**
 * Bit 21 of `PeerEntry.bits`: set while the record is in the cache.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LIVE_BIT, PeerEntry, PeerOwner } from "./peer_record.ts";
 * const owner = new PeerOwner("h.local", "h.local", 152, { epoch: 0 });
 * const e = new PeerEntry(owner, "eth0", 1, 1 | LIVE_BIT, "a", "a", 120, 0);
 * assert.equal(e.live, true);
 * e.bits &= ~LIVE_BIT; // what the cache does on removal
 * assert.equal(e.live, false);
 * ```
 */
export const LIVE_BIT = 1 << 21;

/**
 * The cache's time base, shared by every entry: times are stored as ms since `epoch`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PeerEntry, PeerOwner, type TimeBase } from "./peer_record.ts";
 * const time: TimeBase = { epoch: 1_000_000 };
 * const owner = new PeerOwner("h.local", "h.local", 152, time);
 * const e = new PeerEntry(owner, "eth0", 1, 1, "a", "a", 120, 2500);
 * assert.equal(e.heard, 2500);
 * assert.equal(e.receivedAt, 1_002_500);
 * ```
 */
export interface TimeBase {
  /** Absolute ms of relative time 0. */
  epoch: number;
}

/**
 * A name in the peer cache and the records it owns (internal).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PeerOwner } from "./peer_record.ts";
 * import { NameInterner } from "./_interner.ts";
 * const time = { epoch: 0 };
 * const names = new NameInterner<PeerOwner>({ create: (n, k, b) => new PeerOwner(n, k, b, time) });
 * const owner = names.acquire("Printer.local");
 * assert.equal(owner.name, "Printer.local");
 * assert.equal(owner.key, "printer.local");
 * assert.equal(owner.count, 0);
 * assert.equal(owner.head, null);
 * ```
 */
export class PeerOwner extends NameEntry {
  /** First record of the owner's list while it has few records. */
  head: PeerEntry | null = null;
  /** Records owned. */
  count = 0;
  /** Once the owner has many records: set key (interface, type, class) to rdata key to entry. */
  sets: Map<string, Map<string, PeerEntry>> | null = null;
  /** The cache's time base. */
  time: TimeBase;

  constructor(name: string, key: string, bytes: number, time: TimeBase) {
    super(name, key, bytes);
    this.time = time;
  }
}

/**
 * A cache entry (internal; callers see it as {@linkcode PeerRecord}). Fields
 * are public so the cache can update them in place; times are relative ms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LIVE_BIT, PeerEntry, PeerOwner } from "./peer_record.ts";
 * import { bytesToBinary } from "./_rdata_key.ts";
 * const owner = new PeerOwner("h.local", "h.local", 152, { epoch: 1000 });
 * const rdata = bytesToBinary(new Uint8Array([198, 18, 0, 2]));
 * const e = new PeerEntry(owner, "eth0", 1, 1 | LIVE_BIT, rdata, rdata, 120, 0);
 * assert.equal(e.name, "h.local");
 * assert.equal(e.data, "198.18.0.2");
 * assert.equal(e.live, true);
 * assert.equal(e.receivedAt, 1000);
 * ```
 */
export class PeerEntry implements PeerRecord {
  owner: PeerOwner;
  next: PeerEntry | null = null;
  iface: string;
  type: number;
  bits: number;
  rdataBinary: string;
  key: string;
  ttl: number;
  heard: number;
  expires: number;
  expiryQueued: number;
  refreshAt: number;
  refreshQueued: number;

  constructor(
    owner: PeerOwner,
    iface: string,
    type: number,
    bits: number,
    rdata: string,
    key: string,
    ttl: number,
    heard: number,
  ) {
    this.owner = owner;
    this.iface = iface;
    this.type = type;
    this.bits = bits;
    this.rdataBinary = rdata;
    this.key = key;
    this.ttl = ttl;
    this.heard = heard;
    this.expires = heard;
    this.expiryQueued = -1;
    this.refreshAt = -1;
    this.refreshQueued = -1;
  }

  get name(): string {
    return this.owner.name;
  }
  get interfaceName(): string {
    return this.iface;
  }
  get class(): number {
    return this.bits & CLASS_MASK;
  }
  get cacheFlush(): boolean {
    return (this.bits & CACHE_FLUSH_BIT) !== 0;
  }
  get receivedAt(): number {
    return this.owner.time.epoch + this.heard;
  }
  get expiresAt(): number {
    return this.owner.time.epoch + this.expires;
  }
  get pending(): PendingRemoval | undefined {
    const p = (this.bits & PENDING_MASK) >> PENDING_SHIFT;
    return p === PENDING_GOODBYE ? "goodbye" : p === PENDING_FLUSHED ? "flushed" : undefined;
  }
  get live(): boolean {
    return (this.bits & LIVE_BIT) !== 0;
  }
  get rdata(): Uint8Array {
    return binaryToBytes(this.rdataBinary);
  }
  get data(): ResourceRecord["data"] {
    return decodeRdata(this.type, this.rdata);
  }
  get bytes(): number {
    return PEER_RECORD_OVERHEAD_BYTES + binaryStringBytes(this.rdataBinary.length) +
      (this.key === this.rdataBinary ? 0 : binaryStringBytes(this.key.length));
  }

  remainingTtl(now: number): number {
    const left = this.owner.time.epoch + this.expires - now;
    return left <= 0 ? 0 : Math.floor(left / 1000);
  }

  toResourceRecord(now?: number): ResourceRecord {
    return {
      name: this.name,
      type: this.type,
      class: this.class,
      cacheFlush: this.cacheFlush,
      ttl: now === undefined ? this.ttl : this.remainingTtl(now),
      data: this.data,
    } as ResourceRecord;
  }
}
