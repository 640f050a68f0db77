/**
 * What the peer cache evicts when it is full, and in what order (the policy
 * `peer_cache.ts` documents; DESIGN.md §1).
 *
 * The unit of eviction is a whole service, not a record: a service instance
 * name's records (SRV, TXT, NSEC...) together with the PTRs that list it (a
 * PTR belongs to the name it points to, so `_http._tcp.local → A._http...`
 * goes with `A`). A host's address records are a unit too, but one that
 * services share: while an SRV in the cache targets a host, the host is
 * "held" and is never evicted on its own; it leaves with the last service
 * that uses it. Names that are not services (a host nobody targets, a reverse
 * PTR, a type enumeration) are units of their own.
 *
 * Units are ranked in three tiers, evicted lowest first and, within a tier,
 * the one heard longest ago first (an LRU list per tier):
 *  - 0: no running query (no watch) covers any of its records;
 *  - 1: a query needs it but it is incomplete (a PTR without its SRV, TXT or
 *    an address of its host): useless as it is;
 *  - 2: a query needs it and it is complete (or is not a service at all).
 *
 * A new record may evict only units of a lower tier than the one its own unit
 * reaches with it; a record no query needs evicts nothing and takes free room
 * only, leaving a reserve for what queries need. So a full cache of complete
 * services a browse needs keeps them, and a newcomer that cannot get room is
 * rejected instead of pushing a whole service out, which would draw follow-up
 * queries for it, whose answers would push out another, and so on.
 * mDNSResponder is stricter still: its GetCacheEntity never recycles a record
 * that answers a still-active question, and Avahi adds nothing to a full
 * cache (avahi-core/cache.c). When a record is rejected, the incomplete
 * service it belonged to is evicted whole rather than half kept; a host
 * address that cannot fit first gives up the newest of the incomplete services
 * that need it, so the rest can complete. A goodbye sends its unit to the
 * front of its line.
 *
 * Cost: the tiers stored in the lists are refreshed when a unit's records
 * change or a watch on it ends; a watch that begins, or a host that gains an
 * address, is noticed when an eviction scan reaches the unit, which then moves
 * to its right list. Every step of a scan evicts a unit, moves a unit whose
 * state changed since it was filed, or skips the newcomer's own unit, so the
 * cost is amortised O(1) per record, with no scan over the whole cache (a
 * watch that ends re-ranks what it covered once). Units are counted in the
 * budget (`EVICTION_UNIT_BYTES`, `pointerBytes`) and live only while they have records or
 * services that target them. Internal.
 *
 * @module
 */

import { nameKey, RecordType } from "../codec/mod.ts";
import { forEachEntry } from "./_owner_index.ts";
import {
  EVICTING,
  EVICTION_UNIT_BYTES,
  fewAdd,
  fewList,
  fewRemove,
  HELD,
  isComplete,
  isLeaving,
  isServiceLike,
  isServiceListing,
  pointerBytes,
  ptrTarget,
  srvTarget,
  Unit,
  UnitList,
} from "./_eviction_units.ts";
import {
  PEER_NAME_OVERHEAD_BYTES,
  PEER_RECORD_OVERHEAD_BYTES,
  type PeerEntry,
  type PeerOwner,
} from "./peer_record.ts";

/**
 * The least room a whole service takes besides its PTR: SRV, TXT and two
 * address records (A and AAAA), the instance name and its host's name,
 * without their strings. A PTR listing a service the cache holds nothing of
 * must leave room for a whole service (evicting for it as for any record):
 * otherwise a full cache would take the PTR, SRV and TXT of a service whose
 * address then finds no room, drop them (not half kept), and do it again for
 * every service of every answer. The room asked is this, or more once a
 * service failed to fit: what that service took plus what it lacked (at most
 * {@linkcode MAX_SERVICE_RESERVE_BYTES}).
 */
export const SERVICE_RESERVE_BYTES = 4 * PEER_RECORD_OVERHEAD_BYTES + 2 * PEER_NAME_OVERHEAD_BYTES;
/** The most room a listed service is asked to leave (a huge TXT must not empty the cache). */
export const MAX_SERVICE_RESERVE_BYTES = 16 * 1024;

/** The tiers, lowest evicted first. */
const TIERS = 3;

