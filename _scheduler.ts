/**
 * One timer for the whole stack: each part (responder, querier, peer cache)
 * says when it next needs to run, and the scheduler sleeps until the earliest
 * of those deadlines on the injected clock, like mDNSCore's `mDNS_Execute`.
 * A test drives everything by advancing a `VirtualClock`.
 *
 * The scheduler keeps no list of its own: it reads the stack's one list of
 * parts (the same array the pipeline routes to), so a part added to the stack
 * is scheduled and routed alike. A timer run is one turn of the stack
 * (`turn`), after which every part settles once.
 *
 * @module
 */

import type { Clock, Timer } from "./clock.ts";
import type { ScheduledPart } from "./stack_part.ts";

/** How a scheduler reports errors and wraps a timer run. */
export interface SchedulerOptions {
  /** Hears what a part throws. */
  readonly onError?: (error: unknown) => void;
  /** Runs one timer run as a turn of the stack (the parts settle after it). */
  readonly turn?: (work: () => void) => void;
}

/**
 * Runs the parts of a list it reads (never copies), each when its deadline
 * comes. A part without `nextDeadline` has no timed work.
 */
export class Scheduler {
  #clock: Clock;
  #parts: readonly Partial<ScheduledPart>[];
  #timer: Timer | undefined;
  #armedFor = Infinity;
  #running = false;
  #closed = false;
  #onError: (error: unknown) => void;
  #turn: (work: () => void) => void;

  /** Creates a scheduler on `clock` over `parts` (read at every wake) and arms it. */
  constructor(
    clock: Clock,
    parts: readonly Partial<ScheduledPart>[],
    options: SchedulerOptions = {},
  ) {
    this.#clock = clock;
    this.#parts = parts;
    this.#onError = options.onError ?? (() => {});
    this.#turn = options.turn ?? ((work) => work());
    this.wake();
  }

  /** Re-reads every deadline; call it after a part's deadline moved earlier or a part joined. */
  wake(): void {
    if (this.#closed || this.#running) return;
    let earliest = Infinity;
    for (const part of this.#parts) {
      const at = part.nextDeadline?.() ?? Infinity;
      if (at < earliest) earliest = at;
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
      this.#turn(() => this.#runDue(this.#clock.now()));
    } catch (error) {
      this.#onError(error);
    } finally {
      this.#running = false;
    }
    this.#rearmAfterRun(this.#clock.now());
  }

  #runDue(now: number): void {
    for (const part of [...this.#parts]) {
      const at = part.nextDeadline?.() ?? Infinity;
      if (at > now) continue;
      try {
        part.run?.(now);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  /** Cancels the timer; the scheduler does nothing after this. */
  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}
