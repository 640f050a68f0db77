/**
 * The constants, inputs, options and events of the peer service cache
 * (`peer_cache.ts`).
 *
 * @module
 */

import type { Random } from "../clock.ts";
import type { PeerRecord, RemovalReason } from "./peer_record.ts";

/** RFC 6762 §10.2: records heard more than this long ago are flushed by a cache-flush record. */
export const CACHE_FLUSH_GRACE_MS = 1000;
/** RFC 6762 §10.2: flushed records expire this long after the cache-flush record arrives. */
export const CACHE_FLUSH_DELAY_MS = 1000;
/** RFC 6762 §10.1: a goodbye (TTL 0) leaves the record for one more second. */
export const GOODBYE_DELAY_MS = 1000;
/** RFC 6762 §5.2: refresh queries at 80, 85, 90 and 95 % of the TTL. */
export const REFRESH_POINTS: readonly number[] = [0.8, 0.85, 0.9, 0.95];
/** RFC 6762 §5.2: each refresh point gets 0-2 % of the TTL of random jitter. */
export const REFRESH_JITTER = 0.02;
/** Default byte budget: 4 MiB, about 15,000 typical records. */
export const DEFAULT_PEER_CACHE_BYTES = 4 * 1024 * 1024;

/** A record to insert: rdata in canonical form (as `copyRdata` or `encodeRdata` make it). */
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

/** Where and when a record was heard. */
export interface InsertContext {
  /** Interface it was heard on. */
  interfaceName: string;
  /** Current time in ms. */
  now: number;
}

/**
 * What an insert did: a new record (`added`), a known one heard again
 * (`refreshed`), a goodbye scheduled (`goodbye`), nothing (`ignored`: a goodbye
 * for an unknown record, or an OPT/ANY pseudo-record), or `rejected` (larger
 * than the whole budget).
 */
export type InsertResult = "added" | "refreshed" | "goodbye" | "ignored" | "rejected";

/** Filters for lookups. */
export interface PeerLookupOptions {
  /** Only records heard on this interface. */
  interfaceName?: string;
  /** Only this class (records of every class otherwise). */
  class?: number;
  /** Hide records already expired at this time (ms). */
  now?: number;
}

/** A change to the cache, delivered synchronously to subscribers. */
export type PeerCacheEvent =
  | { readonly kind: "added"; readonly record: PeerRecord }
  | {
    readonly kind: "updated";
    readonly record: PeerRecord;
    /** `refreshed`: heard again with another TTL; `rescued`: heard again while leaving. */
    readonly reason: "refreshed" | "rescued";
    readonly previousTtl: number;
  }
  | { readonly kind: "removed"; readonly record: PeerRecord; readonly reason: RemovalReason };

/** Options for `PeerServiceCache`. */
export interface PeerServiceCacheOptions {
  /** Byte budget. @default {4194304} */
  maxBytes?: number;
  /** Source of refresh jitter. @default {systemRandom} */
  random?: Random;
}
