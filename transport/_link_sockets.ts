/**
 * The sockets of one interface, per the layout measured in
 * `research/deno-multicast.md` ("Design consequences"):
 *
 * - `v4[addr]`: bound to the interface's IPv4 address, port 5353, joined to
 *   224.0.0.251 on that address with multicast TTL 255. Linux routes multicast
 *   from a socket bound to a local address out of the device owning it, so this
 *   is how we pick the outgoing interface (Deno has no IP_MULTICAST_IF). It
 *   also receives unicast sent to that address.
 * - `mc6`: bound to `ff02::fb%<index>`. The scope id binds the socket to the
 *   device, so it receives only that link's multicast, sends plain `ff02::fb`
 *   out of that link only, and reaches bare fe80 peers on that link.
 * - `uc6[addr]`: bound to each IPv6 address, to receive unicast sent to it.
 *
 * IPv4 multicast is received by the transport's shared `rx4` socket, or, with
 * the FFI hatch (`_ffi_sockopt.ts`), here:
 *
 * - `mc4`: bound to 224.0.0.251:5353 with IP_MULTICAST_ALL off and joined on
 *   this interface's index only, so it receives exactly this link's IPv4
 *   multicast, whatever prefix other links share with it. Sources outside the
 *   link's subnets are dropped as off-link, as `rx4` drops them. It also
 *   sends, with IP_MULTICAST_IF, once the link has lost every IPv4 address
 *   (the goodbyes for them, RFC 6762 §10.1).
 *
 * With the hatch, every sending socket also gets IP_TTL or the IPv6 hop
 * limits 255 (RFC 6762 §11), and every socket a larger receive buffer
 * ({@linkcode SOCKET_RECEIVE_BUFFER_BYTES}).
 *
 * @module
 */

import type { SockoptHatch } from "./_ffi_sockopt.ts";
import { LinkIpv4Receiver } from "./_link_ipv4_receiver.ts";
import type { InterfaceSpec } from "./_interface_selection.ts";
import type { PublishedLink } from "./_link_events.ts";
import { ManagedSocket, openMdnsSocket, type SocketFailure } from "./_managed_socket.ts";
import { cidrContainsIPv4, cidrContainsIPv6, ipv4ToNumber, ipv6ToBytes } from "./subnet.ts";
import { isIPv6LinkLocal } from "../codec/ip.ts";
import {
  type AddressFamily,
  MDNS_IPV4_GROUP,
  MDNS_IPV6_GROUP,
  MDNS_PORT,
  type NetworkLink,
} from "./transport.ts";

/**
 * RFC 6762 §11: mDNS packets SHOULD be sent with IP TTL 255.
 */
export const MDNS_TTL = 255;

/**
 * Receive buffer asked for each socket with the FFI hatch (Deno leaves the
 * system default, 208 KiB on Linux). A burst of queries arriving while the
 * event loop is busy (a garbage collection) overflowed the default at 20,000
 * queries a second (issue 15: 1-2 % dropped); 1 MiB holds about 1,500 such
 * queries, ~75 ms of that load. The bound: 1 MiB of kernel memory per socket
 * (the kernel counts twice that), granted in full only with CAP_NET_ADMIN,
 * else capped at `net.core.rmem_max`.
 */
export const SOCKET_RECEIVE_BUFFER_BYTES = 1 << 20;

/**
 * Which socket of a link a datagram arrived on.
 */
export type LinkSocketRole = "v4" | "mc4" | "mc6" | "uc6";

/**
 * What a link reports to its transport.
 */
export interface LinkSocketsHooks {
  /**
   * A datagram arrived on one of this link's sockets and passed the on-link
   * check; `data` is valid only during the call.
   */
  onPacket(
    link: LinkSockets,
    family: AddressFamily,
    unicast: boolean,
    data: Uint8Array,
    address: string,
    port: number,
  ): void;
  /** A unicast datagram from an off-link source was dropped (RFC 6762 §11). */
  onOffLink(): void;
  /** A socket's receive loop failed; the socket is closed and reopened at the next poll. */
  onSocketFailure(link: LinkSockets, where: string, error: Error): void;
  /** The FFI hatch could not set a socket's TTL or hop limit (the socket works without). */
  onHatchMiss?(link: LinkSockets, where: string): void;
}

/**
 * Opens, heals and closes the sockets of one interface.
 */
export class LinkSockets {
  /** Interface name. */
  readonly name: string;
  /** The spec last applied. */
  spec: InterfaceSpec | undefined;
  /** What was last published to the stack (by a link event), if anything. */
  published: PublishedLink | undefined;
  /** Our own addresses on this link, to recognise our looped-back multicast. */
  ownAddresses: ReadonlySet<string> = new Set();
  /** Failures reported for this link and not yet healed (`where|message`). */
  reported: Set<string> = new Set();
  #hooks: LinkSocketsHooks;
  #hatch: SockoptHatch | undefined;
  #v4 = new Map<string, ManagedSocket>();
  #mc4: LinkIpv4Receiver | undefined;
  #mc6: ManagedSocket | undefined;
  #mc6Index = 0;
  #uc6 = new Map<string, ManagedSocket>();
  #closed = false;

