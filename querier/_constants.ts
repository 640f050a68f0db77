/**
 * The querier's protocol constants, each citing where it comes from.
 * Internal: not exported from `mod.ts`.
 *
 * @module
 */

/**
 * RFC 6762 §5.2: the first query of a series waits a random 20-120 ms.
 */
export const FIRST_QUERY_MIN_DELAY_MS = 20;
/**
 * RFC 6762 §5.2: upper end of the first query's random delay.
 */
export const FIRST_QUERY_MAX_DELAY_MS = 120;
/**
 * RFC 6762 §5.2: "the interval between the first two queries MUST be at least one second".
 */
export const FIRST_QUERY_INTERVAL_MS = 1000;
/**
 * RFC 6762 §5.2: each interval at least doubles the one before ("MUST
 * increase by at least a factor of two"); like mDNSResponder
 * (`QuestionIntervalStep`), ours triple: 1, 3, 9 s. Every continuous query
 * carries the Known-Answer list (§7.1), 2 packets for 100 services and 19 for
 * 1,000, so fewer of them is most of what keeps a browse quiet.
 */
export const QUERY_INTERVAL_FACTOR = 3;
/**
 * Once a continuous question's interval reaches this, the next is the
 * 60-minute cap (mDNSResponder's `QuestionIntervalThreshold`, 27 s): a
 * question is asked at about 0, 1, 4 and 13 s, then hourly. The intervals
 * still grow by at least a factor of two (RFC 6762 §5.2); services that
 * appear later announce themselves (§8.3), and the records a browse holds are
 * kept by their own refresh queries (§5.2), not by these.
 */
export const QUERY_INTERVAL_JUMP_MS = 27_000;
/**
 * RFC 6762 §5.2: ...and may be capped at sixty minutes.
 */
export const MAX_QUERY_INTERVAL_MS = 60 * 60 * 1000;
/**
 * A budget for one continuous question's packets on a link and family, its
 * Known-Answer continuation packets (RFC 6762 §7.2) included: a burst of this
 * many, then `QUESTION_PACKETS_PER_MINUTE`. A query that spends more than the
 * question has left stretches the interval before the next one until the
 * budget holds that many packets again (§5.2 sets no upper bound on an
 * interval; they still at least double and stop at the 60-minute cap). A
 * browse of 100 services (known answers in 2 packets) keeps its series at 0,
 * 1, 4 and 13 s (1 + 2 + 2 + 2 packets); one of 1,000 (19 packets) asks at 0
 * and 1 s, then about 5 minutes later, instead of 19 packets again at 4 and
 * 13 s. mDNSResponder stops asking a browse that has enough answers until its
 * 60-minute interval (`BrowseThreshold`); this is the same idea scaled by
 * what the repeats cost the link.
 */
export const QUESTION_PACKET_BURST = 8;
/**
 * The rate at which a continuous question's packet budget
 * (`QUESTION_PACKET_BURST`) comes back, per link and family: six packets a
 * minute, a third of what one query listing 1,000 known answers takes.
 */
export const QUESTION_PACKETS_PER_MINUTE = 6;
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
 * RFC 6762 §5.3: a continuous question already asked twice or more goes with
 * a packet that leaves now when it is due within this fraction of its
 * interval (mDNSResponder's `AccelerateThisQuery`: "more than 90% of the way
 * to the query time"), so questions started a moment apart (a browse and its
 * follow-ups, two browses) come into step. The intervals still grow by at
 * least a factor of two (§5.2): from the third query on an interval is three
 * times the one before, and 90 % of it is still 2.7 times; the second query
 * is never pulled (its interval must be at least one second).
 */
export const CONTINUOUS_PULL_FRACTION = 0.1;
/**
 * RFC 6762 §5.3 (several questions per query): when the querier sends, it
 * also asks now for every watched record whose refresh point (§5.2) falls
 * within this long, so the refreshes of records heard together (a service's
 * SRV and its host's A, every service of one answer burst) share packets
 * instead of leaving one by one as their 0-2 % jitter spreads them.
 * mDNSResponder does the same ("close enough to their NextRequiredQuery to be
 * worth batching", within TTL/50); 2.5 s is 2 % of the 120 s TTL of SRV and
 * address records, plus the spread of one burst of answers. A record is never
 * asked for this way while more than half its TTL is left (§5.2, §7.1): with
 * a TTL under about 8 s, a pulled refresh point is skipped instead.
 */
