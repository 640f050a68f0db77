/**
 * How a local record tells its cache that its state moved (probing →
 * announcing → announced): the responder moves records one by one, and the
 * querier must see a service the moment it is registered (issue 14: a stack
 * sees what it publishes). A record holds no reference to its cache; the
 * cache registers one observer per record it indexes, kept here in a weak
 * map so the public `LocalRecord` grows no field or option for it.
 * Internal to the cache.
 *
 * @module
 */

import type { LocalRecord } from "./local_record.ts";

const observers = new WeakMap<LocalRecord, (record: LocalRecord) => void>();

/** Calls `observer` whenever `record`'s state changes, until `forgetState(record)`. */
export function observeState(record: LocalRecord, observer: (record: LocalRecord) => void): void {
  observers.set(record, observer);
}

/** Stops observing `record`. */
export function forgetState(record: LocalRecord): void {
  observers.delete(record);
}

/** `record`'s state changed: tells its cache, if one observes it. */
export function stateChanged(record: LocalRecord): void {
  observers.get(record)?.(record);
}
