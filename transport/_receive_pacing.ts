/**
 * When a socket's receive loop (`_managed_socket.ts`, with the FFI drain)
 * waits on Deno's `receive()` and when it drains on a short timer instead.
 *
 * Why: each wake-up of Deno's `receive()` costs ~30 µs of CPU (the async op,
 * its promise and a turn of the event loop), and on a machine with CPU to
 * spare each one carries a single datagram, however fast they come: at
 * 20,000 queries a second that was about nine tenths of the responder's CPU
 * (32-35 µs an answer, 3-4 of them the stack's own; issue 15 item 2, issue
 * 16 item 2). A timer that fires every
 * {@linkcode COALESCE_MS} while datagrams keep coming costs one wake-up per
 * tick, and a `recvmmsg` drain takes all that arrived meanwhile.
 *
 * The rule, one decision after each drain:
 *
 * - the drain took {@linkcode DRAIN_LIMIT} (more is queued): drain again
 *   after one turn of the event loop, as before ("turn");
 * - it took some, or Deno's `receive()` woke the loop less than a tick after
 *   its previous wake-up (datagrams are arriving faster than one a tick):
 *   drain again after a tick ("tick");
 * - otherwise, the socket is quiet: back to Deno's `receive()` ("receive").
 *
 * So an isolated datagram is handled the moment it arrives, and under load a
 * datagram waits at most a tick (plus the event loop's own lag). The kernel
 * buffer must hold a tick's worth: `SOCKET_RECEIVE_BUFFER_BYTES` (1 MiB,
 * ~1,500 queries) is 75 ms at 20,000 a second.
 *
 * @module
 */

import { DRAIN_LIMIT } from "./_ffi_datagrams.ts";

/** The tick while datagrams keep coming, ms: legacy unicast answers wait at most this much more. */
export const COALESCE_MS = 1;

/** What the receive loop waits for before its next drain. */
export type NextDrain = "receive" | "turn" | "tick";

/**
 * The decision above, for one socket. Pure: the caller passes the time.
 */
export class ReceivePacing {
  /** The tick, ms; 0 never ticks (every wait is Deno's `receive()`, as before pacing). */
  readonly tickMs: number;
  #lastReceive = -Infinity;
  #shortGap = false;

  /** A pacing with `tickMs` between drains while the socket is busy. */
  constructor(tickMs: number = COALESCE_MS) {
    this.tickMs = tickMs;
  }

  /** Deno's `receive()` woke the loop at `now` (ms). */
  received(now: number): void {
    this.#shortGap = now - this.#lastReceive < this.tickMs;
    this.#lastReceive = now;
  }

  /** A drain took `count` datagrams: what to wait for before the next one. */
  next(count: number): NextDrain {
    const shortGap = this.#shortGap;
    this.#shortGap = false;
    if (count >= DRAIN_LIMIT) return "turn";
    if (this.tickMs > 0 && (count > 0 || shortGap)) return "tick";
    return "receive";
  }
}
