/**
 * The FFI hatch (opt-in, Linux only): socket options Deno does not offer, set
 * with libc's `setsockopt` on the file descriptors of Deno's own sockets. The
 * only file in the library that may call `Deno.dlopen`.
 *
 * It is used only when the `ffi` permission is already granted (never
 * prompted for): `--allow-ffi` is effectively full privilege, so a program
 * opts in by granting it. What it measured (`research/deno-multicast.md`,
 * "FFI", `exp1b`): after these calls the wire shows TTL / hop limit 255 for
 * IPv4 unicast and IPv6 multicast and unicast.
 *
 * Deno does not expose a socket's descriptor, so {@linkcode SockoptHatch.adopt}
 * finds it: Linux gives a new socket the lowest free descriptor, so the
 * descriptors that became UDP sockets bound to the requested address and port
 * between just before and just after the (synchronous) open are the one.
 *
 * @module
 */

import { ipv6ToBytes } from "./subnet.ts";
import { FfiDatagrams } from "./_ffi_datagrams.ts";
import { NetlinkNotices } from "./_ffi_netlink.ts";
import { type MuteSwitch, ReactorMute } from "./_reactor_mute.ts";
import { type Libc, LIBC_SYMBOLS } from "./_libc.ts";

/** Linux constants (identical on x86_64 and aarch64). */
const SOL_SOCKET = 1;
const SO_TYPE = 3;
const SO_RCVBUF = 8;
const SO_RCVBUFFORCE = 33;
const SOCK_DGRAM = 2;
const AF_INET = 2;
const AF_INET6 = 10;
const IPPROTO_IP = 0;
const IP_TTL = 2;
const IP_MULTICAST_IF = 32;
const IP_MULTICAST_TTL = 33;
const IP_ADD_MEMBERSHIP = 35;
const IP_MULTICAST_ALL = 49;
const IPPROTO_IPV6 = 41;
const IPV6_UNICAST_HOPS = 16;
const IPV6_MULTICAST_HOPS = 18;
const F_GETFD = 1;
const SIOCGIFFLAGS = 0x8913;
const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;
const IFNAMSIZ = 16;
const IFREQ_BYTES = 40;
const EADDRINUSE = 98;

/**
 * How many descriptors above the lowest free one {@linkcode SockoptHatch.adopt}
 * looks at: room for descriptors other threads open meanwhile.
 */
const ADOPT_WINDOW = 64;

/**
 * RFC 6762 §11: all mDNS packets SHOULD be sent with IP TTL (hop limit) 255.
 */
export const HATCH_TTL = 255;

/**
 * Whether the hatch is in use: `"active"`, `"off"` (the transport was told
 * `ffi: "off"`), or `"unavailable"` (not Linux, the `ffi` permission not
 * granted, or libc could not be loaded).
 */
export type HatchState = "active" | "off" | "unavailable";

/**
 * Sets socket options on Deno's sockets through libc.
 */
export class SockoptHatch {
  #lib: Deno.DynamicLibrary<typeof LIBC_SYMBOLS>;
  #libc: Libc;
  #int = new Int32Array(1);
  #len = new Uint32Array(1);
  #addr = new Uint8Array(128);
  #closed = false;
  #control = -1;
  #datagrams: FfiDatagrams | undefined;
  #mute: ReactorMute | undefined;
  #notices: NetlinkNotices | undefined | null = null;

  private constructor(lib: Deno.DynamicLibrary<typeof LIBC_SYMBOLS>) {
    this.#lib = lib;
    this.#libc = lib.symbols;
  }

