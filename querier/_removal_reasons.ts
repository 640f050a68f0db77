/**
 * Why each key of a browse (an instance, or a service type) left, from the
 * cache event that took its last PTR to the `removed` event the browser
 * reads, possibly long after and coalesced with updates it never read. A
 * key whose PTR left without a cache reason (one of ours, unpublished) left
 * by `goodbye`; one the browser reads gone with nothing recorded `expired`.
 *
 * @module
 */

import type { RemovalReason } from "../cache/peer_record.ts";

/** The removal reasons of one browse's keys. */
export class RemovalReasons {
  // Why the last PTR of a key left, until the next update settles the key.
  #ptrLeft = new Map<string, RemovalReason>();
  // Why each removed key left, until the browser reads it or the key returns.
  #removed = new Map<string, RemovalReason>();

  /** The last PTR listing `key` left the cache for `reason`. */
  ptrLeft(key: string, reason: RemovalReason): void {
    this.#ptrLeft.set(key, reason);
  }

  /** An update found `key` present or not (`wasPresent`: before it). */
  settle(key: string, present: boolean, wasPresent: boolean): void {
    const left = this.#ptrLeft.get(key);
    this.#ptrLeft.delete(key);
    if (present) this.#removed.delete(key);
    else if (wasPresent) this.#removed.set(key, left ?? "goodbye");
  }

  /** Why `key` left, for its `removed` event; forgotten once read. */
  take(key: string): RemovalReason {
    const reason = this.#removed.get(key) ?? "expired";
    this.#removed.delete(key);
    return reason;
  }
}