/** What the policy needs from the store. */
export interface EvictionHost {
  /** The owner of a name key, if cached. */
  owner(key: string): PeerOwner | undefined;
  /** Calls `fn` for each record at `owner` that is not a PTR. */
  forEachOwnRecord(owner: PeerOwner, fn: (e: PeerEntry) => void): void;
  /** True when a running query (a watch) covers the record. */
  covers(entry: PeerEntry): boolean;
  /** Removes a record with an `evicted` event. */
  evict(entry: PeerEntry): void;
  /** Bytes counted now. */
  bytes(): number;
}

/**
 * The units of one peer cache and their eviction order (internal).
 */
export class EvictionPolicy {
  #units = new Map<string, Unit>();
  // Units by the rdata key of the PTRs that point to them, so a PTR finds its
  // unit without decoding its rdata each time it is heard.
  #byPointer = new Map<string, Unit>();
  #pointerBytes = 0; // pointerBytes() of each unit in #byPointer
  #lists: UnitList[] = Array.from({ length: TIERS }, () => new UnitList());
  #host: EvictionHost;
  #reserve = SERVICE_RESERVE_BYTES;

  /** A policy over the records `host` holds. */
  constructor(host: EvictionHost) {
    this.#host = host;
  }

  /** Units known (for tests and benches). */
  /** True when a unit exists for `key` (a name with records, or one an SRV or PTR points at). */
  tracks(key: string): boolean {
    return this.#units.has(key);
  }

  get units(): number {
    return this.#units.size;
  }

  /** Bytes the units cost (`EVICTION_UNIT_BYTES` each, `pointerBytes` more for those PTRs point to). */
  get bytes(): number {
    return this.#units.size * EVICTION_UNIT_BYTES + this.#pointerBytes;
  }

