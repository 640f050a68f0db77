/**
 * When the transport asks glibc to give its free memory back to the kernel
 * (`malloc_trim(0)`, through the FFI hatch): during and after a burst of
 * datagrams, rate-limited.
 *
 * Why: under a flood (1,000,000 unique records announced at 300 packets a
 * second, `bench/poisoning_netns_bench.ts`) about 8 MiB of the process's RSS
 * growth is memory glibc's malloc holds free, not in use: what V8's compiler
 * and GC threads and Deno's own ops allocated and released in the first
 * seconds of the flood, kept in the arenas of the threads that freed it.
 * glibc returns an arena's free pages only from its top, so they stay resident
 * until the process ends; `malloc_trim(0)` releases every whole free page of
 * every arena (it took 1.8 ms and gave back 8.8 MiB there). No V8 flag reaches
 * this memory, and an environment variable (`MALLOC_ARENA_MAX`) only moves it
 * from the threads' arenas to the main one.
 *
 * Rule: for every {@linkcode TRIM_BURST_DATAGRAMS} datagrams delivered, if
 * they came within {@linkcode TRIM_BURST_WINDOW_MS} (a burst, not a LAN's
 * steady chatter), trim, at most once per {@linkcode TRIM_MIN_GAP_MS}; and once more
 * {@linkcode TRIM_AFTER_BURST_MS} after the last burst was seen, when the
 * collections that follow a flood have freed what it left. Between bursts
 * nothing runs: no timer, a counter per datagram and a clock read per batch.
 *
 * @module
 */

import type { Clock, Timer } from "../clock.ts";

/** Datagrams per look at the clock. */
export const TRIM_BURST_DATAGRAMS = 256;
/** A look finds a burst when those datagrams came within this (ms): about 50 a second or more. */
export const TRIM_BURST_WINDOW_MS = 5_000;
/** Least time between two trims during a burst (ms). */
export const TRIM_MIN_GAP_MS = 1_000;
/**
 * The trim after a burst, this long after it was last seen (ms): after V8's
 * memory reducer (its first collection comes 8 s after the allocation rate
 * falls) has freed what the burst left.
 */
export const TRIM_AFTER_BURST_MS = 10_000;

/**
 * Counts delivered datagrams and calls `trim` by the rule above (internal).
 */
export class MallocTrimmer {
  /** Trims asked for so far. */
  trims = 0;
  #clock: Clock;
  #trim: () => void;
  #count = 0;
  #countStart = 0;
  #lastTrim = -Infinity;
  #after: Timer | undefined;
  #closed = false;

  /** Trims by calling `trim` (glibc's `malloc_trim(0)`), timed by `clock`. */
  constructor(clock: Clock, trim: () => void) {
    this.#clock = clock;
    this.#trim = trim;
  }

  /** A datagram was delivered. */
  delivered(): void {
    if (this.#count === 0) this.#countStart = this.#clock.now(); // the first of a batch
    if (++this.#count < TRIM_BURST_DATAGRAMS || this.#closed) return;
    this.#count = 0;
    const now = this.#clock.now();
    if (now - this.#countStart > TRIM_BURST_WINDOW_MS) return;
    if (now - this.#lastTrim >= TRIM_MIN_GAP_MS) this.#trimNow(now);
    this.#after?.cancel();
    this.#after = this.#clock.setTimer(TRIM_AFTER_BURST_MS, () => {
      this.#after = undefined;
      this.#trimNow(this.#clock.now());
    });
  }

  /** Cancels the trim after a burst; later datagrams trim nothing. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#after?.cancel();
    this.#after = undefined;
  }

  #trimNow(now: number): void {
    this.#lastTrim = now;
    this.trims++;
    try {
      this.#trim();
    } catch {
      // Giving memory back is an optimisation: a failure must not reach the receive path.
    }
  }
}
