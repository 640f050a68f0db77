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
import { type PeerEntry, PENDING_MASK } from "./peer_record.ts";

/**
 * Tier of a unit no list holds: no records, or held by the services that target it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELD, Unit } from "./_eviction_units.ts";
 * assert.equal(new Unit("h.local").tier, HELD);
 * ```
 */
export const HELD = -1;

/**
 * One unit of eviction, named by a name key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isComplete, Unit } from "./_eviction_units.ts";
 * const service = new Unit("den._http._tcp.local");
 * const host = new Unit("den.local");
 * service.servicePointers = service.srv = service.txt = 1;
 * service.targets.push(host);
 * assert.equal(isComplete(service), false); // no address yet
 * host.addresses = 1;
 * assert.equal(isComplete(service), true);
 * ```
 */
export class Unit {
  /** Its records: non-PTR records at the name, and PTRs that point to it. */
  entries = 0;
  /** PTRs from a service type (or subtype) listing this name. */
  readonly pointers: PeerEntry[] = [];
  servicePointers = 0;
  srv = 0;
  txt = 0;
  addresses = 0;
  /** Hosts its SRVs target, one per SRV. */
  readonly targets: Unit[] = [];
  /** Services whose SRVs target this name, with how many SRVs each. */
  readonly dependents = new Map<Unit, number>();
  heard = 0;
  tier = HELD;
  /** The rdata key of the PTRs that point to it, once one did. */
  pointerKey: string | undefined = undefined;
  prev: Unit | null = null;
  next: Unit | null = null;
  constructor(readonly key: string) {}
}

/**
 * Units in LRU order: an intrusive doubly linked list, O(1) each way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Unit, UnitList } from "./_eviction_units.ts";
 * const list = new UnitList();
 * const [a, b] = [new Unit("a.local"), new Unit("b.local")];
 * list.pushBack(a);
 * list.pushBack(b);
 * list.remove(a);
 * list.pushBack(a); // heard again: to the back
 * assert.equal(list.head, b);
 * assert.equal(list.size, 2);
 * ```
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
  for (const t of u.targets) if (t.addresses > 0) return true;
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
