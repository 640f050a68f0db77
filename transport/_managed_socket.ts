/**
 * One UDP socket and its receive loop. The loop reads into a buffer it reuses
 * for every datagram (`for await` would allocate 64 KiB per packet and costs
 * twice the CPU) and hands each datagram on synchronously, so the view stays
 * valid exactly as long as the callback runs.
 *
 * With the FFI hatch and the socket's descriptor (`direct`), each wake-up of
 * Deno's `receive()` is followed by a drain of whatever else is queued
 * (`recvmmsg`, no await), and {@linkcode ManagedSocket.trySend} sends with a
 * plain `sendto`: one async op per burst instead of one per datagram each
 * way (`_ffi_datagrams.ts` says why and how). While datagrams keep coming,
 * the loop stops waking on `receive()` and drains on a short timer instead
 * (`_receive_pacing.ts` says when and why; one tick for all sockets on a
 * clock, `_ticker.ts`), and while it ticks, the socket is
 * out of Deno's reactor (`mute`), so arriving datagrams do not wake the event
 * loop either (`_reactor_mute.ts` says why).
 *
 * @module
 */

import type { FfiDatagrams } from "./_ffi_datagrams.ts";
import { COALESCE_MS, type NextDrain, ReceivePacing } from "./_receive_pacing.ts";
import { type Clock, systemClock } from "../clock.ts";
import { sharedTicker } from "./_ticker.ts";

/**
 * Receive buffer size. RFC 6762 §17: a packet, IP and UDP headers included,
 * MUST NOT exceed 9000 bytes, so a payload that fills this buffer is oversized
 * (and may have been truncated: Deno cuts silently).
 */
export const RECEIVE_BUFFER_BYTES = 9000;

/**
 * A socket's descriptor and the FFI calls that use it.
 */
export interface DirectIo {
  /** The socket's file descriptor (found by `SockoptHatch.adopt`). */
  readonly fd: number;
  /** `recvmmsg` / `sendto` through libc. */
  readonly datagrams: FfiDatagrams;
  /** The clock for the pacing's ticks. @default {systemClock} */
  readonly clock?: Clock;
  /** The pacing's tick, ms; 0 never ticks. @default {COALESCE_MS} */
  readonly coalesceMs?: number;
  /** Takes the socket out of Deno's reactor while the loop ticks (`_reactor_mute.ts`). */
  readonly mute?: Mute;
}

/** What the loop needs of `_reactor_mute.ts`'s switch. */
export interface Mute {
  /** Whether the socket is out of the reactor. */
  readonly muted: boolean;
  /** Takes it out; false when it could not. */
  mute(): boolean;
  /** Puts it back; false when it could not. */
  unmute(): boolean;
}

/**
 * Options for opening a mDNS socket.
 */
export interface OpenSocketOptions {
  /** Address to bind, with `%index` for IPv6 link-scoped addresses. */
  readonly hostname: string;
  /** Port to bind. */
  readonly port: number;
}

/**
 * Opens a UDP socket the way every mDNS socket must be opened: sharing the
 * port with other stacks (`reuseAddress`, RFC 6762 §15) and looping multicast
 * back so same-host stacks hear us.
 */
export function openMdnsSocket(options: OpenSocketOptions): Deno.DatagramConn {
  return Deno.listenDatagram({
    transport: "udp",
    hostname: options.hostname,
    port: options.port,
    reuseAddress: true,
    loopback: true,
  });
}

/**
 * Called for each datagram; `data` is valid only during the call.
 */
export type PacketCallback = (data: Uint8Array, address: string, port: number) => void;

/**
 * A socket that could not be opened or joined (what `LinkSockets.apply` reports).
 */
export interface SocketFailure {
  /** Which socket, e.g. `eth0 198.18.1.2:5353`. */
  readonly where: string;
  /** Why. */
  readonly error: Error;
}

/**
 * A socket whose receive loop runs until {@linkcode ManagedSocket.close}.
 * The loop never rejects: an unexpected receive error is passed to `onFailure`
 * once and the socket closes itself (a socket that keeps failing must not spin).
 */
export class ManagedSocket {
  /** The socket. */
  readonly conn: Deno.DatagramConn;
  /** Settles when the receive loop has ended. Never rejects. */
  readonly done: Promise<void>;
  /** Datagrams dropped because they filled the receive buffer (RFC 6762 §17). */
  oversized = 0;
  #closed = false;
  #direct: (Required<Omit<DirectIo, "mute">> & Pick<DirectIo, "mute">) | undefined;
  /** Deno `send()`s waiting: they need the reactor, so the socket stays in it. */
  #sending = 0;
  #pacing: ReceivePacing;
  #stopTick: (() => void) | undefined;
  #isClosed = () => this.#closed;

