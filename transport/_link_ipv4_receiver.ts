/**
 * `mc4`, the FFI hatch's IPv4 multicast receiver of one interface: a socket
 * bound to 224.0.0.251:5353 with IP_MULTICAST_ALL off, joined on this
 * interface's index only. Linux then delivers it exactly this link's IPv4
 * multicast, so arrivals need no guess from the source subnet (which two
 * links on one prefix, 169.254/16 say, would share).
 *
 * It also sends, for a link that had IPv4 and lost it all: no socket can bind
 * an address the link no longer has, so the goodbyes for the addresses that
 * left (RFC 6762 §10.1) go out of this one, its multicast interface set to
 * the link's index (IP_MULTICAST_IF), TTL 255 (§11). Linux sends them from
 * 0.0.0.0 (or another link's address), port 5353. python-zeroconf takes
 * them; Avahi drops every IPv4 datagram from 0.0.0.0, and so do we (off-link).
 * So the socket, once open, stays open while the interface keeps its index,
 * addresses or not (what it receives then is off-link and dropped).
 *
 * @module
 */

import type { SockoptHatch } from "./_ffi_sockopt.ts";
import type { InterfaceSpec } from "./_interface_selection.ts";
import type { ManagedSocket, SocketFailure } from "./_managed_socket.ts";
import { MDNS_IPV4_GROUP, MDNS_PORT } from "./transport.ts";

/**
 * Opens the socket for `hostname`:5353, returning it with its descriptor
 * (-1 when the hatch could not find it).
 */
export type OpenAdopted = (where: string, hostname: string) => [ManagedSocket, number];

/**
 * One interface's `mc4` socket, kept matching the interface.
 */
export class LinkIpv4Receiver {
  #name: string;
  #hatch: SockoptHatch;
  #open: OpenAdopted;
  #socket: ManagedSocket | undefined;
  #fd = -1;
  #index = 0;

  /** A closed receiver for interface `name`. */
  constructor(name: string, hatch: SockoptHatch, open: OpenAdopted) {
    this.#name = name;
    this.#hatch = hatch;
    this.#open = open;
  }

  /** Datagrams dropped for exceeding 9000 bytes. */
  get oversized(): number {
    return this.#socket?.oversized ?? 0;
  }

  /**
   * The socket that sends this link's IPv4 multicast when no IPv4 address is
   * left to bind one to (see the module note), if open.
   */
  get sender(): ManagedSocket | undefined {
    return this.#socket;
  }

  /**
   * Opens the socket once per interface index (a re-created interface gets a
   * new one; none for a link that never had IPv4, kept for one that lost it)
   * and re-joins at every call, in case the kernel dropped the membership
   * ("already joined" is success). Returns what failed; the next call retries.
   */
  ensure(spec: InterfaceSpec): SocketFailure | undefined {
    const hatch = this.#hatch;
    const where = `${this.#name} ${MDNS_IPV4_GROUP}:${MDNS_PORT}`;
    const index = hatch.ifIndex(this.#name);
    if (this.#socket !== undefined && (this.#socket.closed || this.#index !== index)) {
      this.#drop();
    }
    // The interface is gone, or never had IPv4 since this socket was due.
    if (index === 0 || (spec.ipv4.length === 0 && this.#socket === undefined)) return undefined;
    try {
      if (this.#socket === undefined) {
        const [socket, fd] = this.#open(where, MDNS_IPV4_GROUP);
        if (!hatch.setMulticastAllOff(fd)) {
          // Without it the socket would hear every link's multicast.
          socket.close();
          throw new Error("Cannot turn IP_MULTICAST_ALL off");
        }
        if (!hatch.setMulticastSender(fd, index)) {
          socket.close();
          throw new Error("Cannot set IP_MULTICAST_IF and IP_MULTICAST_TTL");
        }
        [this.#socket, this.#fd, this.#index] = [socket, fd, index];
      }
      hatch.joinIPv4(this.#fd, MDNS_IPV4_GROUP, index);
      return undefined;
    } catch (error) {
      this.#drop();
      return { where, error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  /** Closes the socket and waits for its loop to end. */
  async close(): Promise<void> {
    const done = this.#socket?.done;
    this.#drop();
    await done;
  }

  #drop(): void {
    this.#socket?.close();
    this.#socket = undefined;
    this.#fd = -1;
    this.#index = 0;
  }
}