  /** Creates an empty socket set for interface `name`; `hatch` enables `mc4` and TTL 255. */
  constructor(name: string, hooks: LinkSocketsHooks, hatch?: SockoptHatch) {
    this.name = name;
    this.#hooks = hooks;
    this.#hatch = hatch;
    if (hatch !== undefined) {
      this.#mc4 = new LinkIpv4Receiver(
        name,
        hatch,
        (where, host) => this.#open(where, host, "mc4"),
      );
    }
  }

  /**
   * The socket that sends for `family` on this link, if one is open: for
   * IPv4, one bound to the link's address, or with the hatch and no address
   * left, `mc4` (the goodbyes for the addresses that left).
   */
  sender(family: AddressFamily): ManagedSocket | undefined {
    if (family === "IPv6") return this.#mc6;
    for (const cidr of this.spec?.ipv4 ?? []) {
      const v4 = this.#v4.get(cidr.address);
      if (v4 !== undefined) return v4;
    }
    return this.#mc4?.sender;
  }

  /** The IPv4 addresses whose sockets are open, in spec order. */
  get openIPv4(): string[] {
    return (this.spec?.ipv4 ?? []).map((c) => c.address).filter((a) => this.#v4.has(a));
  }

  /** The public view of what this link can do now: only addresses with open sockets. */
  view(): NetworkLink | undefined {
    const spec = this.spec;
    if (spec === undefined) return undefined;
    const open = new Set(this.openIPv4);
    const ipv4 = spec.ipv4.filter((c) => open.has(c.address)).map((c) =>
      `${c.address}/${c.prefixLength}`
    );
    const ipv6 = this.#mc6 === undefined
      ? []
      : spec.ipv6.map((c) => `${c.address}/${c.prefixLength}`);
    if (ipv4.length === 0 && ipv6.length === 0) return undefined;
    return { name: spec.name, index: spec.index, ipv4, ipv6 };
  }

  /**
   * Makes the open sockets match `spec`: opens what is missing, closes what no
   * longer has an address, recreates IPv6 sockets whose interface index changed
   * (a socket bound to a dead index never recovers), and re-joins IPv4 (a
   * re-created interface silently loses its memberships). Returns what failed;
   * the next call retries it.
   */
  async apply(spec: InterfaceSpec): Promise<SocketFailure[]> {
    const failures: SocketFailure[] = [];
    this.spec = spec;
    this.ownAddresses = new Set([...spec.ipv4, ...spec.ipv6].map((c) => c.address));
    const v4Wanted = new Set(spec.ipv4.map((c) => c.address));
    for (const [address, v4] of this.#v4) {
      if (!v4Wanted.has(address) || v4.closed) {
        v4.close();
        this.#v4.delete(address);
      }
    }
    for (const cidr of spec.ipv4) {
      if (this.#closed) break;
      const failure = await this.#ensureV4(cidr.address);
      if (failure !== undefined) failures.push(failure);
    }
    const failure = this.#closed ? undefined : this.#mc4?.ensure(spec);
    if (failure !== undefined) failures.push(failure);
    if (this.#mc6 !== undefined && (this.#mc6.closed || this.#mc6Index !== spec.index)) {
      this.#closeIPv6();
    }
    if (spec.ipv6.length === 0) this.#closeIPv6();
    if (spec.ipv6.length > 0 && spec.index > 0 && !this.#closed) {
      const failure = await this.#ensureMc6(spec.index);
      if (failure !== undefined) failures.push(failure);
      if (this.#mc6 !== undefined) {
        failures.push(...await this.#ensureUc6(spec));
      }
    }
    if (this.#closed) this.#closeAll();
    return failures;
  }

  /** Closes every socket and waits for their loops to end. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const loops = [...this.#v4.values()].map((v) => v.done);
    if (this.#mc4 !== undefined) loops.push(this.#mc4.close());
    if (this.#mc6 !== undefined) loops.push(this.#mc6.done);
    for (const s of this.#uc6.values()) loops.push(s.done);
    this.#closeAll();
    await Promise.all(loops);
  }

  /** Datagrams dropped across this link's sockets for exceeding 9000 bytes. */
  get oversized(): number {
    let n = (this.#mc6?.oversized ?? 0) + (this.#mc4?.oversized ?? 0);
    for (const v of this.#v4.values()) n += v.oversized;
    for (const s of this.#uc6.values()) n += s.oversized;
    return n;
  }

  #closeAll(): void {
    for (const v of this.#v4.values()) v.close();
    this.#v4.clear();
    void this.#mc4?.close();
    this.#closeIPv6();
  }

  #closeIPv6(): void {
    this.#mc6?.close();
    this.#mc6 = undefined;
    this.#mc6Index = 0;
    for (const s of this.#uc6.values()) s.close();
    this.#uc6.clear();
  }

  /** Opens a socket; with the hatch, also returns its descriptor (-1 if not found). */
  #open(where: string, hostname: string, role: LinkSocketRole): [ManagedSocket, number] {
    const options = { hostname, port: MDNS_PORT };
    const hatch = this.#hatch;
    const { value: conn, fd } = hatch === undefined
      ? { value: openMdnsSocket(options), fd: -1 }
      : hatch.adopt(() => openMdnsSocket(options), hostname, MDNS_PORT);
    const socket = new ManagedSocket(
      conn,
      (data, address, port) => this.#arrived(role, data, address, port),
      (error) => this.#hooks.onSocketFailure(this, where, error),
      hatch !== undefined && fd >= 0
        ? { fd, datagrams: hatch.datagrams, mute: hatch.muteSwitch(fd) }
        : undefined,
    );
    if (hatch !== undefined && role !== "mc4") {
      const set = role === "v4" ? hatch.setIPv4Ttl(fd) : hatch.setIPv6Hops(fd);
      if (!set) this.#hooks.onHatchMiss?.(this, where);
    }
    if (hatch !== undefined && fd >= 0) hatch.setReceiveBuffer(fd, SOCKET_RECEIVE_BUFFER_BYTES);
    return [socket, fd];
  }

  #arrived(role: LinkSocketRole, data: Uint8Array, address: string, port: number): void {
    const spec = this.spec;
    if (spec === undefined || this.published === undefined) return;
    if (role === "mc6") {
      // ff02::fb is link-scoped and never forwarded: whatever arrives is on-link.
      this.#hooks.onPacket(this, "IPv6", false, data, address, port);
      return;
    }
    // Unicast: RFC 6762 §11 (and §5.5) - accept only on-link sources. IPv4
    // multicast on `mc4` too, as `rx4` does without the hatch: a source in
    // none of this link's subnets is not known to be on it.
    let onLink: boolean;
    if (role === "v4" || role === "mc4") {
      const n = ipv4ToNumber(address);
      onLink = spec.ipv4.some((c) => cidrContainsIPv4(c, n));
    } else {
      const bytes = ipv6ToBytes(address);
      onLink = bytes !== undefined &&
        ((bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) ||
          spec.ipv6.some((c) => cidrContainsIPv6(c, bytes)));
    }
    if (!onLink) {
      this.#hooks.onOffLink();
      return;
    }
    const family = role === "uc6" ? "IPv6" : "IPv4";
    this.#hooks.onPacket(this, family, role !== "mc4", data, address, port);
  }

  async #ensureV4(address: string): Promise<SocketFailure | undefined> {
    const where = `${this.name} ${address}:${MDNS_PORT}`;
    const existing = this.#v4.get(address);
    if (existing !== undefined) {
      // Re-join at every rebuild: AddrInUse means still joined; success means the
      // interface was re-created and the kernel had dropped the membership.
      try {
        await existing.conn.joinMulticastV4(MDNS_IPV4_GROUP, address);
      } catch (error) {
        if (!(error instanceof Deno.errors.AddrInUse)) return { where, error: asError(error) };
      }
      return undefined;
    }
    let socket: ManagedSocket | undefined;
    try {
      [socket] = this.#open(where, address, "v4");
      const membership = await socket.conn.joinMulticastV4(MDNS_IPV4_GROUP, address);
      // IP_MULTICAST_TTL is per socket; the membership is only the handle to set it.
      await membership.setTTL(MDNS_TTL); // RFC 6762 §11
      this.#v4.set(address, socket);
      return undefined;
    } catch (error) {
      socket?.close();
      return { where, error: asError(error) };
    }
  }

  async #ensureMc6(index: number): Promise<SocketFailure | undefined> {
    if (this.#mc6 !== undefined) return undefined;
    const where = `${this.name} [${MDNS_IPV6_GROUP}%${index}]:${MDNS_PORT}`;
    try {
      const [socket] = this.#open(where, `${MDNS_IPV6_GROUP}%${index}`, "mc6");
      try {
        await socket.conn.joinMulticastV6(MDNS_IPV6_GROUP, index);
      } catch (error) {
        socket.close();
        throw error;
      }
      this.#mc6 = socket;
      this.#mc6Index = index;
      return undefined;
    } catch (error) {
      return { where, error: asError(error) };
    }
  }

  #ensureUc6(spec: InterfaceSpec): SocketFailure[] {
    const failures: SocketFailure[] = [];
    const wanted = new Set(spec.ipv6.map((c) => c.address));
    for (const [address, socket] of this.#uc6) {
      if (!wanted.has(address) || socket.closed) {
        socket.close();
        this.#uc6.delete(address);
      }
    }
    for (const cidr of spec.ipv6) {
      if (this.#uc6.has(cidr.address)) continue;
      // Only link-local addresses need (and bind the device through) the scope id.
      const hostname = isIPv6LinkLocal(cidr.address)
        ? `${cidr.address}%${spec.index}`
        : cidr.address;
      const where = `${this.name} [${hostname}]:${MDNS_PORT}`;
      try {
        this.#uc6.set(cidr.address, this.#open(where, hostname, "uc6")[0]);
      } catch (error) {
        // A tentative address (duplicate address detection running) cannot be
        // bound yet; the next poll retries.
        failures.push({ where, error: asError(error) });
      }
    }
    return failures;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
