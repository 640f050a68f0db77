/**
 * `mc4`, the FFI hatch's IPv4 multicast receiver of one interface: a socket
 * bound to 224.0.0.251:5353 with IP_MULTICAST_ALL off, joined on this
 * interface's index only. Linux then delivers it exactly this link's IPv4
 * multicast, so arrivals need no guess from the source subnet (which two
 * links on one prefix, 169.254/16 say, would share).
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
   * Opens the socket once per interface index (a re-created interface gets a
   * new one; none without IPv4) and re-joins at every call, in case the
   * kernel dropped the membership ("already joined" is success). Returns what
   * failed; the next call retries.
   */
  ensure(spec: InterfaceSpec): SocketFailure | undefined {
    const hatch = this.#hatch;
    const where = `${this.#name} ${MDNS_IPV4_GROUP}:${MDNS_PORT}`;
    const index = spec.ipv4.length === 0 ? 0 : hatch.ifIndex(this.#name);
    if (this.#socket !== undefined && (this.#socket.closed || this.#index !== index)) {
      this.#drop();
    }
    if (index === 0) return undefined; // no IPv4, or the interface is already gone
    try {
      if (this.#socket === undefined) {
        const [socket, fd] = this.#open(where, MDNS_IPV4_GROUP);
        if (!hatch.setMulticastAllOff(fd)) {
          // Without it the socket would hear every link's multicast.
          socket.close();
          throw new Error("Cannot turn IP_MULTICAST_ALL off");
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
