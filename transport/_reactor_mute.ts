/**
 * Takes a socket out of Deno's reactor (the runtime's epoll) while its
 * receive loop drains on ticks (`_receive_pacing.ts`), and puts it back.
 *
 * Why: Deno registers each socket in its runtime's epoll, edge-triggered, and
 * the kernel wakes the event loop for every datagram that arrives, whether or
 * not anything awaits `receive()`. Under a 20,000 queries/s flood the paced
 * loop drained on 1 ms ticks, yet the process woke ~11,000 times a second
 * (`perf stat`: epoll_wait calls; `perf record`: ~40 % of its CPU in the
 * scheduler's context switch; issue 16 item 2). Muted, it wakes on its ticks.
 *
 * How: the epoll and the socket's registration (event mask and data: the
 * runtime's token) are read once from `/proc/self/fdinfo`; `EPOLL_CTL_DEL`
 * mutes and `EPOLL_CTL_ADD` with the same mask and data unmutes. Adding a
 * socket that has datagrams queued reports them at once, so none wait for the
 * next arrival. A socket is muted only while nothing awaits it (the receive
 * loop ticks, no `send()` of Deno's waits for room), and the runtime ignores
 * the error of removing it again when a muted socket closes. When the
 * registration cannot be told apart (not exactly one epoll holds the socket),
 * there is no switch and the loop paces as before.
 *
 * @module
 */

import type { Libc } from "./_libc.ts";

/** The libc functions this file calls (declared in `_libc.ts`'s table). */
export type MuteSymbols = Pick<Libc, "open" | "read" | "close" | "readlink" | "epoll_ctl">;

const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const EPOLLONESHOT = 1 << 30;
const EPOLLET = 2 ** 31;
const O_RDONLY = 0;
/** Descriptors looked at for the runtime's epoll (it is opened at start-up, among the first). */
const SCAN_FDS = 1024;
const EVENTPOLL = "anon_inode:[eventpoll]";
/** `struct epoll_event` is packed on x86_64 (12 bytes), naturally aligned elsewhere (16). */
const PACKED = Deno.build.arch === "x86_64";

/** One socket's registration: mute and unmute it. */
export class MuteSwitch {
  #owner: ReactorMute;
  #epfd: number;
  #fd: number;
  #event: Uint8Array;
  #muted = false;

  /** The switch for `fd`, registered in `epfd` with `event` (a `struct epoll_event`). */
  constructor(owner: ReactorMute, epfd: number, fd: number, event: Uint8Array) {
    this.#owner = owner;
    this.#epfd = epfd;
    this.#fd = fd;
    this.#event = event;
  }

  /** Whether the socket is out of the reactor. */
  get muted(): boolean {
    return this.#muted;
  }

  /** Takes the socket out of the reactor; false when it could not (it stays in). */
  mute(): boolean {
    if (this.#muted) return true;
    this.#muted = this.#owner.control(this.#epfd, EPOLL_CTL_DEL, this.#fd, this.#event);
    return this.#muted;
  }

  /** Puts it back, as the runtime registered it; false when it could not. */
  unmute(): boolean {
    if (!this.#muted) return true;
    this.#muted = !this.#owner.control(this.#epfd, EPOLL_CTL_ADD, this.#fd, this.#event);
    return !this.#muted;
  }
}

/** Finds sockets' registrations in the runtime's epoll (one instance per FFI hatch). */
export class ReactorMute {
  #libc: MuteSymbols;
  #epolls: number[] | undefined;
  #closed = false;

  /** Uses `libc`'s calls; nothing is read until {@linkcode ReactorMute.find}. */
  constructor(libc: MuteSymbols) {
    this.#libc = libc;
  }

  /** Stops every later call (the library is about to be unloaded). */
  close(): void {
    this.#closed = true;
  }

  /** The switch for socket `fd`, or undefined when its registration is not found. */
  find(fd: number): MuteSwitch | undefined {
    if (this.#closed || fd < 0) return undefined;
    this.#epolls ??= this.#eventpolls();
    let found: { epfd: number; registration: string } | undefined;
    for (const epfd of this.#epolls) {
      const line = this.#readText(`/proc/self/fdinfo/${epfd}`)?.split("\n")
        .find((l) => Number(/^tfd:\s*(\d+)/.exec(l)?.[1]) === fd);
      const registration = line === undefined
        ? undefined
        : /events:.*data:\s*[0-9a-f]+/.exec(line)?.[0];
      // The runtime may hold its epoll under two descriptors.
      if (registration === undefined || registration === found?.registration) continue;
      if (found !== undefined) return undefined; // two epolls hold it: not ours to guess
      found = { epfd, registration };
    }
    if (found === undefined) return undefined;
    const [, events, data] = /events:\s*([0-9a-f]+)\s+data:\s*([0-9a-f]+)/.exec(
      found.registration,
    )!;
    const mask = parseInt(events, 16);
    // Only a registration this file knows how to restore: edge-triggered and lasting.
    if (((mask & (EPOLLET | EPOLLONESHOT)) >>> 0) !== EPOLLET) return undefined;
    return new MuteSwitch(this, found.epfd, fd, epollEvent(mask, BigInt(`0x${data}`)));
  }

  /** `epoll_ctl`; true when it succeeded (internal to the switches). */
  control(epfd: number, op: number, fd: number, event: Uint8Array): boolean {
    return !this.#closed && this.#libc.epoll_ctl(epfd, op, fd, event) === 0;
  }

  #eventpolls(): number[] {
    const found: number[] = [];
    const target = new Uint8Array(64);
    for (let fd = 0; fd < SCAN_FDS; fd++) {
      const n = Number(this.#libc.readlink(cString(`/proc/self/fd/${fd}`), target, 64n));
      if (n > 0 && new TextDecoder().decode(target.subarray(0, n)) === EVENTPOLL) found.push(fd);
    }
    return found;
  }

  #readText(path: string): string | undefined {
    const fd = this.#libc.open(cString(path), O_RDONLY);
    if (fd < 0) return undefined;
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(4096);
    for (let n; (n = Number(this.#libc.read(fd, buffer, 4096n))) > 0;) {
      chunks.push(buffer.slice(0, n));
    }
    this.#libc.close(fd);
    const decoder = new TextDecoder();
    return chunks.map((c) => decoder.decode(c, { stream: true })).join("") + decoder.decode();
  }
}

/** A `struct epoll_event` holding `events` and `data`. */
function epollEvent(events: number, data: bigint): Uint8Array {
  const event = new Uint8Array(PACKED ? 12 : 16);
  const view = new DataView(event.buffer);
  view.setUint32(0, events, true);
  view.setBigUint64(PACKED ? 4 : 8, data, true);
  return event;
}

function cString(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\0`);
}
