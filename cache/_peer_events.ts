/**
 * Who hears the peer cache's changes: subscribers (every event), watches (one
 * name's events, found by a map lookup, see `peer_watch.ts`) and clear
 * listeners. The watches are also the cache's interest: the schedule asks
 * {@linkcode PeerEvents.wants} before it arms a refresh point (RFC 6762 §5.2).
 * Internal to the cache.
 *
 * @module
 */

import type { PeerCacheEvent } from "./peer_cache_options.ts";
import type { PeerEntry } from "./peer_record.ts";
import { type PeerWatch, type PeerWatchOptions, WatchRegistry } from "./peer_watch.ts";

/**
 * The listeners of one peer cache (internal; times are the cache's relative
 * milliseconds).
 */
export class PeerEvents {
  #listeners: ((event: PeerCacheEvent) => void)[] = [];
  #clearListeners: (() => void)[] = [];
  #watches: WatchRegistry;
  #unsubscribeWatches: (() => void) | undefined;
  #armAt = -Infinity;

  /**
   * `arm(key, t)` is called when a refreshing watch begins on a name: the
   * cache arms the refresh points of that name's records still ahead of `t`;
   * `released(key)` when a watch on a name ends (eviction re-ranks what it covered).
   */
  constructor(
    arm: (key: string, t: number) => void,
    released: (key: string) => void = () => {},
  ) {
    this.#watches = new WatchRegistry((key) => arm(key, this.#armAt), () => {
      // No watch left: stop dispatching to the registry.
      this.#unsubscribeWatches?.();
      this.#unsubscribeWatches = undefined;
    }, released);
  }

  /** True when someone listens: the cache builds no event object otherwise. */
  get active(): boolean {
    return this.#listeners.length > 0;
  }

  /** Adds a listener for every change; returns a function that removes it. */
  subscribe(listener: (event: PeerCacheEvent) => void): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Watches one name; a refreshing watch arms the refresh points after `t`
   * (`-Infinity` for all of them) of what is cached under it.
   */
  watch(
    name: string,
    listener: (event: PeerCacheEvent) => void,
    options: PeerWatchOptions,
    t: number,
  ): PeerWatch {
    this.#armAt = t;
    if (this.#unsubscribeWatches === undefined) {
      this.#unsubscribeWatches = this.subscribe((e) => this.#watches.dispatch(e));
    }
    return this.#watches.add(name, listener, options);
  }

  /** True when a refreshing watch covers the entry. */
  wants(entry: PeerEntry): boolean {
    return this.#watches.wants(entry);
  }

  /** True when any watch covers the entry: the eviction policy's "a running query needs it". */
  covers(entry: PeerEntry): boolean {
    return this.#watches.covers(entry);
  }

  /** {@linkcode covers} for a record not filed yet: its name key, type and interface. */
  coversRecord(key: string, type: number, iface: string): boolean {
    return this.#watches.coversRecord(key, type, iface);
  }

  /** Adds a listener for full clears; returns a function that removes it. */
  onClear(listener: () => void): () => void {
    this.#clearListeners = [...this.#clearListeners, listener];
    return () => {
      this.#clearListeners = this.#clearListeners.filter((l) => l !== listener);
    };
  }

  /** Delivers a change to every listener. */
  emit(event: PeerCacheEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  /** Tells the clear listeners the whole cache was cleared. */
  cleared(): void {
    for (const listener of this.#clearListeners) listener();
  }
}