export const REFRESH_PULL_MS = 2500;
/**
 * A bound on refresh traffic: at most this many query packets carrying
 * refresh questions (RFC 6762 §5.2) per link per second on each address
 * family (a token bucket: bursts of this many, this many a second on
 * average). Refresh questions over the bound wait for the next tokens; Known-Answer continuation packets (§7.2) count too, so one send
 * may overdraw and the next ones wait. Twenty full packets hold about 1,600
 * refresh questions: a thousand services' SRV and address refreshes go in
 * about a second, ten thousand in under twenty, well inside the 15 % of the
 * TTL between the first refresh point and expiry; a LAN whose services all
 * stop answering at once sees this much and no more (the storm it bounds was
 * over 1,000 packets a second for 1,000 services).
 */
export const REFRESH_PACKETS_PER_SECOND = 20;
/**
 * A bound on a browse's follow-up questions (RFC 6763 §12: SRV and TXT of
 * each instance its PTRs list, A and AAAA of each target): at most this many
 * query packets of them per link per second on each address family (a token
 * bucket: a burst of this many, this many a second after that). The network
 * decides how many instances a browse follows, so without a bound 50,000 fake
 * PTRs drew over 1,300 query packets in 15 s (issue 16). A real instance
 * usually needs no follow-up at all (its responder adds SRV, TXT and
 * addresses to the PTR answer, §12.1); the questions over the bound wait per
 * link (newest first, `FOLLOW_UP_QUEUE_LIMIT`). A resolve or a lookup the
 * user started is not bound by it. Two full packets carry about 160
 * follow-up questions.
 */
export const FOLLOW_UP_PACKETS_PER_SECOND = 2;
/**
 * How many follow-up questions may wait for `FOLLOW_UP_PACKETS_PER_SECOND`
 * on one link. The newest go first (a service that just appeared is the one
 * a user is looking at); when the queue is full the oldest waiting question
 * is dropped, and it comes back when its continuous question is next due
 * (§5.2 back-off: 1, 3, 9 s, then hourly), so an instance that never answers
 * costs less and less.
 */
export const FOLLOW_UP_QUEUE_LIMIT = 1024;
/**
 * How many listed instances with neither SRV nor TXT in the cache one browse
 * follows in full at a time (a cache watch and SRV/TXT follow-up questions
 * each). The network decides how many PTR-only instances a browse hears (a
 * flood of fake PTRs: thousands, issue 16), and `FOLLOW_UP_PACKETS_PER_SECOND`
 * lets it ask about only ~27 instances a second anyway (160 questions a
 * second, SRV and TXT asked 3 times before the PTR is doubted,
 * `DOUBT_AFTER_QUERIES`, ~14 s): this many keep that budget busy. The rest
 * are parked (their PTRs stay in the cache, the browse keeps only the PTRs
 * that list them) and taken up oldest first as followed ones complete, are
 * doubted away or leave. A parked instance whose SRV or TXT arrives anyway
 * is followed at once, so a real service that announces itself whole
 * (§12.1 additionals) is listed at once. Under a flood, the browse's memory
 * and its garbage (one tracker, watch and question pair per fake, made and
 * dropped every ~14 s) stay bounded by this, not by the cache budget.
 */
export const FOLLOWED_INCOMPLETE_LIMIT = 512;
/**
 * The most Known-Answer records (RFC 6762 §7.1) of incomplete listings (a PTR
 * whose instance has no SRV and no TXT in the cache) one link's query lists,
 * continuation packets (§7.2) included. The network decides how many PTRs a
 * browse holds: 9,000 fake instances made each PTR query about 100 packets.
 * Records of whole services are all listed (the peer cache's byte budget
 * bounds them, and leaving one out draws a response from its responder each
 * time we ask); what is left out are listings nobody completed, whose
 * responders, if real, only answer again (§7.1 costs a response, never a
 * query). About seven packets of PTRs.
 */
export const KNOWN_ANSWER_LIMIT = 400;
/**
 * RFC 6763 §12.2: a responder answering an SRV question adds its target's A
 * and AAAA records. When a refresh question for an SRV goes out, the refresh
 * questions for its target's addresses wait this long and are dropped if that
 * answer refreshed them (they go as usual when the responder sent no
 * additionals). A service's refresh then costs one question, not three.
 */
