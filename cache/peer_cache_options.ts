/**
 * The constants, inputs, options and events of the peer service cache
 * (`peer_cache.ts`).
 *
 * @module
 */

import type { Random } from "../clock.ts";
import type { PeerRecord, RemovalReason } from "./peer_record.ts";

/**
 * RFC 6762 §10.2: records heard more than this long ago are flushed by a cache-flush record.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CACHE_FLUSH_GRACE_MS } from "./peer_cache_options.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * import type { ARecord } from "../codec/mod.ts";
 * const cache = new PeerServiceCache();
 * const a = (data: string): ARecord => ({
 *   name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data,
 * });
 * cache.insertRecord(a("198.18.0.5"), { interfaceName: "eth0", now: 0 });
 * cache.insertRecord(a("198.18.0.6"), { interfaceName: "eth0", now: CACHE_FLUSH_GRACE_MS });
 * assert.deepEqual(cache.lookup("h.local", 1).map((r) => r.pending), [undefined, undefined]);
 * ```
 */
export const CACHE_FLUSH_GRACE_MS = 1000;
/**
 * RFC 6762 §10.2: flushed records expire this long after the cache-flush record arrives.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CACHE_FLUSH_DELAY_MS } from "./peer_cache_options.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * import type { ARecord } from "../codec/mod.ts";
 * const cache = new PeerServiceCache();
 * const a = (data: string): ARecord => ({
 *   name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data,
 * });
 * cache.insertRecord(a("198.18.0.5"), { interfaceName: "eth0", now: 0 });
 * cache.insertRecord(a("198.18.0.6"), { interfaceName: "eth0", now: 5000 });
 * const old = cache.lookup("h.local", 1).find((r) => r.pending === "flushed")!;
 * assert.equal(old.expiresAt, 6000);
 * assert.equal(CACHE_FLUSH_DELAY_MS, 1000);
 * ```
 */
export const CACHE_FLUSH_DELAY_MS = 1000;
/**
 * RFC 6762 §10.1: a goodbye (TTL 0) leaves the record for one more second.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GOODBYE_DELAY_MS } from "./peer_cache_options.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * import type { ARecord } from "../codec/mod.ts";
 * const cache = new PeerServiceCache();
 * const a = (ttl: number): ARecord => ({
 *   name: "h.local", type: 1, class: 1, cacheFlush: true, ttl, data: "198.18.0.2",
 * });
 * cache.insertRecord(a(120), { interfaceName: "eth0", now: 0 });
 * cache.insertRecord(a(0), { interfaceName: "eth0", now: 3000 });
 * assert.equal(cache.lookup("h.local", 1)[0].expiresAt, 4000);
 * assert.equal(GOODBYE_DELAY_MS, 1000);
 * ```
 */
export const GOODBYE_DELAY_MS = 1000;
/**
 * RFC 6762 §5.2: refresh queries at 80, 85, 90 and 95 % of the TTL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { REFRESH_POINTS } from "./peer_cache_options.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * const cache = new PeerServiceCache({ random: () => 0 }); // no jitter
 * using _interest = cache.watch("h.local", () => {}); // refresh only what a query needs
 * cache.insertRecord(
 *   { name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 100, data: "198.18.0.2" },
 *   { interfaceName: "eth0", now: 0 },
 * );
 * assert.deepEqual(REFRESH_POINTS, [0.8, 0.85, 0.9, 0.95]);
 * assert.equal(cache.nextDeadline(), 80_000);
 * ```
 */
export const REFRESH_POINTS: readonly number[] = [0.8, 0.85, 0.9, 0.95];
/**
 * RFC 6762 §5.2: each refresh point gets 0-2 % of the TTL of random jitter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { REFRESH_JITTER } from "./peer_cache_options.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * const cache = new PeerServiceCache({ random: () => 1 }); // the most jitter
 * using _interest = cache.watch("h.local", () => {}); // refresh only what a query needs
 * cache.insertRecord(
 *   { name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 100, data: "198.18.0.2" },
 *   { interfaceName: "eth0", now: 0 },
 * );
 * assert.equal(REFRESH_JITTER, 0.02);
 * assert.equal(cache.nextDeadline(), 82_000);
 * ```
 */
export const REFRESH_JITTER = 0.02;
/**
 * Default byte budget: 4 MiB of heap, about 10,000 typical records (2,000
 * services), 6,500 PTR-only instances of a flood.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_PEER_CACHE_BYTES } from "./peer_cache_options.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * assert.equal(DEFAULT_PEER_CACHE_BYTES, 4194304);
 * assert.equal(new PeerServiceCache().capacity, DEFAULT_PEER_CACHE_BYTES);
 * ```
 */
export const DEFAULT_PEER_CACHE_BYTES = 4 * 1024 * 1024;

/**
 * A record to insert: rdata in canonical form (as `copyRdata` or `encodeRdata` make it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PeerRecordInput } from "./peer_cache_options.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * const input: PeerRecordInput = {
 *   interfaceName: "eth0", name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120,
 *   rdata: new Uint8Array([198, 18, 0, 2]),
 * };
 * const cache = new PeerServiceCache();
 * assert.equal(cache.insert(input, 0), "added");
 * assert.equal(cache.lookup("h.local", 1)[0].data, "198.18.0.2");
 * ```
 */