  /** Starts the receive loop on `conn`; `direct` adds the FFI drain and send. */
  constructor(
    conn: Deno.DatagramConn,
    onPacket: PacketCallback,
    onFailure: (error: Error) => void,
    direct?: DirectIo,
  ) {
    this.conn = conn;
    this.#direct = direct !== undefined && direct.fd >= 0
      ? {
        ...direct,
        clock: direct.clock ?? systemClock,
        coalesceMs: direct.coalesceMs ?? COALESCE_MS,
      }
      : undefined;
    this.#pacing = new ReceivePacing(this.#direct?.coalesceMs);
    this.done = this.#run(onPacket, onFailure);
  }

  /**
   * Sends without an async op when the socket has `direct` I/O: `true` sent,
   * an `Error` when the kernel refused it, `undefined` when this path cannot
   * (no descriptor, closed, or the send would block): use `conn.send()`.
   */
  trySend(data: Uint8Array, hostname: string, port: number): true | Error | undefined {
    if (this.#direct === undefined || this.#closed) return undefined;
    return this.#direct.datagrams.sendTo(this.#direct.fd, data, hostname, port);
  }

  /**
   * Sends through Deno's `send()` (what {@linkcode ManagedSocket.trySend}
   * could not), with the socket in Deno's reactor until it settles: a send
   * that waits for room needs the reactor's word that there is some.
   */
  async send(data: Uint8Array, hostname: string, port: number): Promise<void> {
    this.#sending++;
    this.#direct?.mute?.unmute();
    try {
      await this.conn.send(data, { transport: "udp", hostname, port });
    } finally {
      this.#sending--;
    }
  }

  /** Whether the socket has been closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the socket; the pending receive or tick ends. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopTick?.();
    this.#direct?.mute?.unmute(); // closed as the runtime registered it
    try {
      this.conn.close();
    } catch {
      // Already closed by the runtime: nothing left to release.
    }
  }

  async #run(onPacket: PacketCallback, onFailure: (error: Error) => void): Promise<void> {
    const buffer = new Uint8Array(RECEIVE_BUFFER_BYTES);
    const hand = (data: Uint8Array, address: string, port: number) =>
      this.#hand(onPacket, data, address, port);
    const direct = this.#direct;
    let next: NextDrain = "receive";
    while (!this.#closed) {
      if (next === "receive") {
        direct?.mute?.unmute(); // receive() needs the reactor's wake-up
        let data: Uint8Array;
        let addr: Deno.Addr;
        try {
          [data, addr] = await this.conn.receive(buffer);
        } catch (error) {
          // close() makes the pending receive reject (Interrupted/BadResource): a clean end.
          if (this.#closed) return;
          this.close();
          onFailure(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (this.#closed) return;
        const net = addr as Deno.NetAddr;
        hand(data, net.hostname, net.port);
        if (direct === undefined) continue;
        this.#pacing.received(direct.clock.now());
      } else {
        // "turn": a full drain means more is queued, and Deno's receive() on
        // a ready socket settles as a microtask: without a turn of the event
        // loop this loop would keep it to itself for as long as a flood lasts,
        // and the other sockets (a resolve over IPv6 while IPv4 is flooded),
        // timers and async sends would wait seconds (issue 16 item 2).
        // "tick": the socket is busy; let datagrams gather (`_receive_pacing.ts`),
        // without waking the event loop for each (`_reactor_mute.ts`).
        if (next === "tick" && this.#sending === 0) direct!.mute?.mute();
        await (next === "turn" ? eventLoopTurn() : this.#tick(direct!.clock));
        if (this.#closed) return;
      }
      next = this.#pacing.next(direct!.datagrams.drain(direct!.fd, hand, this.#isClosed));
    }
  }

  /** Resolves at the next shared tick (`_ticker.ts`), or at once when the socket closes. */
  #tick(clock: Clock): Promise<void> {
    return new Promise((resolve) => {
      const withdraw = sharedTicker(clock, this.#pacing.tickMs).wait(() => {
        this.#stopTick = undefined;
        resolve();
      });
      this.#stopTick = () => {
        withdraw();
        resolve();
      };
    });
  }

  #hand(onPacket: PacketCallback, data: Uint8Array, address: string, port: number): void {
    if (data.length >= RECEIVE_BUFFER_BYTES) {
      this.oversized++;
      return;
    }
    try {
      onPacket(data, address, port);
    } catch {
      // The transport's callback reports handler errors itself; this only keeps
      // a bug there from ending the loop or rejecting `done`.
    }
  }
}

/**
 * Resolves after one turn of the event loop (a message through a fresh
 * channel is a task, not a microtask: I/O and timers run first). Not a
 * timer: no time is read or waited for.
 */
function eventLoopTurn(): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    port1.onmessage = () => {
      port1.close();
      port2.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
