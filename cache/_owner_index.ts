/**
 * The per-name index of the peer cache: an owner name keeps its few records in
 * a linked list through the entries (no array per name), and switches to one
 * `Map` per (interface, type, class) keyed by rdata once it holds more than
 * {@linkcode LIST_LIMIT} records, as a service type's name does with a PTR per
 * instance. Both keep insert and lookup O(1) on average.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import {
  CLASS_MASK,
  MAP_SLOT_BYTES,
  PEER_SET_INDEX_BYTES,
  type PeerEntry,
  type PeerOwner,
} from "./peer_record.ts";

/**
 * Owners switch from a list to per-set maps above this many records.
 */
export const LIST_LIMIT = 8;

/**
 * The key of an RRset within an owner: interface, type, class.
 */
export function setKey(iface: string, type: number, cls: number): string {
  return `${iface}\u0000${type}\u0000${cls}`;
}

/**
 * The entry of `owner` with this identity, if any.
 */
export function find(
  owner: PeerOwner,
  iface: string,
  type: number,
  cls: number,
  rkey: string,
): PeerEntry | undefined {
  if (owner.sets !== null) return owner.sets.get(setKey(iface, type, cls))?.get(rkey);
  for (let e = owner.head; e !== null; e = e.next) {
    if (e.type === type && e.key === rkey && e.iface === iface && (e.bits & CLASS_MASK) === cls) {
      return e;
    }
  }
  return undefined;
}

/**
 * Calls `fn` for every entry of `owner`.
 */
export function forEachEntry(owner: PeerOwner, fn: (e: PeerEntry) => void): void {
  if (owner.sets !== null) {
    for (const set of owner.sets.values()) for (const e of set.values()) fn(e);
    return;
  }
  for (let e = owner.head; e !== null; e = e.next) fn(e);
}

/**
 * Calls `fn` for every entry of `owner` that is not a PTR, without walking
 * the PTRs (a service type's name may own thousands): the eviction policy
 * files a PTR with the name it points to.
 */
export function forEachOwnRecord(owner: PeerOwner, fn: (e: PeerEntry) => void): void {
  if (owner.sets !== null) {
    for (const set of owner.sets.values()) {
      const first = set.values().next();
      if (first.done || first.value.type === RecordType.PTR) continue;
      for (const e of set.values()) fn(e);
    }
    return;
  }
  for (let e = owner.head; e !== null; e = e.next) if (e.type !== RecordType.PTR) fn(e);
}

/**
 * Calls `fn` for every entry of `owner` in the RRset (interface, type, class).
 */
export function forEachInSet(
  owner: PeerOwner,
  iface: string,
  type: number,
  cls: number,
  fn: (e: PeerEntry) => void,
): void {
  if (owner.sets !== null) {
    const set = owner.sets.get(setKey(iface, type, cls));
    if (set !== undefined) { for (const e of set.values()) fn(e); }
    return;
  }
  for (let e = owner.head; e !== null; e = e.next) {
    if (e.type === type && e.iface === iface && (e.bits & CLASS_MASK) === cls) fn(e);
  }
}

/**
 * Index bytes that adding `entry` to `owner` would add.
 */
export function indexGrowth(owner: PeerOwner, entry: PeerEntry): number {
  const k = setKey(entry.iface, entry.type, entry.bits & CLASS_MASK);
  if (owner.sets !== null) {
    return (owner.sets.has(k) ? 0 : PEER_SET_INDEX_BYTES) + MAP_SLOT_BYTES;
  }
  if (owner.count < LIST_LIMIT) return 0;
  const keys = new Set([k]);
  for (let e = owner.head; e !== null; e = e.next) {
    keys.add(setKey(e.iface, e.type, e.bits & CLASS_MASK));
  }
  return keys.size * PEER_SET_INDEX_BYTES + (owner.count + 1) * MAP_SLOT_BYTES;
}

/**
 * Adds `entry` to its owner's index; returns the index bytes added: a set's
 * `Map` (`PEER_SET_INDEX_BYTES`) and the entry's slot in it (`MAP_SLOT_BYTES`)
 * once the owner keeps maps.
 */
export function link(owner: PeerOwner, entry: PeerEntry): number {
  owner.count++;
  if (owner.sets === null && owner.count <= LIST_LIMIT) {
    entry.next = owner.head;
    owner.head = entry;
    return 0;
  }
  let added = 0;
  if (owner.sets === null) {
    // Many records under one name (a service type's PTRs): switch to maps.
    owner.sets = new Map();
    for (let e = owner.head; e !== null;) {
      const next = e.next;
      e.next = null;
      added += addToSet(owner.sets, e);
      e = next;
    }
    owner.head = null;
  }
  return added + addToSet(owner.sets, entry);
}

function addToSet(sets: Map<string, Map<string, PeerEntry>>, entry: PeerEntry): number {
  const k = setKey(entry.iface, entry.type, entry.bits & CLASS_MASK);
  let set = sets.get(k);
  let added = MAP_SLOT_BYTES;
  if (set === undefined) {
    set = new Map();
    sets.set(k, set);
    added += PEER_SET_INDEX_BYTES;
  }
  set.set(entry.key, entry);
  return added;
}

/**
 * Removes `entry` from its owner's index; returns the index bytes freed.
 */
export function unlink(owner: PeerOwner, entry: PeerEntry): number {
  owner.count--;
  if (owner.sets !== null) {
    const k = setKey(entry.iface, entry.type, entry.bits & CLASS_MASK);
    const set = owner.sets.get(k);
    if (set === undefined || !set.delete(entry.key)) return 0;
    if (set.size > 0) return MAP_SLOT_BYTES;
    owner.sets.delete(k);
    return MAP_SLOT_BYTES + PEER_SET_INDEX_BYTES;
  }
  if (owner.head === entry) {
    owner.head = entry.next;
  } else {
    for (let e = owner.head; e !== null; e = e.next) {
      if (e.next === entry) {
        e.next = entry.next;
        break;
      }
    }
  }
  entry.next = null;
  return 0;
}
