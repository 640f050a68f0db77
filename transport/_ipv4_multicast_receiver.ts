/**
 * The one socket that receives IPv4 mDNS multicast for every interface
 * (`rx4`). Deno cannot tell which interface a datagram arrived on (no
 * IP_PKTINFO), and Linux cannot bind an IPv4 socket to a device through its
 * address, so the source address decides: it must be one of ours or lie in the
 * subnet of a link in use. Anything else is dropped, which doubles as
 * RFC 6762 §11's on-link check (the TTL cannot be read either). Two links on
 * the same subnet are ambiguous: the first one (by name) wins.
 *
 * @module
 */

import type { LinkSockets } from "./_link_sockets.ts";
import { ManagedSocket, openMdnsSocket } from "./_managed_socket.ts";
import { cidrContainsIPv4, ipv4ToNumber } from "./subnet.ts";
import { MDNS_IPV4_GROUP, MDNS_PORT } from "./transport.ts";

/**
 * Linux `net.ipv4.igmp_max_memberships`: one more join on a socket fails with ENOBUFS.
 */
export const MAX_IPV4_JOINS = 20;

/**
 * What the receiver reports.
 */
export interface Ipv4MulticastHooks {
  /** An on-link datagram, attributed to `link`; `data` is valid only during the call. */
  onPacket(link: LinkSockets, data: Uint8Array, address: string, port: number): void;
  /** A datagram from a source on none of our links was dropped. */
  onOffLink(): void;
  /** The receive loop failed; the socket is reopened at the next {@linkcode Ipv4MulticastReceiver.sync}. */
  onFailure(error: Error): void;
  /** Joining the group on one of `link`'s addresses failed (other than "already joined"). */
  onJoinFailure(link: LinkSockets, where: string, error: Error): void;
}

/**
 * `rx4`: bound to 224.0.0.251:5353 and joined on every IPv4 address in use.
 */
export class Ipv4MulticastReceiver {
  #hooks: Ipv4MulticastHooks;
  #socket: ManagedSocket | undefined;
  #joins = new Map<string, Deno.MulticastV4Membership>();
  #links: LinkSockets[] = [];
  #own = new Map<string, LinkSockets>();
  #failed = new Map<string, string>(); // address → last join error reported
  #closed = false;

  /** Creates a closed receiver. */
  constructor(hooks: Ipv4MulticastHooks) {
    this.#hooks = hooks;
  }

  /** Datagrams dropped for exceeding 9000 bytes. */
  get oversized(): number {
    return this.#socket?.oversized ?? 0;
  }

  /**
   * Binds the socket, if it is not open. Throws what `Deno.listenDatagram`
   * throws (permission, address in use).
   */
  open(): void {
    if (this.#closed) throw new TypeError("Cannot open the IPv4 receiver: it is closed");
    if (this.#socket !== undefined && !this.#socket.closed) return;
    this.#joins.clear();
    this.#socket = new ManagedSocket(
      openMdnsSocket({ hostname: MDNS_IPV4_GROUP, port: MDNS_PORT }),
      (data, address, port) => this.#arrived(data, address, port),
      (error) => this.#hooks.onFailure(error),
    );
  }

  /** Sets the links datagrams may be attributed to (those with open IPv4 sockets). */
  setLinks(links: readonly LinkSockets[]): void {
    this.#links = links.filter((l) => l.openIPv4.length > 0);
    this.#own.clear();
    for (const link of this.#links) for (const a of link.openIPv4) this.#own.set(a, link);
  }

  /**
   * Reopens the socket if its loop failed, leaves addresses no longer in use,
   * and (re-)joins every address in use. Re-joining every time is how a
   * re-created interface heals: AddrInUse means still joined. Past 20 joins,
   * Linux's IP_MULTICAST_ALL still delivers through the per-interface
   * sockets' memberships.
   */
  async sync(): Promise<void> {
    if (this.#closed) return;
    if (this.#socket === undefined || this.#socket.closed) {
      try {
        this.open();
      } catch (error) {
        this.#hooks.onFailure(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
    const socket = this.#socket!;
    for (const [address, membership] of this.#joins) {
      if (this.#own.has(address)) continue;
      this.#joins.delete(address);
      await membership.leave().catch(() => {}); // The address is gone, and the membership with it.
    }
    for (const [address, link] of this.#own) {
      if (socket.closed || this.#closed) return;
      if (!this.#joins.has(address) && this.#joins.size >= MAX_IPV4_JOINS) continue;
      try {
        this.#joins.set(address, await socket.conn.joinMulticastV4(MDNS_IPV4_GROUP, address));
        this.#failed.delete(address);
      } catch (error) {
        if (error instanceof Deno.errors.AddrInUse) { // still joined
          this.#failed.delete(address);
          continue;
        }
        const e = error instanceof Error ? error : new Error(String(error));
        // Report a persistent failure once, not at every poll.
        if (this.#failed.get(address) === e.message) continue;
        this.#failed.set(address, e.message);
        this.#hooks.onJoinFailure(link, `rx4 join ${address}`, e);
      }
    }
  }

  /** Closes the socket and waits for its loop to end. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const socket = this.#socket;
    this.#socket = undefined;
    this.#joins.clear();
    socket?.close();
    await socket?.done;
  }

  #arrived(data: Uint8Array, address: string, port: number): void {
    let link = this.#own.get(address);
    if (link === undefined) {
      const n = ipv4ToNumber(address);
      search: for (const l of this.#links) {
        for (const cidr of l.spec!.ipv4) {
          if (cidrContainsIPv4(cidr, n)) {
            link = l;
            break search;
          }
        }
      }
    }
    if (link === undefined) this.#hooks.onOffLink();
    else this.#hooks.onPacket(link, data, address, port);
  }
}
