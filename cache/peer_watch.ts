/**
 * Watches on the peer cache: a caller (the querier's browse, resolve and host
 * lookups) subscribes to one name, optionally one type and one interface, and
 * hears only that name's changes. Events are dispatched by a map lookup on the
 * name key, so a thousand watches cost one lookup per cache change, not a
 * thousand filters.
 *
 * A watch is also the cache's notion of interest (RFC 6762 §5.2: refresh only
 * "records in which the querier is still interested"): refresh points are
 * armed only for records that a watch with `refresh` (the default) covers.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import { nameKey } from "../codec/mod.ts";
import type { PeerCacheEvent } from "./peer_cache_options.ts";
import type { PeerEntry } from "./peer_record.ts";

/**
 * What a watch covers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PeerWatchOptions } from "./peer_watch.ts";
 * const options: PeerWatchOptions = { type: 33, interfaceName: "eth0" };
 * assert.equal(options.refresh, undefined); // refresh points armed by default
 * ```
 */
export interface PeerWatchOptions {
  /** Only records of this type (every type when omitted or `RecordType.ANY`). */
  type?: number;
  /** Only records heard on this interface. */
  interfaceName?: string;
  /**
   * Arm refresh points (RFC 6762 §5.2) for the records watched, so the
   * querier re-asks before they expire. @default {true}
   */
  refresh?: boolean;
}

/**
 * A watch on one name; dispose it (or call `cancel`) to stop hearing events
 * and to withdraw its interest in refreshes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * const cache = new PeerServiceCache();
 * const heard: string[] = [];
 * {
 *   using _watch = cache.watch("h.local", (e) => heard.push(e.type), { type: 1 });
 *   cache.insertRecord(
 *     { name: "H.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" },
 *     { interfaceName: "eth0", now: 0 },
 *   );
 * }
 * cache.clear();
 * assert.deepEqual(heard, ["added"]); // the watch ended before the clear
 * ```
 */
export interface PeerWatch extends Disposable {
  /** Stops the watch; idempotent. */
  cancel(): void;
}

// One watch: its filter, its listener and its own cancel (one object per watch).
class Watcher implements PeerWatch {
  constructor(
    readonly registry: WatchRegistry,
    readonly key: string,
    readonly type: number,
    readonly iface: string | undefined,
    readonly refresh: boolean,
    readonly listener: (event: PeerCacheEvent) => void,
  ) {}
  live = true;
  cancel(): void {
    if (!this.live) return;
    this.live = false;
    this.registry.remove(this);
  }
  [Symbol.dispose](): void {
    this.cancel();
  }
}

/**
 * The watches of one cache, keyed by name key (internal to the cache).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WatchRegistry } from "./peer_watch.ts";
 * const registry = new WatchRegistry(() => {});
 * const watch = registry.add("h.local", () => {}, {});
 * assert.equal(registry.size, 1);
 * watch.cancel();
 * assert.equal(registry.size, 0);
 * ```
 */
export class WatchRegistry {
  // One watcher (the common case) or several per name key.
  #byKey = new Map<string, Watcher | Watcher[]>();
  #size = 0;
  #onInterest: (key: string) => void;
  #onEmpty: () => void;
  #onRelease: (key: string) => void;

  /**
   * `onInterest(key)` is called when a refreshing watch is added for a name,
   * `onEmpty()` when the last watch is cancelled, `onRelease(key)` when any
   * watch on a name is cancelled (what it covered may be needed by no one now).
   */
  constructor(
    onInterest: (key: string) => void,
    onEmpty: () => void = () => {},
    onRelease: (key: string) => void = () => {},
  ) {
    this.#onInterest = onInterest;
    this.#onEmpty = onEmpty;
    this.#onRelease = onRelease;
  }

  /** Watches in place. */
  get size(): number {
    return this.#size;
  }

  /** Adds a watch on `name`. */
  add(
    name: string,
    listener: (event: PeerCacheEvent) => void,
    options: PeerWatchOptions,
  ): PeerWatch {
    const key = nameKey(name);
    const watcher = new Watcher(
      this,
      key,
      options.type ?? RecordType.ANY,
      options.interfaceName,
      options.refresh ?? true,
      listener,
    );
    const known = this.#byKey.get(key);
    // Copy on write: a listener that adds or cancels a watch does not disturb a dispatch.
    this.#byKey.set(
      key,
      known === undefined ? watcher : Array.isArray(known) ? [...known, watcher] : [known, watcher],
    );
    this.#size++;
    if (watcher.refresh) this.#onInterest(key);
    return watcher;
  }

  /** Removes a watcher (its `cancel` calls this). */
  remove(watcher: PeerWatch): void {
    const w = watcher as Watcher;
    const known = this.#byKey.get(w.key);
    if (known === w) this.#byKey.delete(w.key);
    else if (Array.isArray(known)) {
      const rest = known.filter((x) => x !== w);
      if (rest.length === known.length) return;
      this.#byKey.set(w.key, rest.length === 1 ? rest[0] : rest);
    } else return;
    this.#onRelease(w.key);
    if (--this.#size === 0) this.#onEmpty();
  }

  /** Delivers a cache event to the watches of its record's name. */
  dispatch(event: PeerCacheEvent): void {
    const entry = event.record as PeerEntry;
    const known = this.#byKey.get(entry.owner.key);
    if (known === undefined) return;
    if (!Array.isArray(known)) {
      if (matches(known, entry)) known.listener(event);
      return;
    }
    for (const w of known) {
      if (w.live && matches(w, entry)) w.listener(event);
    }
  }

  /** True when any watch (refreshing or not) covers the entry: a running query needs it. */
  covers(entry: PeerEntry): boolean {
    const known = this.#byKey.get(entry.owner.key);
    if (known === undefined) return false;
    if (!Array.isArray(known)) return matches(known, entry);
    for (const w of known) if (matches(w, entry)) return true;
    return false;
  }

  /** True when a refreshing watch covers the entry. */
  wants(entry: PeerEntry): boolean {
    const known = this.#byKey.get(entry.owner.key);
    if (known === undefined) return false;
    if (!Array.isArray(known)) return known.refresh && matches(known, entry);
    for (const w of known) {
      if (w.refresh && matches(w, entry)) return true;
    }
    return false;
  }
}

function matches(w: Watcher, entry: PeerEntry): boolean {
  return (w.type === RecordType.ANY || w.type === entry.type) &&
    (w.iface === undefined || w.iface === entry.iface);
}
