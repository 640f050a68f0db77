/**
 * Which of the peer cache's refresh points turn into questions, and when
 * (RFC 6762 §5.2: ask again at 80-95 % of a watched record's TTL, each point
 * with a random variation of 2 % of the TTL). The querier owns those points
 * (the stack's cache timer runs expiry only).
 *
 * A refresh round: when the first point falls due, the records due then are
 * held, and the round goes at a time drawn once, uniformly within what is
 * left of their 2 % window; it then asks for those and for every point due
 * within {@linkcode REFRESH_PULL_MS}, so nearby refreshes share a packet, and
 * queues the ones worth asking. One draw per round, not the earliest of the
 * records' own draws: a host holding hundreds of records heard together (every
 * answer of the last round) reached its first point within a few milliseconds
 * of 80 %, as did every other host holding them, so every browser of the LAN
 * asked in the same millisecond and none could skip its questions as asked
 * by another (§7.3: the LAN simulation, issue 16 item 8, 20-170 refresh
 * packets a round where one host's would do).
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import type { Random } from "../clock.ts";
import type { PeerServiceCache } from "../cache/peer_cache.ts";
import type { PeerRecord } from "../cache/peer_record.ts";
import { REFRESH_JITTER, REFRESH_POINTS } from "../cache/peer_cache_options.ts";
import { REFRESH_PULL_MS } from "./_constants.ts";
import type { Outbox } from "./_outbox.ts";

/** Says whether another host just asked this question (RFC 6762 §7.3). */
export type AskedByOthers = (name: string, type: number, iface: string, now: number) => boolean;

/**
 * The refresh rounds of one querier.
 */
export class RefreshRounds {
  #cache: PeerServiceCache;
  #random: Random;
  #held: PeerRecord[] = [];
  #at = Infinity;

  /** Refreshes the records `cache` watches, drawing each round's time from `random`. */
  constructor(cache: PeerServiceCache, random: Random) {
    this.#cache = cache;
    this.#random = random;
  }

  /** When the next round starts or goes (ms), `Infinity` when none is due. */
  nextDeadline(): number {
    return this.#held.length > 0 ? this.#at : this.#cache.nextRefresh();
  }

  /**
   * Starts a round when a refresh point is due at `now`; sends one whose
   * time came: queues in `outbox` the refreshes on the links named in
   * `linkNames`, leaving out those `askedByOthers` says another host just
   * asked (the answer to theirs refreshes us too).
   */
  run(
    now: number,
    outbox: Outbox,
    linkNames: ReadonlySet<string>,
    askedByOthers: AskedByOthers,
  ): void {
    if (this.#held.length === 0) {
      // Only when one is due now: the scheduler runs every part when one is
      // due, and pulling on our responder's answer to another host's query
      // would send our refreshes right behind theirs, instead of letting the
      // answer to theirs refresh our cache.
      if (this.#cache.nextRefresh() > now) return;
      this.#held = this.#cache.takeDueRefreshes(now);
      if (this.#held.length === 0) return;
      this.#at = now + Math.floor(this.#random() * windowLeft(this.#held, now));
    }
    if (now < this.#at) return;
    const due = this.#held;
    this.#held = [];
    this.#at = Infinity;
    for (const list of [due, this.#cache.takeDueRefreshes(now + REFRESH_PULL_MS)]) {
      for (const r of list) {
        if (!r.live || !linkNames.has(r.interfaceName)) continue;
        // RFC 6762 §6.1: an NSEC answers a question for a type that is not
        // there; nobody asks for it. Asking type NSEC at 80 % of its TTL
        // doubled the refresh traffic of every browsed service (the LAN
        // simulation, issue 16 item 8); it comes back beside the records it
        // rides with.
        if (r.type === RecordType.NSEC) continue;
        // Never while more than half the TTL is left (§5.2): a tiny TTL
        // skips a point; an answer heard since the round began skips it too.
        if (r.remainingTtl(now) * 2 > r.ttl) continue;
        // The storm floor: a peer's tiny TTL cannot make us ask more often.
        if (!outbox.refreshAllowed(r.interfaceName, r.name, r.type, now)) continue;
        if (askedByOthers(r.name, r.type, r.interfaceName, now)) continue;
        outbox.addRefresh(r.interfaceName, r.name, r.type);
      }
    }
  }
}

// What is left at `now` of the 2 % window (§5.2) of the refresh point each of
// `records` just reached, the least of them, and no more than REFRESH_PULL_MS.
function windowLeft(records: readonly PeerRecord[], now: number): number {
  let left = REFRESH_PULL_MS;
  for (const r of records) {
    const ttlMs = r.ttl * 1000;
    const reached = (now - r.receivedAt) / ttlMs;
    for (const point of REFRESH_POINTS) {
      if (reached >= point + REFRESH_JITTER) continue;
      left = Math.min(left, r.receivedAt + (point + REFRESH_JITTER) * ttlMs - now);
      break;
    }
  }
  return Math.max(0, left);
}
