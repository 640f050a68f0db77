/**
 * One timer a tick for every paced socket on a clock (`_receive_pacing.ts`).
 *
 * Why: a flood that reaches a link over IPv4 and IPv6 at once keeps two
 * sockets ticking, and each tick of its own cost a timer (a Deno `Timeout`
 * made, inserted and fired: ~13 % of the process's CPU in the 20,000
 * queries/s multicast flood's profile) and a wake-up of the event loop.
 * Sockets that wait on one shared tick cost one of each. A socket that joins
 * a tick already armed waits less than a full tick, never more.
 *
 * @module
 */

import type { Clock, Timer } from "../clock.ts";

/** Calls every waiter at the next tick; one timer, armed while anyone waits. */
export class Ticker {
  readonly clock: Clock;
  readonly tickMs: number;
  #waiters = new Set<() => void>();
  #timer: Timer | undefined;

  /** A ticker on `clock` with `tickMs` between ticks. */
  constructor(clock: Clock, tickMs: number) {
    this.clock = clock;
    this.tickMs = tickMs;
  }

  /**
   * Calls `callback` once, at the next tick; the returned function withdraws
   * it (the timer stops when nobody waits).
   */
  wait(callback: () => void): () => void {
    this.#waiters.add(callback);
    if (this.#timer === undefined) {
      this.#timer = this.clock.setTimer(this.tickMs, () => this.#fire());
    }
    return () => {
      this.#waiters.delete(callback);
      if (this.#waiters.size === 0) {
        this.#timer?.cancel();
        this.#timer = undefined;
      }
    };
  }

  #fire(): void {
    this.#timer = undefined;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const waiter of waiters) waiter();
  }
}

const tickers = new WeakMap<Clock, Map<number, Ticker>>();

/** The ticker every socket on `clock` with `tickMs` shares. */
export function sharedTicker(clock: Clock, tickMs: number): Ticker {
  let byMs = tickers.get(clock);
  if (byMs === undefined) tickers.set(clock, byMs = new Map());
  let ticker = byMs.get(tickMs);
  if (ticker === undefined) byMs.set(tickMs, ticker = new Ticker(clock, tickMs));
  return ticker;
}
