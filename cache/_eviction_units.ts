/**
 * The units the peer cache's eviction policy (`_eviction.ts`) works on: one
 * per service instance (its records and the PTRs listing it) or other name,
 * with the counts that say whether it is a complete service, the hosts its
 * SRVs target and the services that target it; an intrusive list per tier for
 * LRU order; and the rules of completeness (RFC 6763 §12). Internal.
 *
 * @module
 */

import { decodeRdata, RecordType, type SrvData } from "../codec/mod.ts";
import { binaryToBytes } from "./_rdata_key.ts";
import { MAP_SLOT_BYTES, type PeerEntry, PENDING_MASK } from "./peer_record.ts";
import { stringBytes } from "./_interner.ts";

/**
 * Tier of a unit no list holds: no records, or held by the services that target it.
 */
export const HELD = -1;

/**
 * Tier of a unit being evicted whole: no list holds it, and its records
 * leaving do not file it again one by one.
 */
export const EVICTING = -2;

/**
 * Bytes a unit costs, counted in the peer cache's budget with its records and
 * names: the unit object (14 fields, 128) and its slot in the policy's map of
 * units (`MAP_SLOT_BYTES`). A unit PTRs point to costs
 * {@linkcode POINTER_BYTES} more. Measured against V8 by
 * `bench/cache_memory.ts` (a cache of 20,000 services: 40,000 units, 7.1 MiB
 * more heap than without them).
 */
export const EVICTION_UNIT_BYTES = 128 + MAP_SLOT_BYTES;

/**
 * Bytes a unit that PTRs point to costs besides {@linkcode EVICTION_UNIT_BYTES}:
 * its slot in the map of PTR keys (`MAP_SLOT_BYTES`), plus its name key's
 * string (the PTR's target lowered; a PTR-only instance has no owner name
 * to share it with).
 */
export function pointerBytes(key: string): number {
  return MAP_SLOT_BYTES + stringBytes(key);
}

/**
 * One unit of eviction, named by a name key.
 */
export class Unit {
  /** Its records: non-PTR records at the name, and PTRs that point to it. */
  entries = 0;
  /** The PTRs that point to it. */
  pointers: Few<PeerEntry> = null;
  servicePointers = 0;
  srv = 0;
  txt = 0;
  addresses = 0;
  /** Hosts its SRVs target, one per SRV. */
  targets: Few<Unit> = null;
  /** Services whose SRVs target this name, once per SRV. */
  dependents: Few<Unit> = null;
  heard = 0;
  tier = HELD;
  /** The rdata key of the PTRs that point to it, once one did. */
  pointerKey: string | undefined = undefined;
  prev: Unit | null = null;
  next: Unit | null = null;
  constructor(readonly key: string) {}
}

/**
 * A few items without an array for the usual one: none, one item, or an
 * array (a unit per cached service and host must stay small: a host has
 * one or a few services, a service one PTR and one SRV).
 */
export type Few<T extends object> = T | T[] | null;

/** `few` with `item` added (once more if already there). */
export function fewAdd<T extends object>(few: Few<T>, item: T): Few<T> {
  if (few === null) return item;
  if (Array.isArray(few)) {
    few.push(item);
    return few;
  }
  return [few, item];
}

/** `few` with one occurrence of `item` removed. */
export function fewRemove<T extends object>(few: Few<T>, item: T): Few<T> {
  if (few === null) return null;
  if (!Array.isArray(few)) return few === item ? null : few;
  const i = few.indexOf(item);
  if (i >= 0) few.splice(i, 1);
  return few.length === 0 ? null : few.length === 1 ? few[0] : few;
}

/** The items of `few`, as an array (not to be kept: it may be the field's own). */
export function fewList<T extends object>(few: Few<T>): readonly T[] {
  return few === null ? [] : Array.isArray(few) ? few : [few];
}

/**
 * Units in LRU order: an intrusive doubly linked list, O(1) each way.
 */
export class UnitList {
  head: Unit | null = null;
  tail: Unit | null = null;
  size = 0;
  pushBack(u: Unit): void {
    u.prev = this.tail;
    u.next = null;
    if (this.tail === null) this.head = u;
    else this.tail.next = u;
    this.tail = u;
    this.size++;
  }
  pushFront(u: Unit): void {
    u.next = this.head;
    u.prev = null;
    if (this.head === null) this.tail = u;
    else this.head.prev = u;
    this.head = u;
    this.size++;
  }
  remove(u: Unit): void {
    if (u.prev === null) this.head = u.next;
    else u.prev.next = u.next;
    if (u.next === null) this.tail = u.prev;
    else u.next.prev = u.prev;
    u.prev = u.next = null;
    this.size--;
  }
}

export function isLeaving(e: PeerEntry): boolean {
  return (e.bits & PENDING_MASK) !== 0;
}

export function isServiceLike(u: Unit): boolean {
  return u.servicePointers > 0 || u.srv > 0 || u.txt > 0;
}

// Complete: listed, with SRV, TXT and an address of a host it targets (RFC
// 6763 §12). A name that is not a service is whole by itself. `without` is a
// record to leave out (one being rejected).
export function isComplete(u: Unit, without?: PeerEntry): boolean {
  if (!isServiceLike(u)) return true;
  const minus = (type: number) => without !== undefined && without.type === type ? 1 : 0;
  if (u.servicePointers - minus(RecordType.PTR) <= 0) return false;
  if (u.srv - minus(RecordType.SRV) <= 0 || u.txt - minus(RecordType.TXT) <= 0) return false;
  for (const t of fewList(u.targets)) if (t.addresses > 0) return true;
  return false;
}

// A PTR whose owner is a service type or subtype (`_http._tcp.local`,
// `_printer._sub._http._tcp.local`) lists a service instance; the type
// enumeration (`_services._dns-sd._udp`, RFC 6763 §9) and reverse-mapping PTRs
// do not.
export function isServiceListing(ownerKey: string): boolean {
  return ownerKey.startsWith("_") && !ownerKey.startsWith("_services._dns-sd._udp.");
}

export function ptrTarget(entry: PeerEntry): string {
  return decodeRdata(RecordType.PTR, binaryToBytes(entry.rdataBinary)) as string;
}

export function srvTarget(entry: PeerEntry): string {
  return (decodeRdata(RecordType.SRV, binaryToBytes(entry.rdataBinary)) as SrvData).target;
}
