/**
 * Interface change notices from the kernel (rtnetlink), through the FFI hatch:
 * a NETLINK_ROUTE socket subscribed to link and IPv4/IPv6 address changes,
 * the way Avahi and mDNSResponder learn of them instead of polling.
 *
 * Deno cannot wait on a descriptor it did not open, so {@linkcode
 * NetlinkNotices.next} waits in `poll(2)` on one of Deno's blocking threads (a
 * `nonblocking` FFI call): an idle host then wakes the process for nothing.
 * Issue 15: a bare Deno timer every 2 s costs ~0.15 ms of CPU per second, as
 * much as Avahi spends idle in all. A pipe wakes the wait when the
 * subscription closes. Anything queued (a link added, removed, up, down,
 * carrier, an address added, removed or done with duplicate address
 * detection), an overflowed queue (ENOBUFS: notices were lost) or an error
 * reads as "something changed", and the transport looks at the list.
 *
 * @module
 */

import type { Libc } from "./_libc.ts";

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_NONBLOCK = 0x800;
const SOCK_CLOEXEC = 0x80000;
const NETLINK_ROUTE = 0;
const RTMGRP_LINK = 0x1;
const RTMGRP_IPV4_IFADDR = 0x10;
const RTMGRP_IPV6_IFADDR = 0x100;
const MSG_DONTWAIT = 0x40;
const EAGAIN = 11;
const READ_BYTES = 8192n;
const O_NONBLOCK = 0x800;
const O_CLOEXEC = 0x80000;
const POLLIN = 0x1;

/** The libc functions this file calls (declared in `_ffi_sockopt.ts`'s table). */
export type NetlinkSymbols = Pick<
  Libc,
  "socket" | "bind" | "recv" | "close" | "__errno_location" | "pipe2" | "write" | "poll"
>;

/**
 * A subscription to rtnetlink's link and address groups.
 */
export class NetlinkNotices {
  #libc: NetlinkSymbols;
  #fd: number;
  #wake: Int32Array; // pipe: [read end, write end]
  #pollfds = new Uint8Array(16); // struct pollfd[2]: { int fd; short events, revents }
  #buffer = new Uint8Array(Number(READ_BYTES));
  #waiting: Promise<number> | undefined;
  #closed = false;

  private constructor(libc: NetlinkSymbols, fd: number, wake: Int32Array) {
    this.#libc = libc;
    this.#fd = fd;
    this.#wake = wake;
    const view = new DataView(this.#pollfds.buffer);
    view.setInt32(0, fd, true);
    view.setInt16(4, POLLIN, true);
    view.setInt32(8, wake[0], true);
    view.setInt16(12, POLLIN, true);
  }

  /** Opens and subscribes; undefined when the kernel refuses (no netlink in a sandbox). */
  static open(libc: NetlinkSymbols): NetlinkNotices | undefined {
    const fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return undefined;
    const address = new Uint8Array(12); // sockaddr_nl: family, pad, pid (0: kernel picks), groups
    const view = new DataView(address.buffer);
    view.setUint16(0, AF_NETLINK, true);
    view.setUint32(8, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR, true);
    const wake = new Int32Array(2);
    if (
      libc.bind(fd, address, address.length) !== 0 ||
      libc.pipe2(new Uint8Array(wake.buffer), O_NONBLOCK | O_CLOEXEC) !== 0
    ) {
      libc.close(fd);
      return undefined;
    }
    return new NetlinkNotices(libc, fd, wake);
  }

  /** Whether {@linkcode NetlinkNotices.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Waits, without waking the process, until the kernel has queued a notice,
   * then reads them all: true when anything changed, false when the wait
   * ended for nothing or because the subscription is closing.
   */
  async next(): Promise<boolean> {
    if (this.#closed || this.#waiting !== undefined) return false;
    this.#waiting = this.#libc.poll(this.#pollfds, 2n, -1);
    try {
      await this.#waiting;
    } finally {
      this.#waiting = undefined;
    }
    return !this.#closed && this.changed();
  }

  /**
   * Whether anything arrived since the last call (reads it all); true too
   * when notices were lost or the socket failed, so a caller never misses a
   * change by trusting a broken subscription.
   */
  changed(): boolean {
    if (this.#closed) return true;
    let any = false;
    for (;;) {
      const n = this.#libc.recv(this.#fd, this.#buffer, READ_BYTES, MSG_DONTWAIT);
      if (n > 0) {
        any = true;
        continue;
      }
      if (n === 0) return any;
      return any || this.#errno() !== EAGAIN; // ENOBUFS: the queue overflowed
    }
  }

  /**
   * Ends the subscription: wakes a pending {@linkcode NetlinkNotices.next},
   * waits for it to return, and closes the descriptors. Idempotent; must be
   * awaited before the hatch unloads libc.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#libc.write(this.#wake[1], new Uint8Array(1), 1n);
    await this.#waiting?.catch(() => {});
    this.#libc.close(this.#fd);
    this.#libc.close(this.#wake[0]);
    this.#libc.close(this.#wake[1]);
  }

  #errno(): number {
    const pointer = this.#libc.__errno_location();
    return pointer === null ? -1 : new Deno.UnsafePointerView(pointer).getInt32();
  }
}
