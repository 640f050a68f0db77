/**
 * The records of the peer cache and their lifetimes: owner names in a
 * refcounted interner, entries filed under them (`_owner_index.ts`), their
 * expiry and refresh deadlines (`_peer_schedule.ts`), the byte budget and the
 * time base. Adding makes room by the eviction policy (`_eviction.ts`: whole
 * services, what no query needs first, then what was heard longest ago);
 * every removal goes through {@linkcode PeerStore.remove}, which emits it.
 * Internal to the cache.
 *
 * Times inside are whole milliseconds from the cache's epoch (the first `now`
 * it is given), so V8 keeps them unboxed; {@linkcode PeerStore.rel} converts.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import type { Random } from "../clock.ts";
import type { PeerEvents } from "./_peer_events.ts";
import { NameInterner } from "./_interner.ts";
import { forEachEntry, forEachOwnRecord, indexGrowth, link, unlink } from "./_owner_index.ts";
import { EvictionPolicy } from "./_eviction.ts";
import {
  LIVE_BIT,
  PEER_NAME_OVERHEAD_BYTES,
  type PeerEntry,
  PeerOwner,
  type PeerRecord,
  PENDING_FLUSHED,
  PENDING_GOODBYE,
  PENDING_MASK,
  PENDING_SHIFT,
  type RemovalReason,
  type TimeBase,
} from "./peer_record.ts";
import { PeerSchedule } from "./_peer_schedule.ts";

/**
 * The peer cache's records, bytes and deadlines (internal).
 */
export class PeerStore {
  #names: NameInterner<PeerOwner>;
  #time: TimeBase = { epoch: NaN };
  #schedule: PeerSchedule;
  #events: PeerEvents;
  #maxBytes: number;
  #size = 0;
  #recordBytes = 0;
  #evictions = 0;
  #rejections = 0;
  #eviction: EvictionPolicy;

