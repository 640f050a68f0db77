/**
 * The datagram half of the FFI hatch (`_ffi_sockopt.ts` opens libc and hands
 * its symbols here): `recvmmsg` and `sendto` on the descriptors of Deno's own
 * sockets, called synchronously.
 *
 * Why: on a loaded responder most of the CPU per answer was Deno's UDP ops,
 * not ours (issue 15's profile: `op_net_send_udp` 35 %, `op_net_recv_udp` 9 %,
 * plus the promise and GC work of one async op per datagram each way). A
 * `sendto` from JavaScript is one system call, and one `recvmmsg` takes every
 * datagram already queued on the socket. Deno's own `receive()` stays the
 * wake-up: once it returns, the socket is drained here without awaiting, up
 * to {@linkcode DRAIN_LIMIT} datagrams so timers and sends still get their
 * turn. Both calls use MSG_DONTWAIT: a call that would block returns at once,
 * and a send that would block is left to Deno's `send()`, which waits for room.
 *
 * Deno's sockets are non-blocking and edge-triggered in its reactor: reading
 * them behind its back is safe, because Deno clears readiness only when its
 * own read would block, and a datagram that arrives after our drain raises a
 * new edge.
 *
 * Addresses come back as the text Deno would have given (RFC 5952 for IPv6,
 * without a zone), from a small memo: a loaded socket hears the same few peers.
 *
 * @module
 */

import type { Libc } from "./_libc.ts";
import { formatIPv4, formatIPv6, tryParseIPv4, tryParseIPv6 } from "../codec/ip.ts";

/** Datagrams one `recvmmsg` call can return. */
const BATCH = 32;
/** Most datagrams taken per wake-up before the event loop gets its turn again. */
export const DRAIN_LIMIT = 256;
/** Slot per datagram: the transport's receive buffer size (RFC 6762 §17's 9000 bytes). */
const SLOT_BYTES = 9000;
const SOCKADDR_BYTES = 32; // sockaddr_in6 is 28; 32 keeps slots aligned
const IOVEC_BYTES = 16; // { void *iov_base; size_t iov_len } on LP64
const MMSGHDR_BYTES = 64; // struct msghdr (56) + unsigned msg_len, padded, on LP64
const AF_INET = 2;
const AF_INET6 = 10;
const MSG_DONTWAIT = 0x40;
const EAGAIN = 11;
const ENOBUFS = 105;
const MEMO_LIMIT = 1024;

/** The libc functions this file calls (declared in `_ffi_sockopt.ts`'s table). */
export type DatagramSymbols = Pick<Libc, "recvmmsg" | "sendto" | "strerror" | "__errno_location">;

/** Called for each datagram drained; `data` is valid only during the call. */
export type DrainCallback = (data: Uint8Array, address: string, port: number) => void;

/**
 * `recvmmsg` / `sendto` on raw descriptors. One instance per hatch; its
 * buffers are shared by every socket, which is safe because a drain delivers
 * synchronously and nothing awaits in between.
 */
export class FfiDatagrams {
  #libc: DatagramSymbols;
  #slab = new Uint8Array(BATCH * SLOT_BYTES);
  #names = new Uint8Array(BATCH * SOCKADDR_BYTES);
  #iovecs = new Uint8Array(BATCH * IOVEC_BYTES);
  #headers = new Uint8Array(BATCH * MMSGHDR_BYTES);
  #headerView = new DataView(this.#headers.buffer);
  #nameView = new DataView(this.#names.buffer);
  #ipv4Text = new Map<number, string>();
  #ipv6Text = new Map<string, string>();
  #destinations = new Map<string, Uint8Array>();
  #closed = false;
  /** Datagrams received through `recvmmsg`. */
  received = 0;
  /** Datagrams sent through `sendto`. */
  sent = 0;

