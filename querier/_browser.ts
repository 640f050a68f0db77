/**
 * The consumer side of a browse: an async iterable that never makes the
 * stack wait. The browse marks a service dirty when it changes; the reader,
 * when it reads, gets the difference between what it saw last and the
 * service's latest state. So events for one service coalesce while unread
 * (its latest state wins), at most one event per service waits, and past
 * `bufferSize` waiting services the queue is dropped for one comparison of
 * everything at the next read. Internal: not exported from `mod.ts`.
 *
 * @module
 */

import type { ServiceInfo } from "../cache/service_info.ts";
import type { Browser } from "./types.ts";

/**
 * Why a browse ended: its signal aborted, the peer cache was cleared, the
 * stack closed, or the reader broke its loop (or disposed the browser).
 */
export type EndReason = "aborted" | "cleared" | "closed" | "disposed";

/**
 * What a browser reads from: the latest state of each key and how two states
 * differ as an event.
 */
export interface BrowseSource<S, E, T = ServiceInfo> {
  /** The latest state of `key`, undefined when it is gone. */
  current(key: string): S | undefined;
  /** Every key with a state now. */
  keys(): Iterable<string>;
  /** The event that takes a reader from `prev` to `cur` (the states of `key`), if any. */
  diff(prev: S | undefined, cur: S | undefined, key: string): E | undefined;
  /** What the browse lists now: complete services, or service types. */
  services(): T[];
  /** Releases what the browse holds (watches, questions). */
  stop(): void;
}

/**
 * A browse's event stream.
 */
export class StreamBrowser<S, E, T = ServiceInfo> implements Browser<E, T> {
  #source: BrowseSource<S, E, T>;
  #bufferSize: number;
  #pending = new Set<string>();
  #resync = false;
  #delivered = new Map<string, S>();
  #waiters: (() => void)[] = [];
  #end: EndReason | undefined;
  #onEnd: (() => void)[] = [];

  /** Creates a browser over `source` that keeps at most `bufferSize` services waiting. */
  constructor(source: BrowseSource<S, E, T>, bufferSize: number) {
    this.#source = source;
    this.#bufferSize = bufferSize;
  }

  /** Why the iteration ended, undefined while it runs. */
  get endReason(): EndReason | undefined {
    return this.#end;
  }

  /** What the browse lists now: complete services, or service types. */
  services(): T[] {
    return this.#source.services();
  }

  /** The state of `key` may have changed. */
  notify(key: string): void {
    if (this.#end !== undefined) return;
    if (!this.#resync) {
      if (this.#pending.size >= this.#bufferSize && !this.#pending.has(key)) {
        // Too many waiting: keep no queue, compare everything at the next read.
        this.#resync = true;
        this.#pending.clear();
      } else this.#pending.add(key);
    }
    this.#wake();
  }

  /** Runs `fn` once when the browse ends. */
  onEnd(fn: () => void): void {
    if (this.#end !== undefined) fn();
    else this.#onEnd.push(fn);
  }

  /** Ends the browse (idempotent): the reader sees the end after what it already took. */
  end(reason: EndReason): void {
    if (this.#end !== undefined) return;
    this.#end = reason;
    this.#pending.clear();
    this.#source.stop();
    for (const fn of this.#onEnd) fn();
    this.#onEnd = [];
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #take(): E | undefined {
    if (this.#resync) {
      this.#resync = false;
      this.#pending = new Set([...this.#delivered.keys(), ...this.#source.keys()]);
    }
    for (const key of this.#pending) {
      this.#pending.delete(key);
      const cur = this.#source.current(key);
      const event = this.#source.diff(this.#delivered.get(key), cur, key);
      if (cur === undefined) this.#delivered.delete(key);
      else this.#delivered.set(key, cur);
      if (event !== undefined) return event;
    }
    return undefined;
  }

  async #next(): Promise<IteratorResult<E>> {
    for (;;) {
      if (this.#end !== undefined) return { value: undefined, done: true };
      const event = this.#take();
      if (event !== undefined) return { value: event, done: false };
      // Several reads may wait at once (next() called without awaiting): all wake.
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** The events, until the browse ends; breaking the loop ends it ("disposed"). */
  [Symbol.asyncIterator](): AsyncIterator<E> {
    return {
      next: () => this.#next(),
      return: () => {
        this.end("disposed");
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /** Ends the browse ("disposed"). */
  [Symbol.asyncDispose](): Promise<void> {
    this.end("disposed");
    return Promise.resolve();
  }
}
