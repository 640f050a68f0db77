/**
 * When each peer-cache record is next due: its expiry (RFC 6762 §10, shortened
 * to a second by goodbyes and cache-flush, §10.1, §10.2) and its next refresh
 * point (80, 85, 90, 95 % of the TTL plus 0-2 % jitter, §5.2). Two
 * {@linkcode DeadlineHeap}s keep them in order.
 *
 * Each entry records the time it is queued at in each heap (`expiryQueued`,
 * `refreshQueued`). A time moved earlier is pushed again; a time moved later
 * is not, and the old pair re-queues itself when it reaches the top. So a
 * record heard a thousand times holds one pair per heap, not a thousand, and
 * pairs left by removed records are swept by {@linkcode PeerSchedule.compact}.
 *
 * Refresh points are armed only for entries the `wants` predicate accepts (a
 * running query watches them, see `peer_watch.ts`): unsolicited records cost
 * no wake-ups before their expiry.
 *
 * @module
 */

import type { Random } from "../clock.ts";
import { DeadlineHeap } from "./_deadline_heap.ts";
import { REFRESH_JITTER, REFRESH_POINTS } from "./peer_cache_options.ts";
import {
  LIVE_BIT,
  type PeerEntry,
  PENDING_MASK,
  PENDING_SHIFT,
  REFRESH_MASK,
  REFRESH_SHIFT,
} from "./peer_record.ts";

/**
 * The expiry and refresh deadlines of a peer cache's entries (internal; times
 * are the cache's relative milliseconds).
 */
export class PeerSchedule {
  #expiry = new DeadlineHeap<PeerEntry>();
  #refresh = new DeadlineHeap<PeerEntry>();
  #random: Random;
  #wants: (entry: PeerEntry) => boolean;

  /**
   * Creates an empty schedule drawing refresh jitter from `random`; refresh
   * points are armed only for entries `wants` accepts.
   */
  constructor(random: Random, wants: (entry: PeerEntry) => boolean) {
    this.#random = random;
    this.#wants = wants;
  }

  /** Sets the heard time, expiry and first refresh point of a (re)heard record. */
  schedule(entry: PeerEntry, t: number): void {
    entry.heard = t;
    entry.expires = t + entry.ttl * 1000;
    if (entry.expiryQueued < 0 || entry.expires < entry.expiryQueued) {
      entry.expiryQueued = entry.expires;
      this.#expiry.push(entry.expires, entry);
    }
    this.setRefresh(entry, 0);
  }

  /** Points the entry at refresh point `index` (none past the last). */
  setRefresh(entry: PeerEntry, index: number): void {
    entry.bits = (entry.bits & ~REFRESH_MASK) | (index << REFRESH_SHIFT);
    if (index >= REFRESH_POINTS.length || !this.#wants(entry)) {
      entry.refreshAt = -1;
      return;
    }
    // RFC 6762 §5.2: at 80/85/90/95 % of the TTL, plus 0-2 % random variation.
    const fraction = REFRESH_POINTS[index] + REFRESH_JITTER * this.#random();
    entry.refreshAt = entry.heard + Math.floor(entry.ttl * 1000 * fraction);
    if (entry.refreshQueued < 0 || entry.refreshAt < entry.refreshQueued) {
      entry.refreshQueued = entry.refreshAt;
      this.#refresh.push(entry.refreshAt, entry);
    }
  }

  /**
   * Arms the first refresh point after `t` for an entry that became wanted
   * (a query started watching it); nothing for one that is leaving.
   */
  arm(entry: PeerEntry, t: number): void {
    if ((entry.bits & PENDING_MASK) !== 0 || entry.refreshAt >= 0) return;
    let index = 0;
    while (
      index < REFRESH_POINTS.length &&
      entry.heard + entry.ttl * 1000 * REFRESH_POINTS[index] <= t
    ) index++;
    this.setRefresh(entry, index);
  }

  /** Sets an entry to leave at `at` (a goodbye or a cache-flush), with no more refreshes. */
  leaveSoon(entry: PeerEntry, at: number, pending: number): void {
    entry.bits = (entry.bits & ~(PENDING_MASK | REFRESH_MASK)) | (pending << PENDING_SHIFT) |
      (REFRESH_POINTS.length << REFRESH_SHIFT);
    entry.refreshAt = -1;
    if (at < entry.expires) entry.expires = at;
    if (entry.expires < entry.expiryQueued) {
      entry.expiryQueued = entry.expires;
      this.#expiry.push(entry.expires, entry);
    }
  }

  /** The earliest expiry, `Infinity` when none. */
  nextExpiry(): number {
    return this.#top(this.#expiry, true);
  }

  /** The earliest refresh point, `Infinity` when none. */
  nextRefresh(): number {
    return this.#top(this.#refresh, false);
  }

  /** Removes and returns the entry expiring first (due or not: eviction uses it too). */
  popExpiry(): PeerEntry | undefined {
    return this.#top(this.#expiry, true) === Infinity ? undefined : this.#expiry.pop();
  }

  /** Removes and returns an entry whose refresh point is at or before `t`, moved to its next point. */
  popDueRefresh(t: number): PeerEntry | undefined {
    for (;;) {
      if (this.#top(this.#refresh, false) > t) return undefined;
      const entry = this.#refresh.pop()!;
      entry.refreshQueued = -1;
      if (!this.#wants(entry)) {
        entry.refreshAt = -1; // the query that wanted it stopped
        continue;
      }
      let index = ((entry.bits & REFRESH_MASK) >> REFRESH_SHIFT) + 1;
      this.setRefresh(entry, index);
      // A late caller skips the points already past: one query, not several.
      while (entry.refreshAt >= 0 && entry.refreshAt <= t) this.setRefresh(entry, ++index);
      return entry;
    }
  }

  // Stale heap pairs are bounded: rebuild when they outnumber live ones 2 to 1.
  compact(live: number): void {
    const limit = 2 * live + 1024;
    if (this.#expiry.size > limit) {
      this.#expiry.rebuild((e, time) => (e.bits & LIVE_BIT) !== 0 && e.expiryQueued === time);
    }
    if (this.#refresh.size > limit) {
      this.#refresh.rebuild((e, time) => (e.bits & LIVE_BIT) !== 0 && e.refreshQueued === time);
    }
  }

  /** Forgets every deadline. */
  clear(): void {
    this.#expiry.clear();
    this.#refresh.clear();
  }

  // The earliest valid time in a heap, dropping stale pairs and re-queueing
  // entries whose time moved later (lazy deletion).
  #top(heap: DeadlineHeap<PeerEntry>, expiry: boolean): number {
    for (;;) {
      const time = heap.peekTime();
      if (time === Infinity) return time;
      const e = heap.peekItem()!;
      const queued = expiry ? e.expiryQueued : e.refreshQueued;
      if ((e.bits & LIVE_BIT) === 0 || queued !== time) {
        heap.pop();
        continue;
      }
      if (!expiry && !this.#wants(e)) {
        // Its query stopped: the refresh point is no deadline any more.
        heap.pop();
        e.refreshQueued = -1;
        e.refreshAt = -1;
        continue;
      }
      const actual = expiry ? e.expires : e.refreshAt;
      if (actual === time) return time;
      heap.pop();
      if (actual < 0) {
        e.refreshQueued = -1;
        continue;
      }
      if (expiry) e.expiryQueued = actual;
      else e.refreshQueued = actual;
      heap.push(actual, e);
    }
  }
}
