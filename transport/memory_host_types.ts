/**
 * The shapes a `MemoryHost` is described and fed with: its interfaces, its
 * options, crafted arrivals. (The packets it hands the wire, which name the
 * host, live beside it in `memory_host.ts`.)
 *
 * @module
 */

import type { AddressFamily, NetworkLink } from "./transport.ts";

/**
 * One interface of a {@linkcode MemoryHost}.
 *
 * @example Two interfaces, one dual-stack
 * ```ts
 * import assert from "node:assert/strict";
 * import type { MemoryInterfaceOptions } from "../testing/mod.ts";
 * const interfaces: MemoryInterfaceOptions[] = [
 *   { name: "eth0", link: "lan", ipv4: "198.18.0.2/24", ipv6: ["fe80::2/64", "fd00::2/64"] },
 *   { name: "wlan0", link: "wifi", ipv4: "198.19.0.2/24" },
 * ];
 * assert.equal(interfaces.length, 2);
 * ```
 */
export interface MemoryInterfaceOptions {
  /** Interface name, unique on the host, for example `eth0`. */
  readonly name: string;
  /** Name of the network link (segment) it is plugged into. */
  readonly link: string;
  /** IPv4 address(es) in CIDR form; without a prefix length, `/24` is assumed. */
  readonly ipv4?: string | readonly string[];
  /** IPv6 address(es) in CIDR form; without a prefix length, `/64` is assumed. */
  readonly ipv6?: string | readonly string[];
  /** Interface index; default: 1, 2, 3... in the order interfaces are added to the host. */
  readonly index?: number;
  /** Whether the interface starts up. Default true. */
  readonly up?: boolean;
}

/**
 * Options of `MemoryNetwork.host()`.
 *
 * @example A host with one interface
 * ```ts
 * import assert from "node:assert/strict";
 * import type { MemoryHostOptions } from "../testing/mod.ts";
 * const options: MemoryHostOptions = {
 *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
 * };
 * assert.equal(options.interfaces?.[0].name, "eth0");
 * ```
 */
export interface MemoryHostOptions {
  /** The host's interfaces. Default none (add them later with `addInterface`). */
  readonly interfaces?: readonly MemoryInterfaceOptions[];
  /**
   * The one UDP port the host sends from and receives on. Default 5353; give
   * another (say 49152) to play a legacy one-shot querier (RFC 6762 §6.7), which
   * then hears only unicast replies sent to that port, not the 5353 multicast.
   */
  readonly port?: number;
}

/**
 * An interface as the host currently has it: a {@linkcode NetworkLink} plus the
 * segment it is on and whether it is up.
 *
 * @example Listing a host's interfaces
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryNetwork, VirtualClock } from "../testing/mod.ts";
 * const network = new MemoryNetwork({ clock: new VirtualClock() });
 * const host = network.host("a", { interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }] });
 * assert.deepEqual(host.interfaces, [{ name: "eth0", index: 1, ipv4: ["198.18.0.2/24"], ipv6: [], link: "lan", up: true }]);
 * ```
 */
export interface MemoryInterface extends NetworkLink {
  /** Name of the network link (segment) it is plugged into. */
  readonly link: string;
  /** False while the interface is down: it neither sends nor receives. */
  readonly up: boolean;
}

/**
 * A datagram to feed into a host as if it had arrived, for malformed or crafted packets.
 *
 * @example A truncated header from a neighbour
 * ```ts
 * import assert from "node:assert/strict";
 * import type { InjectedDatagram } from "../testing/mod.ts";
 * const bad: InjectedDatagram = { data: new Uint8Array(5), source: { address: "198.18.0.9" } };
 * assert.equal(bad.data.length, 5);
 * ```
 */
export interface InjectedDatagram {
  /** Payload (copied before delivery). */
  readonly data: Uint8Array;
  /** Claimed source; port defaults to 5353. */
  readonly source: { readonly address: string; readonly port?: number };
  /** Interface it arrives on; default the host's first interface. */
  readonly interfaceName?: string;
  /** Address family; default IPv6 when the source address has a `:`, else IPv4. */
  readonly family?: AddressFamily;
  /** Whether it was sent to our unicast address. Default false. */
  readonly unicast?: boolean;
}