  /**
   * An empty store of at most `maxBytes`, drawing refresh jitter from
   * `random`, arming refresh points only for what `events` wants.
   */
  constructor(maxBytes: number, random: Random, events: PeerEvents) {
    this.#maxBytes = maxBytes;
    this.#events = events;
    this.#schedule = new PeerSchedule(random, (entry) => events.wants(entry));
    const time = this.#time;
    this.#names = new NameInterner<PeerOwner>({
      create: (name, key, bytes) => new PeerOwner(name, key, bytes, time),
      entryOverheadBytes: PEER_NAME_OVERHEAD_BYTES,
    });
    this.#eviction = new EvictionPolicy({
      owner: (key) => this.#names.getByKey(key),
      forEachOwnRecord,
      covers: (entry) => events.covers(entry),
      evict: (entry) => this.#evict(entry),
      bytes: () => this.bytes,
    });
  }

  /** The owner names, by name key. */
  get names(): NameInterner<PeerOwner> {
    return this.#names;
  }
  /** The expiry and refresh deadlines. */
  get schedule(): PeerSchedule {
    return this.#schedule;
  }
  /** Records held. */
  get size(): number {
    return this.#size;
  }
  /** Bytes counted: records, owner names and eviction units. */
  get bytes(): number {
    return this.#recordBytes + this.#names.bytes + this.#eviction.bytes;
  }
  /** The byte budget. */
  get capacity(): number {
    return this.#maxBytes;
  }
  /** Units the eviction policy tracks (services, hosts, other names): none once empty. */
  get units(): number {
    return this.#eviction.units;
  }
  /** Records evicted for lack of room since the store was made. */
  get evictions(): number {
    return this.#evictions;
  }
  /** New records turned away for lack of room since the store was made. */
  get rejections(): number {
    return this.#rejections;
  }

  /** `now` (ms, the stack's clock) as the store's relative time; the first call sets the epoch. */
  rel(now: number): number {
    if (Number.isNaN(this.#time.epoch)) this.#time.epoch = Math.floor(now);
    return Math.floor(now) - this.#time.epoch;
  }

  /** A relative time back on the stack's clock (`Infinity` stays). */
  abs(t: number): number {
    return t === Infinity ? Infinity : this.#time.epoch + t;
  }

  /** True when `entry` is a live record of this store. */
  holds(entry: PeerEntry): boolean {
    return entry.live && entry.owner.time === this.#time;
  }

  /** A refreshing watch began on `key`: arms the refresh points after `t` of what is cached. */
  armRefreshes(key: string, t: number): void {
    const owner = this.#names.getByKey(key);
    if (owner === undefined) return;
    forEachEntry(owner, (e) => this.#schedule.arm(e, t));
  }

  /** A watch on `key` ended: what it covered is re-ranked for eviction. */
  released(key: string): void {
    this.#eviction.released(key, this.#names.getByKey(key));
  }

  /**
   * Files a new entry under its owner (added if new), evicting by the policy
   * to make room; false if it cannot stay.
   */
  add(known: PeerOwner | undefined, entry: PeerEntry, name: string, key: string): boolean {
    const cost = entry.bytes;
    const need = cost +
      (known === undefined ? this.#names.costOf(name, key) : indexGrowth(known, entry));
    // Rejected before anything changes: larger than the whole budget.
    if (need > this.#maxBytes) {
      this.#rejections++;
      return false;
    }
    if (this.#refusedUnheard(entry, known, key, need)) {
      this.#rejections++;
      return false;
    }
    const owner = known === undefined ? this.#names.add(name, key) : this.#names.retain(known);
    entry.owner = owner;
    this.#recordBytes += cost + link(owner, entry);
    this.#size++;
    this.#eviction.linked(entry, entry.heard);
    // Over the budget for a moment: the policy judges the newcomer with its
    // record in place (does it complete a service?) and evicts for it.
    if (this.bytes > this.#maxBytes - this.#eviction.reserve(this.#maxBytes)) {
      const kept = this.#eviction.makeRoom(entry, this.#maxBytes);
      this.#schedule.compact(this.#size);
      if (!kept) {
        this.#unlink(entry);
        this.#rejections++;
        return false;
      }
    }
    this.#schedule.schedule(entry, entry.heard);
    return true;
  }

  // A flood's cheap exits, for a record arriving when it does not fit in the
  // cache's free room: one at a name the cache knows nothing of (no owner, no
  // eviction unit: nothing points at it), of a type that links no other name
  // (not PTR, not SRV), that no watch covers; and a PTR listing a service the
  // cache holds nothing of while nothing is evictable for it
  // (`EvictionPolicy.refusesListing`). The full path would intern or link
  // it, judge it (tier 0: "unsolicited records take free room only"; tier 1:
  // an incomplete service may evict only tier 0) and unlink it again: the same
  // refusal, built and torn down (~3 KB of garbage and ~50 µs per record under
  // a flood). `need` (the entry and its name or index slot, with the PTR's new
  // unit) is at most what linking would add, so "does not fit" here means it
  // would not fit there either.
  #refusedUnheard(
    entry: PeerEntry,
    known: PeerOwner | undefined,
    key: string,
    need: number,
  ): boolean {
    if (entry.type === RecordType.PTR) {
      return this.#eviction.refusesListing(entry, key, this.bytes + need, this.#maxBytes);
    }
    if (entry.type === RecordType.SRV || known !== undefined) return false;
    if (this.bytes + need <= this.#maxBytes - this.#eviction.reserve(this.#maxBytes)) return false;
    return !this.#eviction.tracks(key) && !this.#events.coversRecord(key, entry.type, entry.iface);
  }

  /** A live entry said goodbye (RFC 6762 §10.1): its service is first in line for eviction. */
  leaving(entry: PeerEntry): void {
    this.#eviction.leaving(entry);
  }

  /** A live entry was heard again at `t` (its service counts as heard). */
  heard(entry: PeerEntry, t: number): void {
    this.#eviction.heard(entry, t);
  }

  /** Removes a live entry, with a `removed` event. */
  remove(entry: PeerEntry, reason: RemovalReason): void {
    this.#unlink(entry);
    if (this.#events.active) this.#events.emit({ type: "removed", record: entry, reason });
  }

  // Takes a live entry out without telling anyone (a newcomer that could not stay).
  #unlink(entry: PeerEntry): void {
    const owner = entry.owner;
    this.#recordBytes -= entry.bytes + unlink(owner, entry);
    entry.bits &= ~LIVE_BIT;
    this.#size--;
    this.#eviction.unlinked(entry);
    this.#names.release(owner);
  }

  /** Removes the entries expired at `t` and returns them (events say why). */
  expire(t: number): PeerRecord[] {
    const out: PeerRecord[] = [];
    while (this.#schedule.nextExpiry() <= t) {
      const entry = this.#schedule.popExpiry()!;
      const pending = (entry.bits & PENDING_MASK) >> PENDING_SHIFT;
      const reason = pending === PENDING_GOODBYE
        ? "goodbye"
        : pending === PENDING_FLUSHED
        ? "flushed"
        : "expired";
      this.remove(entry, reason);
      out.push(entry);
    }
    this.#schedule.compact(this.#size);
    return out;
  }

  /** The entries that reached a refresh point by `t` (each once), moved to their next point. */
  takeDueRefreshes(t: number): PeerRecord[] {
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

  /** Removes every entry (or those of one interface) for `reason`; returns how many. */
  clear(iface: string | undefined, reason: "cleared" | "link-gone" = "cleared"): number {
    const doomed: PeerEntry[] = [];
    for (const owner of this.#names) {
      forEachEntry(owner, (e) => {
        if (iface === undefined || e.iface === iface) doomed.push(e);
      });
    }
    for (const e of doomed) this.remove(e, reason);
    if (this.#size === 0) this.#schedule.clear();
    return doomed.length;
  }

  /** Every live entry. */
  *entries(): IterableIterator<PeerEntry> {
    for (const owner of [...this.#names]) {
      const list: PeerEntry[] = [];
      forEachEntry(owner, (e) => list.push(e));
      yield* list;
    }
  }

  #evict(entry: PeerEntry): void {
    this.#evictions++;
    this.remove(entry, "evicted");
  }
}
