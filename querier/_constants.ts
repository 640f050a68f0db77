/**
 * The querier's protocol constants, each citing where it comes from.
 * Internal: not exported from `mod.ts`.
 *
 * @module
 */

/** RFC 6762 §5.2: the first query of a series waits a random 20-120 ms. */
export const FIRST_QUERY_MIN_DELAY_MS = 20;
/** RFC 6762 §5.2: upper end of the first query's random delay. */
export const FIRST_QUERY_MAX_DELAY_MS = 120;
/** RFC 6762 §5.2: "the interval between the first two queries MUST be at least one second". */
export const FIRST_QUERY_INTERVAL_MS = 1000;
/** RFC 6762 §5.2: each interval at least doubles the one before... */
export const QUERY_INTERVAL_FACTOR = 2;
/** RFC 6762 §5.2: ...and may be capped at sixty minutes. */
export const MAX_QUERY_INTERVAL_MS = 60 * 60 * 1000;
/**
 * A floor against refresh storms (checklist X-low-ttl-guard; python-zeroconf
 * and Apple floor tiny PTR TTLs instead): refresh queries (RFC 6762 §5.2) for
 * one question on one link go out at most once per this interval, whatever
 * TTL a peer gives. A record with a TTL under 100 s may get fewer than its
 * four refresh queries, and is removed at expiry if its owner stays silent.
 * Three seconds keeps all four for any TTL of 100 s or more (their points lie
 * at least 5 % - 2 % of the TTL apart).
 */
export const REFRESH_FLOOR_MS = 3000;
/**
 * RFC 6762 §7.3: a QM question another host asked this recently (with no
 * Known Answer we would leave out) stands for ours; python-zeroconf uses 999 ms.
 */
export const DUPLICATE_QUESTION_WINDOW_MS = 999;
/** RFC 6762 §10.5: a record asked for twice with no answer within this long is flushed. */
export const POOF_WINDOW_MS = 10_000;
/** RFC 6762 §10.5: queries from others that must go unanswered before a flush. */
export const POOF_QUERY_COUNT = 2;
/** RFC 6762 §10.4: a reconfirmed record not heard again within this long is flushed. */
export const RECONFIRM_WINDOW_MS = 10_000;
/** RFC 6762 §10.4: when the reconfirm queries go out (ms after the call): at least two. */
export const RECONFIRM_QUERY_TIMES_MS: readonly number[] = [0, 1000, 3000];
/**
 * Bound on the records POOF and the duplicate-question history track at once
 * (the oldest go first), so a flood of queries cannot grow memory.
 */
export const OBSERVATION_LIMIT = 4096;
/** Default `resolve`/`lookupHost`/`lookupAddress` timeout (ms). */
export const DEFAULT_LOOKUP_TIMEOUT_MS = 3000;
/** Default bound on a browse's queued (coalesced) events; see `BrowseOptions.bufferSize`. */
export const DEFAULT_BROWSE_BUFFER = 1024;
