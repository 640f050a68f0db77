/**
 * Recognises our own multicast coming back to us. Sockets must loop multicast
 * back (`loopback: true`), or other stacks on the same host (avahi, a second
 * process) never hear us; so every multicast we send also arrives at our own
 * receive sockets. Such copies carry our own source address and port 5353, but
 * so does anything another same-host stack sends on that interface. Dropping
 * by source alone would make us deaf to it, so we remember a hash of each
 * datagram we sent for a short while and drop only arrivals that match one.
 *
 * @module
 */

import { type Clock, systemClock } from "../clock.ts";

/**
 * How long a sent datagram waits for its looped-back copy.
 */
export const ECHO_TTL_MS = 2000;
/**
 * Most datagrams remembered at once; the oldest are forgotten first.
 */
export const ECHO_MAX_ENTRIES = 1024;

/**
 * Options for {@linkcode EchoFilter}.
 */
export interface EchoFilterOptions {
  /** Time source for expiry. @default {systemClock} */
  readonly clock?: Clock;
  /** How long a sent datagram is remembered. @default {2000} */
  readonly ttlMs?: number;
  /** Bound on remembered datagrams. @default {1024} */
  readonly maxEntries?: number;
}

interface Entry {
  readonly key: string;
  readonly expires: number;
  live: boolean;
}

/**
 * 32-bit FNV-1a over `scope` and `data`.
 */
export function fnv1a(scope: string, data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < scope.length; i++) {
    h ^= scope.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  for (let i = 0; i < data.length; i++) {
    h ^= data[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A bounded, short-lived multiset of datagrams we sent. Each `remember` allows
 * exactly one later `consume` of the same bytes in the same scope (one looped
 * copy per send), so a same-host stack that happens to send identical bytes
 * still gets through once its twin has been matched.
 */
export class EchoFilter {
  #clock: Clock;
  #ttlMs: number;
  #max: number;
  #queue: Entry[] = [];
  #head = 0;
  #byKey = new Map<string, Entry[]>();
  #live = 0;

  /** Creates an empty filter. */
  constructor(options: EchoFilterOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#ttlMs = options.ttlMs ?? ECHO_TTL_MS;
    this.#max = options.maxEntries ?? ECHO_MAX_ENTRIES;
    if (!(this.#ttlMs > 0)) throw new TypeError(`Invalid echo TTL: ${this.#ttlMs}`);
    if (!(this.#max >= 1)) throw new TypeError(`Invalid echo table size: ${this.#max}`);
  }

  /** Number of sent datagrams still waiting for their echo. */
  get size(): number {
    this.#expire();
    return this.#live;
  }

  /** Records that `data` was just multicast in `scope` (for example `eth0/IPv4`). */
  remember(scope: string, data: Uint8Array): void {
    this.#expire();
    // Bound the table by the last `maxEntries` sends, matched or not.
    while (this.#queue.length - this.#head >= this.#max) this.#drop(this.#queue[this.#head++]);
    const entry: Entry = {
      key: `${data.length}:${fnv1a(scope, data)}`,
      expires: this.#clock.now() + this.#ttlMs,
      live: true,
    };
    this.#queue.push(entry);
    let list = this.#byKey.get(entry.key);
    if (list === undefined) this.#byKey.set(entry.key, list = []);
    list.push(entry);
    this.#live++;
    this.#compact();
  }

  /**
   * True (and forgets one matching send) when `data` in `scope` matches a
   * datagram sent within the TTL: the arrival is our own echo.
   */
  consume(scope: string, data: Uint8Array): boolean {
    this.#expire();
    if (this.#live === 0) return false;
    const list = this.#byKey.get(`${data.length}:${fnv1a(scope, data)}`);
    if (list === undefined) return false;
    this.#drop(list[0]);
    return true;
  }

  /** Forgets everything. */
  clear(): void {
    this.#queue = [];
    this.#head = 0;
    this.#byKey.clear();
    this.#live = 0;
  }

  #drop(entry: Entry): void {
    if (!entry.live) return;
    entry.live = false;
    this.#live--;
    const list = this.#byKey.get(entry.key);
    if (list === undefined) return;
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#byKey.delete(entry.key);
  }

  #expire(): void {
    const now = this.#clock.now();
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head];
      if (entry.live && entry.expires > now) break;
      this.#drop(entry);
      this.#head++;
    }
    this.#compact();
  }

  #compact(): void {
    // Reclaim the consumed prefix once it dominates, keeping shifts amortised O(1).
    if (this.#head > 64 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
