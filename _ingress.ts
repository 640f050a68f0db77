/**
 * The stack's ingress filters: what RFC 6762 says a receiver must ignore,
 * decided from the header and the source before any part sees a packet.
 *
 * Internal: not exported from `mod.ts`.
 *
 * @module
 */

import { isIPv6LinkLocal, type MessageReader } from "./codec/mod.ts";
import type { DropReason } from "./mdns_options.ts";
import type { Datagram, NetworkLink } from "./transport/transport.ts";
import { MDNS_PORT } from "./transport/transport.ts";
import { type Cidr, cidrContains, parseCidr } from "./transport/subnet.ts";

/** RFC 6762 §18.3: "Multicast DNS messages received with an OPCODE other than zero MUST be silently ignored." */
const STANDARD_QUERY_OPCODE = 0;
/** RFC 6762 §18.11: "Multicast DNS messages received with non-zero Response Codes MUST be silently ignored." */
const NO_ERROR_RCODE = 0;

/**
 * Decides whether a datagram is one the stack may act on.
 */
export class IngressFilter {
  #links: () => readonly NetworkLink[];
  #prefixes = new Map<string, Cidr[]>();
  // The last source judged, per the transport's arrival interface: a querier
  // (or a flood) sends many packets in a row, and the transport has already
  // matched an IPv4 multicast source against these prefixes once.
  #lastInterface = "";
  #lastSource = "";
  #lastOnLink = false;

  /** Creates a filter over the transport's current links. */
  constructor(links: () => readonly NetworkLink[]) {
    this.#links = links;
  }

  /** Why the packet must be ignored, or `undefined` when it may be routed. */
  check(reader: MessageReader, datagram: Datagram): DropReason | undefined {
    if (reader.opcode !== STANDARD_QUERY_OPCODE) return "opcode";
    if (reader.rcode !== NO_ERROR_RCODE) return "rcode";
    // RFC 6762 §6: "Multicast DNS implementations MUST silently ignore any
    // Multicast DNS responses they receive where the source UDP port is not 5353."
    if (reader.isResponse && datagram.source.port !== MDNS_PORT) return "source-port";
    if (!this.#onLink(datagram)) return "off-link";
    return undefined;
  }

  /** Forgets what it knew of a link's prefixes (its addresses changed or it left). */
  forget(interfaceName: string): void {
    this.#prefixes.delete(interfaceName);
    this.#lastInterface = "";
  }

  /**
   * RFC 6762 §11: a response or query must come from the local link. IPv6
   * link-local sources are on-link by definition; other sources must fall in
   * one of the arrival interface's prefixes.
   */
  #onLink(datagram: Datagram): boolean {
    const source = datagram.source.address;
    if (source === this.#lastSource && datagram.interfaceName === this.#lastInterface) {
      return this.#lastOnLink;
    }
    let onLink: boolean;
    if (datagram.family === "IPv6" && isIPv6LinkLocal(source)) onLink = true;
    else {
      const prefixes = this.#prefixes.get(datagram.interfaceName) ?? this.#learn(datagram);
      onLink = prefixes.some((cidr) => cidrContains(cidr, source));
    }
    this.#lastInterface = datagram.interfaceName;
    this.#lastSource = source;
    this.#lastOnLink = onLink;
    return onLink;
  }

  #learn(datagram: Datagram): Cidr[] {
    const link = this.#links().find((l) => l.name === datagram.interfaceName);
    if (link === undefined) return [];
    const cidrs: Cidr[] = [];
    for (const text of [...link.ipv4, ...link.ipv6]) {
      try {
        cidrs.push(parseCidr(text));
      } catch {
        // An address the transport could not express as a prefix admits nothing.
      }
    }
    this.#prefixes.set(link.name, cidrs);
    return cidrs;
  }
}
