/**
 * Time and randomness, injected. This is the only file in the library that
 * reads the system clock, arms real timers or calls `Math.random()`, so that a
 * test can drive every timing rule (probe spacing, response delays, TTL expiry,
 * backoff) deterministically with the `VirtualClock` of `./testing`.
 *
 * @module
 */

/**
 * A handle to a pending timer. Disposing it cancels the timer.
 *
 * @example Cancelling a timer
 * ```ts
 * import assert from "node:assert/strict";
 * import { VirtualClock } from "./testing/mod.ts";
 * const clock = new VirtualClock();
 * let fired = false;
 * const timer = clock.setTimer(100, () => fired = true);
 * timer.cancel();
 * clock.advance(200);
 * assert.equal(fired, false);
 * ```
 */
export interface Timer extends Disposable {
  /** Cancels the timer; a no-op when it has fired or was cancelled. */
  cancel(): void;
}

/**
 * A source of milliseconds and one-shot timers.
 *
 * @example Code written against `Clock` runs on the system clock and on a virtual one
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Clock, systemClock } from "./clock.ts";
 * import { VirtualClock } from "./testing/mod.ts";
 * function after(clock: Clock, ms: number, fired: string[]): void {
 *   clock.setTimer(ms, () => fired.push(`at ${clock.now()}`));
 * }
 * const fired: string[] = [];
 * const virtual = new VirtualClock();
 * after(virtual, 250, fired);
 * virtual.advance(1000);
 * assert.deepEqual(fired, ["at 250"]);
 * const timer = systemClock.setTimer(60_000, () => fired.push("never"));
 * timer.cancel(); // a cancelled timer never fires (and keeps no test waiting)
 * assert.equal(fired.length, 1);
 * ```
 */
export interface Clock {
  /** Milliseconds since an arbitrary epoch; never goes backwards. */
  now(): number;
  /** Calls `callback` once, `delayMs` milliseconds from now. */
  setTimer(delayMs: number, callback: () => void): Timer;
}

/**
 * A source of uniformly distributed numbers in `[0, 1)`.
 *
 * @example A fixed "random" source for tests
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Random } from "./clock.ts";
 * const half: Random = () => 0.5;
 * assert.equal(half(), 0.5);
 * ```
 */
export type Random = () => number;

/**
 * The longest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days); longer
 * delays overflow and fire at once, so {@linkcode systemClock} re-arms in steps.
 */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * The real clock: `performance.now()` (monotonic) and `setTimeout`.
 * Timers do not keep the process alive on their own only when unref'd by the
 * caller; the stack keeps its own timers referenced while it runs. Delays
 * longer than `setTimeout` can hold (a record TTL may be up to 2^31 - 1
 * seconds) are reached in steps rather than firing at once.
 *
 * @example Reading the time
 * ```ts
 * import assert from "node:assert/strict";
 * import { systemClock } from "./clock.ts";
 * const t = systemClock.now();
 * assert.ok(t > 0);
 * ```
 */
export const systemClock: Clock = {
  now(): number {
    return performance.now();
  },
  setTimer(delayMs: number, callback: () => void): Timer {
    checkDelay(delayMs);
    let id: ReturnType<typeof setTimeout>;
    const arm = (remaining: number) => {
      if (remaining > MAX_TIMEOUT_MS) {
        id = setTimeout(() => arm(remaining - MAX_TIMEOUT_MS), MAX_TIMEOUT_MS);
      } else {
        id = setTimeout(callback, Math.max(0, remaining));
      }
    };
    arm(delayMs);
    const cancel = () => clearTimeout(id);
    return { cancel, [Symbol.dispose]: cancel };
  },
};

/**
 * Throws the `TypeError` every clock throws for a delay that is not a number,
 * so the real and the virtual clock reject the same input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkDelay } from "./clock.ts";
 * assert.throws(() => checkDelay(NaN), TypeError);
 * ```
 */
export function checkDelay(delayMs: number): void {
  if (typeof delayMs !== "number" || Number.isNaN(delayMs)) {
    throw new TypeError(`Timer delay must be a number: ${String(delayMs)}`);
  }
}

/**
 * The real random source, `Math.random`.
 *
 * @example Drawing a delay
 * ```ts
 * import assert from "node:assert/strict";
 * import { systemRandom } from "./clock.ts";
 * const delay = 20 + systemRandom() * 100;
 * assert.ok(delay >= 20 && delay < 120);
 * ```
 */
export const systemRandom: Random = (): number => Math.random();
