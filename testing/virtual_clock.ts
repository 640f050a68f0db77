/**
 * A clock that only moves when a test says so, for deterministic tests of
 * everything timed in the stack (probe spacing, delays, TTL expiry).
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { checkDelay, type Clock, type Timer } from "../clock.ts";

interface PendingTimer {
  at: number;
  seq: number;
  callback: () => void;
  /** False once fired or cancelled; cancelled timers stay in the heap until they surface. */
  armed: boolean;
}

/** True when `a` fires before `b`: earlier deadline, then earlier `setTimer` call. */
function before(a: PendingTimer, b: PendingTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * A clock that only moves when a test says so. Timers fire in deadline order
 * (ties in the order they were set) as {@linkcode VirtualClock.advance} passes them.
 *
 * @example Firing a timer in virtual time
 * ```ts
 * import assert from "node:assert/strict";
 * import { VirtualClock } from "./virtual_clock.ts";
 * const clock = new VirtualClock();
 * let fired = false;
 * clock.setTimer(250, () => fired = true);
 * clock.advance(249);
 * assert.equal(fired, false);
 * clock.advance(1);
 * assert.equal(fired, true);
 * ```
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #armed = 0;
  // A binary min-heap: a stack under test may hold thousands of timers (one per
  // cached record), and scanning them all on every firing would be quadratic.
  #heap: PendingTimer[] = [];

  /** Creates a clock that starts at `start` milliseconds (default 0). */
  constructor(start = 0) {
    if (!Number.isFinite(start)) throw new RangeError(`Start time must be finite: ${start}`);
    this.#now = start;
  }

  /** The current virtual time in milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Number of timers armed and not yet fired or cancelled. */
  get pending(): number {
    return this.#armed;
  }

  /**
   * Arms a timer that fires when virtual time reaches `now() + delayMs`
   * (negative delays count as 0). Throws `TypeError` for a `NaN` delay.
   */
  setTimer(delayMs: number, callback: () => void): Timer {
    checkDelay(delayMs);
    const timer: PendingTimer = {
      at: this.#now + Math.max(0, delayMs),
      seq: this.#seq++,
      callback,
      armed: true,
    };
    this.#push(timer);
    this.#armed++;
    const cancel = () => {
      if (!timer.armed) return;
      timer.armed = false;
      this.#armed--;
    };
    return { cancel, [Symbol.dispose]: cancel };
  }

  /**
   * Moves time forward by `ms`, firing every timer whose deadline is passed, in
   * order, with `now()` equal to each timer's deadline while it runs. Timers
   * armed by callbacks fire too if they fall within the window. Throws
   * `RangeError` when `ms` is negative or not a number.
   */
  advance(ms: number): void {
    const end = this.#end(ms);
    for (;;) {
      const next = this.#takeDue(end);
      if (next === undefined) break;
      next.callback();
    }
    // max: a callback may itself have advanced the clock past `end`.
    this.#now = Math.max(this.#now, end);
  }

  /**
   * Like {@linkcode VirtualClock.advance}, but lets pending promise reactions run
   * before each timer fires and once more at the end, so code that `await`s
   * between timers (an async stack awaiting `send()`) sees the virtual time it
   * expects. It yields to the real event loop, so it must be awaited.
   *
   * @example Letting async code keep up
   * ```ts
   * import assert from "node:assert/strict";
   * import { VirtualClock } from "./virtual_clock.ts";
   * const clock = new VirtualClock();
   * const sleep = (ms: number) => new Promise<void>((r) => clock.setTimer(ms, r));
   * const seen: number[] = [];
   * (async () => {
   *   await sleep(10);
   *   seen.push(clock.now());
   *   await sleep(10);
   *   seen.push(clock.now());
   * })();
   * await clock.advanceAsync(100);
   * assert.deepEqual(seen, [10, 20]);
   * ```
   */
  async advanceAsync(ms: number): Promise<void> {
    const end = this.#end(ms);
    for (;;) {
      await drainMicrotasks();
      const next = this.#takeDue(end);
      if (next === undefined) break;
      next.callback();
    }
    this.#now = Math.max(this.#now, end);
    await drainMicrotasks();
  }

  /** Advances to the next timer's deadline and fires it; false when none is armed. */
  runNext(): boolean {
    const next = this.#peek();
    if (next === undefined) return false;
    this.advance(Math.max(0, next.at - this.#now));
    return true;
  }

  #end(ms: number): number {
    if (typeof ms !== "number" || Number.isNaN(ms) || ms < 0) {
      throw new RangeError(`Time can only move forward: ${String(ms)}`);
    }
    return this.#now + ms;
  }

  /** Removes and returns the earliest armed timer due by `end`, setting `now()` to its deadline. */
  #takeDue(end: number): PendingTimer | undefined {
    const next = this.#peek();
    if (next === undefined || next.at > end) return undefined;
    this.#pop();
    next.armed = false;
    this.#armed--;
    this.#now = Math.max(this.#now, next.at);
    return next;
  }

  #peek(): PendingTimer | undefined {
    while (this.#heap.length > 0 && !this.#heap[0].armed) this.#pop();
    return this.#heap[0];
  }

  #push(timer: PendingTimer): void {
    const heap = this.#heap;
    let i = heap.push(timer) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l], heap[m])) m = l;
      if (r < heap.length && before(heap[r], heap[m])) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  }
}

/**
 * Lets every queued promise reaction run: a macrotask comes only after the
 * microtask queue is empty, however long the chain of `await`s. `setImmediate`,
 * because nested zero-delay timers are clamped to milliseconds of real time each
 * (a test may fire thousands of timers) and Deno delivers `MessagePort`
 * messages between promise reactions.
 */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
