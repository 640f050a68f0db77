/**
 * How a local record tells its cache that its state moved (probing →
 * announcing → announced): the responder moves records one by one, and the
 * querier must see a service the moment it is registered (issue 14: a stack
 * sees what it publishes). A record holds no reference to its cache; the
 * cache registers one observer per record it indexes, kept here in a weak
 * map so the public `LocalRecord` grows no field or option for it.
 * Generic over the record, so this file imports nothing: `local_record.ts`
 * calls it and `local_cache.ts` observes through it, with no cycle between
 * the three. Internal to the cache.
 *
 * @module
 */

const observers = new WeakMap<object, (record: object) => void>();

/** Calls `observer` whenever `record`'s state changes, until `forgetState(record)`. */
export function observeState<R extends object>(record: R, observer: (record: R) => void): void {
  observers.set(record, observer as (record: object) => void);
}

/** Stops observing `record`. */
export function forgetState(record: object): void {
  observers.delete(record);
}

/** `record`'s state changed: tells its cache, if one observes it. */
export function stateChanged(record: object): void {
  observers.get(record)?.(record);
}