  /** Lays out the `mmsghdr` array once: each header points at its own slot and address. */
  constructor(libc: DatagramSymbols) {
    this.#libc = libc;
    const slab = pointerValue(this.#slab);
    const names = pointerValue(this.#names);
    const iovecs = pointerValue(this.#iovecs);
    const iov = new DataView(this.#iovecs.buffer);
    for (let i = 0; i < BATCH; i++) {
      iov.setBigUint64(i * IOVEC_BYTES, slab + BigInt(i * SLOT_BYTES), true);
      iov.setBigUint64(i * IOVEC_BYTES + 8, BigInt(SLOT_BYTES), true);
      const h = i * MMSGHDR_BYTES;
      this.#headerView.setBigUint64(h, names + BigInt(i * SOCKADDR_BYTES), true); // msg_name
      this.#headerView.setBigUint64(h + 16, iovecs + BigInt(i * IOVEC_BYTES), true); // msg_iov
      this.#headerView.setBigUint64(h + 24, 1n, true); // msg_iovlen
    }
  }

  /** Stops every later call (the library is about to be unloaded). */
  close(): void {
    this.#closed = true;
  }

  /**
   * Reads what is queued on `fd` without blocking, up to `limit` datagrams,
   * and hands each to `onPacket` (a datagram that fills its slot is passed
   * with its full slot length, for the caller's oversize check). Returns how
   * many were read; stops early when `stop()` says so (the socket closed).
   */
  drain(fd: number, onPacket: DrainCallback, stop: () => boolean, limit = DRAIN_LIMIT): number {
    let total = 0;
    while (total < limit && !this.#closed && !stop()) {
      const want = Math.min(BATCH, limit - total);
      for (let i = 0; i < want; i++) {
        this.#headerView.setUint32(i * MMSGHDR_BYTES + 8, SOCKADDR_BYTES, true); // msg_namelen
      }
      const n = this.#libc.recvmmsg(fd, this.#headers, want, MSG_DONTWAIT, null);
      if (n <= 0) break; // -1: EAGAIN (drained) or an error Deno's own receive will report
      for (let i = 0; i < n; i++) {
        if (stop()) return total + i;
        const length = this.#headerView.getUint32(i * MMSGHDR_BYTES + 56, true); // msg_len
        const data = this.#slab.subarray(i * SLOT_BYTES, i * SLOT_BYTES + length);
        const at = i * SOCKADDR_BYTES;
        const port = this.#nameView.getUint16(at + 2, false);
        const address = this.#nameView.getUint16(at, true) === AF_INET6
          ? this.#ipv6(at + 8)
          : this.#ipv4(at + 4);
        this.received++;
        onPacket(data, address, port);
      }
      total += n;
      if (n < want) break;
    }
    return total;
  }

  /**
   * Sends `data` to `hostname:port` (an IP literal without a zone) from `fd`
   * without blocking: `true` sent, `undefined` would block (or the address is
   * not a literal; let Deno's `send()` do it), an `Error` naming the errno
   * otherwise.
   */
  sendTo(fd: number, data: Uint8Array, hostname: string, port: number): true | undefined | Error {
    if (this.#closed) return undefined;
    const address = this.#destination(hostname);
    if (address === undefined) return undefined;
    address[2] = port >> 8;
    address[3] = port & 0xff;
    const n = this.#libc.sendto(
      fd,
      data,
      sizeT(data.length),
      MSG_DONTWAIT,
      address,
      address.length,
    );
    if (n >= 0) {
      this.sent++;
      return true;
    }
    const errno = this.#errno();
    if (errno === EAGAIN || errno === ENOBUFS) return undefined;
    return new Error(`${this.#strerror(errno)} (os error ${errno})`);
  }

  #ipv4(at: number): string {
    const key = this.#nameView.getUint32(at, false);
    let text = this.#ipv4Text.get(key);
    if (text === undefined) {
      if (this.#ipv4Text.size >= MEMO_LIMIT) this.#ipv4Text.clear();
      text = formatIPv4(this.#names, at);
      this.#ipv4Text.set(key, text);
    }
    return text;
  }

  #ipv6(at: number): string {
    // Key on the raw bytes (as Latin-1 text): cheaper than formatting.
    const v = this.#nameView;
    const key = String.fromCharCode(
      v.getUint16(at),
      v.getUint16(at + 2),
      v.getUint16(at + 4),
      v.getUint16(at + 6),
      v.getUint16(at + 8),
      v.getUint16(at + 10),
      v.getUint16(at + 12),
      v.getUint16(at + 14),
    );
    let text = this.#ipv6Text.get(key);
    if (text === undefined) {
      if (this.#ipv6Text.size >= MEMO_LIMIT) this.#ipv6Text.clear();
      text = formatIPv6(this.#names, at);
      this.#ipv6Text.set(key, text);
    }
    return text;
  }

  /** The sockaddr for an IP literal (port filled in per send), memoised. */
  #destination(hostname: string): Uint8Array | undefined {
    let address = this.#destinations.get(hostname);
    if (address !== undefined) return address;
    const v4 = tryParseIPv4(hostname);
    if (v4 !== undefined) {
      address = new Uint8Array(16); // sockaddr_in
      new DataView(address.buffer).setUint16(0, AF_INET, true);
      address.set(v4, 4);
    } else {
      const v6 = tryParseIPv6(hostname);
      if (v6 === undefined) return undefined;
      address = new Uint8Array(28); // sockaddr_in6, flow info and scope id 0 as Deno sends
      new DataView(address.buffer).setUint16(0, AF_INET6, true);
      address.set(v6, 8);
    }
    if (this.#destinations.size >= MEMO_LIMIT) this.#destinations.clear();
    this.#destinations.set(hostname, address);
    return address;
  }

  #errno(): number {
    const pointer = this.#libc.__errno_location();
    return pointer === null ? -1 : new Deno.UnsafePointerView(pointer).getInt32();
  }

  #strerror(errno: number): string {
    const pointer = this.#libc.strerror(errno);
    return pointer === null ? `errno ${errno}` : Deno.UnsafePointerView.getCString(pointer);
  }
}

/** `size_t` arguments are BigInts: one per length, made once (no allocation per send). */
const SIZES: bigint[] = [];
function sizeT(length: number): bigint {
  return SIZES[length] ??= BigInt(length);
}

function pointerValue(buffer: Uint8Array): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
}
