/**
 * The querier's protocol constants, each citing where it comes from.
 * Internal: not exported from `mod.ts`.
 *
 * @module
 */

/**
 * RFC 6762 §5.2: the first query of a series waits a random 20-120 ms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FIRST_QUERY_MAX_DELAY_MS, FIRST_QUERY_MIN_DELAY_MS } from "./_constants.ts";
 * assert.ok(FIRST_QUERY_MIN_DELAY_MS === 20 && FIRST_QUERY_MAX_DELAY_MS === 120);
 * ```
 */
export const FIRST_QUERY_MIN_DELAY_MS = 20;
/**
 * RFC 6762 §5.2: upper end of the first query's random delay.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FIRST_QUERY_MAX_DELAY_MS, FIRST_QUERY_MIN_DELAY_MS } from "./_constants.ts";
 * assert.equal(FIRST_QUERY_MAX_DELAY_MS - FIRST_QUERY_MIN_DELAY_MS, 100);
 * ```
 */
export const FIRST_QUERY_MAX_DELAY_MS = 120;
/**
 * RFC 6762 §5.2: "the interval between the first two queries MUST be at least one second".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FIRST_QUERY_INTERVAL_MS } from "./_constants.ts";
 * assert.equal(FIRST_QUERY_INTERVAL_MS, 1000);
 * ```
 */
export const FIRST_QUERY_INTERVAL_MS = 1000;
/**
 * RFC 6762 §5.2: each interval at least doubles the one before...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FIRST_QUERY_INTERVAL_MS, QUERY_INTERVAL_FACTOR } from "./_constants.ts";
 * assert.equal(FIRST_QUERY_INTERVAL_MS * QUERY_INTERVAL_FACTOR ** 3, 8000); // 1, 2, 4, 8 s
 * ```
 */
export const QUERY_INTERVAL_FACTOR = 2;
/**
 * RFC 6762 §5.2: ...and may be capped at sixty minutes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MAX_QUERY_INTERVAL_MS } from "./_constants.ts";
 * assert.equal(MAX_QUERY_INTERVAL_MS, 3_600_000);
 * ```
 */
export const MAX_QUERY_INTERVAL_MS = 60 * 60 * 1000;
/**
 * A floor against refresh storms (checklist X-low-ttl-guard; python-zeroconf
 * and Apple floor tiny PTR TTLs instead): refresh queries (RFC 6762 §5.2) for
 * one question on one link go out at most once per this interval, whatever
 * TTL a peer gives. A record with a TTL under 100 s may get fewer than its
 * four refresh queries, and is removed at expiry if its owner stays silent.
 * Three seconds keeps all four for any TTL of 100 s or more (their points lie
 * at least 5 % - 2 % of the TTL apart).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { REFRESH_FLOOR_MS } from "./_constants.ts";
 * // The 80 % and 85 % points of a 100 s TTL lie at least 3 s apart (5 % - 2 % jitter).
 * assert.ok(100_000 * (0.85 - 0.82) >= REFRESH_FLOOR_MS);
 * ```
 */
export const REFRESH_FLOOR_MS = 3000;
/**
 * RFC 6762 §7.3: a QM question another host asked this recently (with no
 * Known Answer we would leave out) stands for ours; python-zeroconf uses 999 ms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DUPLICATE_QUESTION_WINDOW_MS, FIRST_QUERY_INTERVAL_MS } from "./_constants.ts";
 * assert.ok(DUPLICATE_QUESTION_WINDOW_MS < FIRST_QUERY_INTERVAL_MS);
 * ```
 */
export const DUPLICATE_QUESTION_WINDOW_MS = 999;
/**
 * RFC 6762 §10.5: a record asked for twice with no answer within this long is flushed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { POOF_WINDOW_MS } from "./_constants.ts";
 * assert.equal(POOF_WINDOW_MS, 10_000);
 * ```
 */
export const POOF_WINDOW_MS = 10_000;
/**
 * RFC 6762 §10.5: queries from others that must go unanswered before a flush.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { POOF_QUERY_COUNT } from "./_constants.ts";
 * assert.equal(POOF_QUERY_COUNT, 2);
 * ```
 */
export const POOF_QUERY_COUNT = 2;
/**
 * RFC 6762 §6: a unicast response is accepted only if it answers a question
 * we asked for a unicast reply this recently ("e.g., sent within the last two
 * seconds").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UNICAST_RESPONSE_WINDOW_MS } from "./_constants.ts";
 * assert.equal(UNICAST_RESPONSE_WINDOW_MS, 2000);
 * ```
 */
export const UNICAST_RESPONSE_WINDOW_MS = 2000;
/**
 * RFC 6762 §10.4: a reconfirmed record not heard again within this long is flushed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { POOF_WINDOW_MS, RECONFIRM_WINDOW_MS } from "./_constants.ts";
 * assert.equal(RECONFIRM_WINDOW_MS, POOF_WINDOW_MS);
 * ```
 */
export const RECONFIRM_WINDOW_MS = 10_000;
/**
 * RFC 6762 §10.4: when the reconfirm queries go out (ms after the call): at least two.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RECONFIRM_QUERY_TIMES_MS, RECONFIRM_WINDOW_MS } from "./_constants.ts";
 * assert.ok(RECONFIRM_QUERY_TIMES_MS.length >= 2); // "two or more queries"
 * assert.ok(RECONFIRM_QUERY_TIMES_MS.every((t) => t < RECONFIRM_WINDOW_MS));
 * ```
 */
export const RECONFIRM_QUERY_TIMES_MS: readonly number[] = [0, 1000, 3000];
/**
 * Bound on the records POOF and the duplicate-question history track at once
 * (the oldest go first), so a flood of queries cannot grow memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OBSERVATION_LIMIT } from "./_constants.ts";
 * assert.equal(OBSERVATION_LIMIT, 4096);
 * ```
 */
export const OBSERVATION_LIMIT = 4096;
/**
 * Default `resolve`/`lookupHost`/`lookupAddress` timeout (ms).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_LOOKUP_TIMEOUT_MS } from "./_constants.ts";
 * assert.equal(DEFAULT_LOOKUP_TIMEOUT_MS, 3000);
 * ```
 */
export const DEFAULT_LOOKUP_TIMEOUT_MS = 3000;
/**
 * Default bound on a browse's queued (coalesced) events; see `BrowseOptions.bufferSize`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_BROWSE_BUFFER } from "./_constants.ts";
 * assert.equal(DEFAULT_BROWSE_BUFFER, 1024);
 * ```
 */
export const DEFAULT_BROWSE_BUFFER = 1024;
