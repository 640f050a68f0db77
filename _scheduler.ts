/**
 * One timer for the whole stack: each part (responder, querier, peer cache)
 * says when it next needs to run, and the scheduler sleeps until the earliest
 * of those deadlines on the injected clock, like mDNSCore's `mDNS_Execute`.
 * A test drives everything by advancing a `VirtualClock`.
 *
 * @module
 */

import type { Clock, Timer } from "./clock.ts";

/**
 * Something with work at a time of its own choosing.
 *
 * @example A part that runs once, at t = 100
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ScheduledPart } from "./_scheduler.ts";
 * let done = false;
 * const part: ScheduledPart = {
 *   nextDeadline: () => (done ? undefined : 100),
 *   run: () => { done = true; },
 * };
 * assert.equal(part.nextDeadline(), 100);
 * ```
 */
export interface ScheduledPart {
  /** Clock time (ms) of the next work, or undefined when there is none. */
  nextDeadline(): number | undefined;
  /** Does whatever is due at `now`. Must not throw. */
  run(now: number): void;
}

/**
 * Runs the parts it is given, each when its deadline comes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VirtualClock } from "./testing/mod.ts";
 * import { Scheduler } from "./_scheduler.ts";
 * const clock = new VirtualClock();
 * const scheduler = new Scheduler(clock);
 * let ranAt = -1;
 * scheduler.add({ nextDeadline: () => (ranAt < 0 ? 250 : undefined), run: (now) => { ranAt = now; } });
 * clock.advance(1000);
 * assert.equal(ranAt, 250);
 * scheduler.close();
 * ```
 */
export class Scheduler {
  #clock: Clock;
  #parts: ScheduledPart[] = [];
  #timer: Timer | undefined;
  #armedFor = Infinity;
  #running = false;
  #closed = false;
  #onError: (error: unknown) => void;

  /** Creates a scheduler on `clock`; `onError` hears what a part throws. */
  constructor(clock: Clock, onError: (error: unknown) => void = () => {}) {
    this.#clock = clock;
    this.#onError = onError;
  }

  /** Adds a part and re-arms for its deadline. */
  add(part: ScheduledPart): void {
    this.#parts.push(part);
    this.wake();
  }

  /** Removes a part. */
  remove(part: ScheduledPart): void {
    const i = this.#parts.indexOf(part);
    if (i >= 0) this.#parts.splice(i, 1);
    this.wake();
  }

  /** Re-reads every deadline; call it after a part's deadline moved earlier. */
  wake(): void {
    if (this.#closed || this.#running) return;
    let earliest = Infinity;
    for (const part of this.#parts) {
      const at = part.nextDeadline();
      if (at !== undefined && at < earliest) earliest = at;
    }
    if (earliest === this.#armedFor) return;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#armedFor = earliest;
    if (earliest === Infinity) return;
    this.#timer = this.#clock.setTimer(earliest - this.#clock.now(), () => this.#fire());
  }

  #rearmAfterRun(now: number): void {
    this.wake();
    // A part still due after it ran would spin on a virtual clock; give the
    // clock one millisecond to move.
    if (this.#armedFor <= now) {
      this.#timer?.cancel();
      this.#armedFor = now + 1;
      this.#timer = this.#clock.setTimer(1, () => this.#fire());
    }
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    this.#running = true;
    try {
      const now = this.#clock.now();
      for (const part of [...this.#parts]) {
        const at = part.nextDeadline();
        if (at === undefined || at > now) continue;
        try {
          part.run(now);
        } catch (error) {
          this.#onError(error);
        }
      }
    } finally {
      this.#running = false;
    }
    this.#rearmAfterRun(this.#clock.now());
  }

  /** Cancels the timer; the scheduler does nothing after this. */
  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}