export interface PeerRecordInput {
  /** Interface it was heard on. */
  interfaceName: string;
  /** Owner name in presentation form. */
  name: string;
  /** Record type. */
  type: number;
  /** Class without the cache-flush bit. */
  class: number;
  /** The cache-flush bit. */
  cacheFlush: boolean;
  /** TTL in seconds (0 is a goodbye). */
  ttl: number;
  /** Canonical rdata. */
  rdata: Uint8Array;
}

/**
 * Where and when a record was heard.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { InsertContext } from "./peer_cache_options.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * const cache = new PeerServiceCache();
 * const context: InsertContext = { interfaceName: "eth0", now: 0 };
 * cache.insertRecord(
 *   { name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" },
 *   context,
 * );
 * assert.equal(cache.lookup("h.local", 1)[0].interfaceName, "eth0");
 * ```
 */
export interface InsertContext {
  /** Interface it was heard on. */
  interfaceName: string;
  /** Current time in ms. */
  now: number;
}

/**
 * What an insert did: a new record (`added`), a known one heard again
 * (`refreshed`), a goodbye scheduled (`goodbye`), nothing (`ignored`: a goodbye
 * for an unknown record, or an OPT/ANY pseudo-record), or `rejected` (no room:
 * larger than the whole budget, or the cache is full of what it may not evict
 * for this record; see the eviction policy in `peer_cache.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { InsertResult } from "./peer_cache_options.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * import type { ARecord } from "../codec/mod.ts";
 * const cache = new PeerServiceCache();
 * const a = (ttl: number): ARecord => ({
 *   name: "h.local", type: 1, class: 1, cacheFlush: true, ttl, data: "198.18.0.2",
 * });
 * const ctx = { interfaceName: "eth0", now: 0 };
 * const results: InsertResult[] = [120, 120, 0].map((ttl) => cache.insertRecord(a(ttl), ctx));
 * assert.deepEqual(results, ["added", "refreshed", "goodbye"]);
 * ```
 */
export type InsertResult = "added" | "refreshed" | "goodbye" | "ignored" | "rejected";

/**
 * Filters for lookups.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PeerLookupOptions } from "./peer_cache_options.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * const cache = new PeerServiceCache();
 * cache.insertRecord(
 *   { name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" },
 *   { interfaceName: "eth0", now: 0 },
 * );
 * const options: PeerLookupOptions = { interfaceName: "eth1", now: 0 };
 * assert.equal(cache.lookup("h.local", 1).length, 1);
 * assert.equal(cache.lookup("h.local", 1, options).length, 0);
 * ```
 */
export interface PeerLookupOptions {
  /** Only records heard on this interface. */
  interfaceName?: string;
  /** Only this class (records of every class otherwise). */
  class?: number;
  /** Hide records already expired at this time (ms). */
  now?: number;
}

/**
 * What the service assemblers read from a peer cache: its records by name
 * and type. `PeerServiceCache` is one; `serviceInfo()`, the
 * cache-only lookups and the per-link view take this instead of the class,
 * so they need not import the cache that calls them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PeerRecordLookup } from "./peer_cache_options.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * const records: PeerRecordLookup = new PeerServiceCache();
 * assert.deepEqual(records.lookup("h.local", 1), []);
 * ```
 */
export interface PeerRecordLookup {
  /** Records at `name` of `type` (every type for `RecordType.ANY`), any case. */
  lookup(name: string, type: number, options?: PeerLookupOptions): PeerRecord[];
}

/**
 * A change to the cache, delivered synchronously to subscribers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PeerCacheEvent } from "./peer_cache_options.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * const cache = new PeerServiceCache();
 * const events: PeerCacheEvent[] = [];
 * cache.subscribe((e) => events.push(e));
 * cache.insertRecord(
 *   { name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" },
 *   { interfaceName: "eth0", now: 0 },
 * );
 * cache.clear();
 * const kinds = events.map((e) => e.type === "removed" ? e.reason : e.type);
 * assert.deepEqual(kinds, ["added", "cleared"]);
 * ```
 */
export type PeerCacheEvent =
  | { readonly type: "added"; readonly record: PeerRecord }
  | {
    readonly type: "updated";
    readonly record: PeerRecord;
    /** `refreshed`: heard again with another TTL; `rescued`: heard again while leaving. */
    readonly reason: "refreshed" | "rescued";
    readonly previousTtl: number;
  }
  | { readonly type: "removed"; readonly record: PeerRecord; readonly reason: RemovalReason };

/**
 * Options for `PeerServiceCache`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PeerServiceCacheOptions } from "./peer_cache_options.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * const options: PeerServiceCacheOptions = { maxBytes: 64 * 1024, random: () => 0.5 };
 * assert.equal(new PeerServiceCache(options).capacity, 65536);
 * ```
 */
export interface PeerServiceCacheOptions {
  /**
   * Byte budget; when full, whole services are evicted, what no running query
   * needs first (see `PeerServiceCache`). @default {4194304}
   */
  maxBytes?: number;
  /** Source of refresh jitter. @default {systemRandom} */
  random?: Random;
}