export const ADDRESS_REFRESH_DEFER_MS = 1000;
/**
 * How long `lookupHost` (both families asked) waits for the other family
 * after the first address arrives, unless an NSEC says the host has none
 * (RFC 6762 §6.1). RFC 8305 §3 (Happy Eyeballs) waits 50 ms for the AAAA
 * after an A ("Resolution Delay"); glibc's DNS getaddrinfo sends A and AAAA
 * together and waits for both; mDNSResponder's DNSServiceGetAddrInfo calls
 * back once per address as it comes (a stream, which one promise cannot be);
 * Avahi's host-name resolver returns the first address of either family
 * (avahi-core/resolve-host-name.c), which is how one family went missing.
 * Our querier asks A and AAAA in one packet and responders answer unique
 * records at once (§6), so both usually arrive together; 100 ms covers a
 * responder that answers them in two packets on a loaded host. The lookup's
 * timeout still bounds the whole.
 */
export const HOST_FAMILY_WAIT_MS = 100;
/**
 * RFC 6762 §7.3: a QM question another host asked this recently (with no
 * Known Answer we would leave out) stands for ours; python-zeroconf uses 999 ms.
 */
export const DUPLICATE_QUESTION_WINDOW_MS = 999;
/**
 * RFC 6762 §7.2: a truncated query's next packet comes within this long of
 * the one before (a responder waits 400-500 ms for it), or the query is taken
 * as unfinished: duplicate question suppression (§7.3) learns nothing from it.
 */
export const CONTINUATION_WAIT_MS = 500;
/**
 * The most Known Answers a truncated query (§7.2) may list, over all its
 * packets, for §7.3 to learn from it: about 25 full packets, more than a
 * browse of 1,000 services lists. A longer one is dropped as it goes.
 */
export const CONTINUED_KNOWN_ANSWER_LIMIT = 2048;
/**
 * How many truncated queries (§7.2) from different senders may wait for
 * their next packet at once (the oldest dropped first): a sender's packets go
 * back to back, so a few are open at a time; a flood of truncated queries
 * holds at most this many runs of `CONTINUED_KNOWN_ANSWER_LIMIT` answers.
 */
export const CONTINUED_QUERY_LIMIT = 32;
/**
 * RFC 6762 §10.5: a record asked for twice with no answer within this long is flushed.
 */
export const POOF_WINDOW_MS = 10_000;
/**
 * RFC 6762 §10.5 with §6: a query heard this soon after the record itself
 * expects no answer (a responder multicasts a record at most once a second on
 * a link), so it does not count toward a flush.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { POOF_ANSWER_QUIET_MS } from "./_constants.ts";
 * assert.equal(POOF_ANSWER_QUIET_MS, 1000);
 * ```
 */
export const POOF_ANSWER_QUIET_MS = 1000;
/**
 * RFC 6762 §10.5: queries from others that must go unanswered before a flush.
 */
export const POOF_QUERY_COUNT = 2;
/**
 * RFC 6762 §6: a unicast response is accepted only if it answers a question
 * we asked for a unicast reply this recently ("e.g., sent within the last two
 * seconds").
 */
export const UNICAST_RESPONSE_WINDOW_MS = 2000;
/**
 * RFC 6762 §10.4: a reconfirmed record not heard again within this long is flushed.
 */
export const RECONFIRM_WINDOW_MS = 10_000;
/**
 * RFC 6762 §10.4: when the reconfirm queries go out (ms after the call): at least two.
 */
export const RECONFIRM_QUERY_TIMES_MS: readonly number[] = [0, 1000, 3000];
/**
 * RFC 6762 §10.4: when a continuous SRV question has gone out this many
 * times and the cache still holds no SRV for it, the PTRs that named the
 * instance are in doubt and are reconfirmed (asked for again, without
 * themselves as Known Answers; purged when nobody confirms them within
 * `RECONFIRM_WINDOW_MS`). mDNSResponder does the same when it sends a
 * question the third time with no answer yet ("time to begin doubting the
 * source", `ReconfirmAntecedents`). A browse's follow-ups for an instance go
 * at about 0, 1 and 4 s, so a PTR nobody stands behind is gone about 14 s
 * after it came, with its tracker, instead of after its 75-minute TTL.
 */
export const DOUBT_AFTER_QUERIES = 3;
/**
 * Bound on the records POOF and the duplicate-question history track at once
 * (the oldest go first), so a flood of queries cannot grow memory.
 */
export const OBSERVATION_LIMIT = 4096;
/**
 * Default `resolve`/`lookupHost`/`lookupAddress` timeout (ms).
 */
export const DEFAULT_LOOKUP_TIMEOUT_MS = 3000;
/**
 * Default bound on a browse's queued (coalesced) events; see `BrowseOptions.bufferSize`.
 */
export const DEFAULT_BROWSE_BUFFER = 1024;
