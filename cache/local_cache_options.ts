/**
 * The options of the local service cache and its default byte budget, beside
 * `local_cache.ts` as `peer_cache_options.ts` is beside the peer cache.
 *
 * @module
 */

/**
 * Default byte budget: 256 KiB, a few hundred services.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_LOCAL_CACHE_BYTES, LocalServiceCache } from "./local_cache.ts";
 * assert.equal(DEFAULT_LOCAL_CACHE_BYTES, 262144);
 * assert.equal(new LocalServiceCache().capacity, DEFAULT_LOCAL_CACHE_BYTES);
 * ```
 */
export const DEFAULT_LOCAL_CACHE_BYTES = 256 * 1024;

/**
 * Options for {@linkcode LocalServiceCache}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LocalServiceCache, type LocalServiceCacheOptions } from "./local_cache.ts";
 * const options: LocalServiceCacheOptions = { maxBytes: 16 * 1024 };
 * assert.equal(new LocalServiceCache(options).capacity, 16384);
 * ```
 */
export interface LocalServiceCacheOptions {
  /** Byte budget. @default {262144} */
  maxBytes?: number;
}

/**
 * Options for {@linkcode LocalServiceCache.setHost}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type HostOptions, LocalServiceCache } from "./local_cache.ts";
 * const local = new LocalServiceCache();
 * const options: HostOptions = { interfaceName: "eth0", ttl: 60 };
 * const [a] = local.setHost("myhost.local", ["198.18.0.2"], options);
 * assert.equal(a.interfaceName, "eth0");
 * assert.equal(a.record.ttl, 60);
 * ```
 */
export interface HostOptions {
  /** Interface the addresses belong to (RFC 6762 §14); all interfaces when absent. */
  interfaceName?: string;
  /** TTL of the address records and NSEC. @default {120} */
  ttl?: number;
  /** Also publish the reverse-mapping PTRs (see `hostRecords`). @default {false} */
  reverse?: boolean;
}