  /**
   * Opens the hatch when `mode` is `"auto"`, the system is Linux and the `ffi`
   * permission is granted (queried, never prompted for). Never throws.
   */
  static open(mode: "auto" | "off"): { hatch?: SockoptHatch; state: HatchState } {
    if (mode === "off") return { state: "off" };
    if (Deno.build.os !== "linux") return { state: "unavailable" };
    try {
      if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
        return { state: "unavailable" };
      }
      return { hatch: new SockoptHatch(Deno.dlopen("libc.so.6", LIBC_SYMBOLS)), state: "active" };
    } catch {
      return { state: "unavailable" }; // no glibc (musl), or a sandbox that refuses dlopen
    }
  }

  /**
   * Calls `open` (which must open exactly one UDP socket synchronously, bound
   * to `hostname`'s address and `port`) and returns its result with the new
   * socket's descriptor, or -1 when it cannot be told apart.
   */
  adopt<T>(open: () => T, hostname: string, port: number): { value: T; fd: number } {
    if (this.#closed) return { value: open(), fd: -1 };
    const low = this.#lowestFree();
    const before = new Set<number>();
    for (let fd = low; fd < low + ADOPT_WINDOW; fd++) if (this.#isUdpSocket(fd)) before.add(fd);
    const value = open();
    const want = bindKey(hostname, port);
    const found: number[] = [];
    for (let fd = low; fd < low + ADOPT_WINDOW; fd++) {
      if (before.has(fd) || !this.#isUdpSocket(fd)) continue;
      if (this.#boundKey(fd) === want) found.push(fd);
    }
    return { value, fd: found.length === 1 ? found[0] : -1 };
  }

  /** IP_TTL (unicast TTL) 255 on an IPv4 socket. */
  setIPv4Ttl(fd: number): boolean {
    return this.#setInt(fd, IPPROTO_IP, IP_TTL, HATCH_TTL);
  }

  /** IPV6_UNICAST_HOPS and IPV6_MULTICAST_HOPS 255 on an IPv6 socket. */
  setIPv6Hops(fd: number): boolean {
    return this.#setInt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, HATCH_TTL) &&
      this.#setInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, HATCH_TTL);
  }

  /**
   * A receive buffer of `bytes` (the kernel doubles it for its bookkeeping):
   * SO_RCVBUFFORCE where the process may (CAP_NET_ADMIN), else SO_RCVBUF,
   * which the kernel caps at `net.core.rmem_max`.
   */
  setReceiveBuffer(fd: number, bytes: number): boolean {
    return this.#setInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, bytes) ||
      this.#setInt(fd, SOL_SOCKET, SO_RCVBUF, bytes);
  }

  /**
   * IP_MULTICAST_ALL off: the socket then receives only the multicast of the
   * groups it joined itself, on the interfaces it joined them on (Linux
   * delivers every membership of the host to every socket bound to the port
   * by default).
   */
  setMulticastAllOff(fd: number): boolean {
    return this.#setInt(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0);
  }

  /**
   * Joins IPv4 `group` on the interface with index `ifindex` (`ip_mreqn`, so
   * two interfaces with one address are still two). Returns true when joined
   * now or already; throws an `Error` naming the errno otherwise.
   */
  joinIPv4(fd: number, group: string, ifindex: number): boolean {
    if (this.#closed) throw new Error("Cannot join: the FFI hatch is closed");
    const mreqn = new Uint8Array(12);
    mreqn.set(group.split(".").map(Number), 0);
    new DataView(mreqn.buffer).setInt32(8, ifindex, true);
    if (this.#libc.setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreqn, 12) === 0) return true;
    const errno = this.#errno();
    if (errno === EADDRINUSE) return true;
    throw new Error(`Cannot join ${group} on interface index ${ifindex}: errno ${errno}`);
  }

  /**
   * Sends the socket's IPv4 multicast out of the interface with index
   * `ifindex` (IP_MULTICAST_IF with an `ip_mreqn`) with TTL 255 (RFC 6762
   * §11): the one way to reach a link that has no IPv4 address left, whose
   * address a socket cannot bind. The kernel then picks the source address
   * (0.0.0.0 when the host has no other IPv4 address). Returns false when the
   * kernel refused.
   */
  setMulticastSender(fd: number, ifindex: number): boolean {
    if (fd < 0 || this.#closed) return false;
    const mreqn = new Uint8Array(12);
    new DataView(mreqn.buffer).setInt32(8, ifindex, true);
    return this.#libc.setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, mreqn, 12) === 0 &&
      this.#setInt(fd, IPPROTO_IP, IP_MULTICAST_TTL, HATCH_TTL);
  }

  /** The kernel's index of interface `name`, 0 when there is none. */
  ifIndex(name: string): number {
    if (this.#closed) return 0;
    return this.#libc.if_nametoindex(new TextEncoder().encode(`${name}\0`));
  }

  /**
   * Whether interface `name` is up and has carrier (IFF_UP and IFF_RUNNING),
   * which `Deno.networkInterfaces()` does not say; undefined when unknown.
   */
  linkUp(name: string): boolean | undefined {
    if (this.#closed || name.length >= IFNAMSIZ) return undefined;
    if (this.#control < 0) this.#control = this.#libc.socket(AF_INET, SOCK_DGRAM, 0);
    const ifreq = new Uint8Array(IFREQ_BYTES);
    ifreq.set(new TextEncoder().encode(name));
    if (this.#libc.ioctl(this.#control, BigInt(SIOCGIFFLAGS), ifreq) !== 0) return undefined;
    const flags = new DataView(ifreq.buffer).getUint16(IFNAMSIZ, true);
    return (flags & IFF_UP) !== 0 && (flags & IFF_RUNNING) !== 0;
  }

  /** `recvmmsg` / `sendto` on adopted descriptors (the receive and send hot path). */
  get datagrams(): FfiDatagrams {
    return this.#datagrams ??= new FfiDatagrams(this.#libc);
  }

  /**
   * The switch that takes socket `fd` out of Deno's reactor while its receive
   * loop drains on ticks (`_reactor_mute.ts`); undefined when not found.
   */
  muteSwitch(fd: number): MuteSwitch | undefined {
    if (this.#closed) return undefined;
    return (this.#mute ??= new ReactorMute(this.#libc)).find(fd);
  }

  /**
   * The kernel's interface change notices (rtnetlink), opened on first use;
   * undefined when the kernel refuses the subscription.
   */
  get notices(): NetlinkNotices | undefined {
    if (this.#closed) return undefined;
    if (this.#notices === null) this.#notices = NetlinkNotices.open(this.#libc);
    return this.#notices;
  }

  /** Ends the interface notices, if they were opened (before {@linkcode SockoptHatch.close}). */
  async closeNotices(): Promise<void> {
    const notices = this.#notices;
    this.#notices = undefined;
    await notices?.close();
  }

  /**
   * glibc's `malloc_trim(0)`: every whole free page of malloc's arenas back to
   * the kernel (`_malloc_trim.ts` says when). Undefined when libc has none.
   */
  get trimMalloc(): (() => void) | undefined {
    const trim = this.#libc.malloc_trim;
    if (trim === null) return undefined;
    return () => {
      if (!this.#closed) trim(0n);
    };
  }

  /** What the datagram path has done so far (zeros before its first use). */
  get datagramCounts(): { received: number; sent: number } {
    return { received: this.#datagrams?.received ?? 0, sent: this.#datagrams?.sent ?? 0 };
  }

  /** Unloads libc; later calls do nothing (a call into an unloaded library would crash). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#datagrams?.close();
    this.#mute?.close();
    if (this.#control >= 0) this.#libc.close(this.#control);
    try {
      this.#lib.close();
    } catch {
      // Already closed.
    }
  }

  #setInt(fd: number, level: number, name: number, value: number): boolean {
    if (fd < 0 || this.#closed) return false;
    this.#int[0] = value;
    return this.#libc.setsockopt(fd, level, name, new Uint8Array(this.#int.buffer), 4) === 0;
  }

  #lowestFree(): number {
    let fd = 0;
    while (this.#libc.fcntl(fd, F_GETFD) !== -1) fd++;
    return fd;
  }

  #isUdpSocket(fd: number): boolean {
    this.#len[0] = 4;
    const ok = this.#libc.getsockopt(
      fd,
      SOL_SOCKET,
      SO_TYPE,
      new Uint8Array(this.#int.buffer),
      new Uint8Array(this.#len.buffer),
    ) === 0;
    return ok && this.#int[0] === SOCK_DGRAM;
  }

  /** `address port` of a socket's local address, as {@linkcode bindKey} makes it. */
  #boundKey(fd: number): string | undefined {
    this.#len[0] = this.#addr.length;
    if (this.#libc.getsockname(fd, this.#addr, new Uint8Array(this.#len.buffer)) !== 0) {
      return undefined;
    }
    const view = new DataView(this.#addr.buffer);
    const family = view.getUint16(0, true);
    const port = view.getUint16(2, false);
    if (family === AF_INET) return `${[...this.#addr.subarray(4, 8)].join(".")} ${port}`;
    if (family === AF_INET6) return `${hex(this.#addr.subarray(8, 24))} ${port}`;
    return undefined;
  }

  #errno(): number {
    const pointer = this.#libc.__errno_location();
    return pointer === null ? -1 : new Deno.UnsafePointerView(pointer).getInt32();
  }
}

/** The key {@linkcode SockoptHatch} compares a bound address with. */
function bindKey(hostname: string, port: number): string {
  const address = hostname.replace(/%.*$/, "");
  if (!address.includes(":")) return `${address} ${port}`;
  return `${hex(ipv6ToBytes(address) ?? new Uint8Array(0))} ${port}`;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}