  /**
   * Room kept free for what a query needs: a record nobody needs, or a PTR
   * listing a service the cache holds nothing of, may fill the cache only up
   * to this much below the budget (see {@linkcode SERVICE_RESERVE_BYTES}; at
   * most an eighth of the budget, so a small cache still takes records).
   */
  reserve(budget: number): number {
    return Math.min(this.#reserve, Math.floor(budget / 8));
  }

  /**
   * True when `entry`, a PTR under `ownerKey` listing a service the cache
   * holds nothing of, would be refused however room were made: linked (with
   * `bytes` counted then, before its new unit) it would not fit below the
   * reserve it must leave free, and only what no query needs (tier 0) may
   * make room for it, of which there is none. The store then refuses it
   * without linking it: the same outcome, without building and tearing down
   * its unit (a flood of fake PTRs at a full cache: garbage, and slack in the
   * policy's maps).
   */
  refusesListing(entry: PeerEntry, ownerKey: string, bytes: number, budget: number): boolean {
    if (!isServiceListing(ownerKey) || this.#lists[0].size > 0) return false;
    const known = this.#byPointer.get(entry.key);
    if (known !== undefined && this.#units.get(known.key) === known) return false;
    const key = nameKey(ptrTarget(entry));
    if (this.#units.has(key)) return false;
    return bytes + EVICTION_UNIT_BYTES + pointerBytes(key) > budget - this.reserve(budget);
  }

  /** A record joined the cache (heard at relative time `t`). */
  linked(entry: PeerEntry, t: number): void {
    const u = this.#unitOf(entry, true)!;
    u.entries++;
    switch (entry.type) {
      case RecordType.PTR:
        u.pointers = fewAdd(u.pointers, entry);
        if (isServiceListing(entry.owner.key)) u.servicePointers++;
        break;
      case RecordType.SRV: {
        u.srv++;
        const target = this.#get(nameKey(srvTarget(entry)), true)!;
        u.targets = fewAdd(u.targets, target);
        target.dependents = fewAdd(target.dependents, u);
        this.#file(target);
        break;
      }
      case RecordType.TXT:
        u.txt++;
        break;
      case RecordType.A:
      case RecordType.AAAA:
        u.addresses++;
        break;
    }
    u.heard = t;
    this.#file(u, true);
  }

  /** A record was heard again at `t`: its unit moves to the back of its list. */
  heard(entry: PeerEntry, t: number): void {
    const u = this.#unitOf(entry, false);
    if (u === undefined) return;
    u.heard = t;
    // Its tier is as before (a scan corrects it if a watch changed meanwhile).
    if (u.tier >= 0) {
      const list = this.#lists[u.tier];
      list.remove(u);
      list.pushBack(u);
    }
  }

  /**
   * A record is leaving in a second (a goodbye, RFC 6762 §10.1): its unit
   * goes to the front of the line, and no query counts as needing it.
   */
  leaving(entry: PeerEntry): void {
    const u = this.#unitOf(entry, false);
    if (u !== undefined) this.#file(u, false, true);
  }

  /**
   * A watch on `key` ended: the unit of that name, and those its PTRs list
   * (`owner`'s, a browse's type), may be needed by no one now. Re-ranked at
   * once, since a scan never looks at a list above the newcomer's tier. One
   * pass over what the watch covered, once per watch.
   */
  released(key: string, owner: PeerOwner | undefined): void {
    const u = this.#units.get(key);
    if (u !== undefined) this.#file(u);
    if (owner === undefined) return;
    forEachEntry(owner, (e) => {
      if (e.type !== RecordType.PTR) return;
      const target = this.#unitOf(e, false);
      if (target !== undefined) this.#file(target);
    });
  }

  /** A record left the cache. */
  unlinked(entry: PeerEntry): void {
    const u = this.#unitOf(entry, false);
    if (u === undefined) return;
    u.entries--;
    switch (entry.type) {
      case RecordType.PTR: {
        u.pointers = fewRemove(u.pointers, entry);
        if (isServiceListing(entry.owner.key)) u.servicePointers--;
        if (u.pointers === null) this.#dropPointer(u);
        break;
      }
      case RecordType.SRV: {
        u.srv--;
        const target = this.#get(nameKey(srvTarget(entry)), false);
        if (target !== undefined) {
          u.targets = fewRemove(u.targets, target);
          target.dependents = fewRemove(target.dependents, u);
          // A host its last service left: first in line (no service needs it).
          if (target.dependents === null) this.#file(target, false, true);
          this.#forget(target);
        }
        break;
      }
      case RecordType.TXT:
        u.txt--;
        break;
      case RecordType.A:
      case RecordType.AAAA:
        u.addresses--;
        break;
    }
    // A unit being evicted whole is filed again once, when it is done.
    if (u.tier !== EVICTING) this.#file(u, false);
    this.#forget(u);
  }

  /**
   * Makes room for `entry`, already linked, until `fits()`: evicts units of
   * a lower tier than the entry's own unit reaches. When that is not enough,
   * a host address gives up incomplete services that need it (newest first).
   * False when the entry cannot stay; its incomplete service was then evicted
   * whole, except the entry itself, which the caller takes out silently.
   */
  makeRoom(entry: PeerEntry, budget: number): boolean {
    const u = this.#unitOf(entry, false)!;
    let limit = 0;
    if (u.dependents !== null) {
      // A host's address: as needed as the services that use it, or as a
      // lookup of the host itself.
      for (const d of fewList(u.dependents)) limit = Math.max(limit, this.#tierOf(d));
      if (this.#needed(u)) limit = TIERS - 1;
    } else limit = Math.max(0, u.tier); // filed just now, when the entry was linked
    // What nobody needs, and the first PTR of a service, leave the reserve free.
    const opens = entry.type === RecordType.PTR && u.entries === 1 && u.servicePointers === 1;
    const max = limit === 0 || opens ? budget - this.reserve(budget) : budget;
    const fits = () => this.#host.bytes() <= max;
    // Nobody needs the newcomer: it takes free room only, so unsolicited
    // records never churn the cache (they would evict each other, burst after burst).
    for (let tier = 0; tier < limit && !fits(); tier++) {
      const list = this.#lists[tier];
      for (let visits = list.size; visits > 0 && !fits(); visits--) {
        const v = list.head;
        if (v === null) break;
        if (v === u) {
          list.remove(v);
          list.pushBack(v);
          continue;
        }
        const real = this.#tierOf(v);
        if (real !== tier) {
          this.#place(v, real, false);
          continue;
        }
        this.#evictUnit(v, u);
      }
    }
    if (fits()) return true;
    if (u.dependents !== null) {
      // An address the services of its host wait for: give up the newest of
      // them while another would still complete...
      const waiting = [...new Set(fewList(u.dependents))].filter((d) => d.servicePointers > 0)
        .sort((a, b) => b.heard - a.heard);
      while (!fits() && waiting.length > 1) this.#evictUnit(waiting.shift()!, u);
      if (fits()) return true;
      // ...else none of them can be whole: they go with the rejected address.
      const before = this.#host.bytes();
      for (const d of waiting) this.#evictUnit(d, u);
      if (!this.#needed(u)) this.#evictUnit(u, u, entry);
      if (limit > 0) this.#learn(before - this.#host.bytes(), before - budget);
      return false;
    }
    // Not half kept: the rest of an incomplete service goes with the rejected record.
    if (isServiceLike(u) && !isComplete(u, entry)) {
      const before = this.#host.bytes();
      this.#evictUnit(u, u, entry);
      if (limit > 0 && !opens) this.#learn(before - this.#host.bytes(), before - budget);
    }
    return false;
  }

  // ---- internals ----------------------------------------------------------

  // A service could not fit: it took `freed` bytes (the newcomer, still
  // counted, is in `lacking`) and lacked `lacking` more.
  #learn(freed: number, lacking: number): void {
    const whole = freed + lacking;
    this.#reserve = Math.min(MAX_SERVICE_RESERVE_BYTES, Math.max(SERVICE_RESERVE_BYTES, whole));
  }

  #unitOf(entry: PeerEntry, create: boolean): Unit | undefined {
    if (entry.type !== RecordType.PTR) return this.#get(entry.owner.key, create);
    const known = this.#byPointer.get(entry.key);
    if (known !== undefined && this.#units.get(known.key) === known) return known;
    const u = this.#get(nameKey(ptrTarget(entry)), create);
    if (u !== undefined) {
      this.#dropPointer(u);
      u.pointerKey = entry.key;
      this.#byPointer.set(entry.key, u);
      this.#pointerBytes += pointerBytes(u.key);
    }
    return u;
  }

  // No PTR points to `u` now: its slot in #byPointer goes.
  #dropPointer(u: Unit): void {
    const key = u.pointerKey;
    if (key === undefined) return;
    u.pointerKey = undefined;
    if (this.#byPointer.get(key) === u) this.#byPointer.delete(key);
    this.#pointerBytes -= pointerBytes(u.key);
  }

  #get(key: string, create: boolean): Unit | undefined {
    let u = this.#units.get(key);
    if (u === undefined && create) {
      u = new Unit(key);
      this.#units.set(key, u);
    }
    return u;
  }

  #forget(u: Unit): void {
    if (u.entries === 0 && u.dependents === null && this.#units.get(u.key) === u) {
      if (u.tier >= 0) this.#lists[u.tier].remove(u);
      u.tier = HELD;
      this.#units.delete(u.key);
      this.#dropPointer(u);
    }
  }

  /** Recomputes a unit's tier and files it: at the back when `touched`, at the front when `first`. */
  #file(u: Unit, touched = false, first = false): void {
    const tier = this.#tierOf(u);
    if (tier === u.tier && !touched && !first) return;
    this.#place(u, tier, first);
  }

  #place(u: Unit, tier: number, first: boolean): void {
    if (u.tier >= 0) this.#lists[u.tier].remove(u);
    u.tier = tier;
    if (tier < 0) return;
    if (first) this.#lists[tier].pushFront(u);
    else this.#lists[tier].pushBack(u);
  }

  #tierOf(u: Unit): number {
    if (u.entries === 0 || u.dependents !== null) return HELD;
    if (!this.#needed(u)) return 0;
    return isComplete(u) ? 2 : 1;
  }

  #needed(u: Unit): boolean {
    const host = this.#host;
    // A record leaving in a second (goodbye, flush) is needed by nobody.
    for (const p of fewList(u.pointers)) if (!isLeaving(p) && host.covers(p)) return true;
    const owner = host.owner(u.key);
    if (owner === undefined) return false;
    let needed = false;
    host.forEachOwnRecord(owner, (e) => {
      if (!needed && !isLeaving(e) && host.covers(e)) needed = true;
    });
    return needed;
  }

  /** Evicts a unit whole, then the hosts only it used (unless `pinned`, or a query needs them). */
  #evictUnit(u: Unit, pinned: Unit, spare?: PeerEntry): void {
    const host = this.#host;
    const doomed: PeerEntry[] = [...fewList(u.pointers)];
    const owner = host.owner(u.key);
    if (owner !== undefined) host.forEachOwnRecord(owner, (e) => doomed.push(e));
    const targets = [...new Set(fewList(u.targets))];
    this.#place(u, EVICTING, false);
    for (const e of doomed) if (e !== spare && e.live) host.evict(e);
    if (u.tier === EVICTING) {
      u.tier = HELD;
      if (u.entries > 0) this.#file(u); // the spared newcomer, or what the unit still holds
    }
    for (const t of targets) {
      if (t !== pinned && t.dependents === null && t.entries > 0 && !this.#needed(t)) {
        this.#evictUnit(t, pinned);
      }
    }
  }
}
