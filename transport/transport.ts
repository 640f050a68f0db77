/**
 * The seam between the stack and whatever moves datagrams: real UDP sockets
 * ({@linkcode UdpTransport}) or the in-memory network used by tests
 * ({@linkcode MemoryNetwork}). Everything above this file sees only these types.
 *
 * @module
 */

import { isIPv6LinkLocal } from "../codec/ip.ts";

/**
 * IP address family of a datagram or an interface address.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { AddressFamily } from "./transport.ts";
 * const family: AddressFamily = "IPv6";
 * assert.equal(family, "IPv6");
 * ```
 */
export type AddressFamily = "IPv4" | "IPv6";

/**
 * The mDNS port (RFC 6762 §3).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MDNS_PORT } from "./transport.ts";
 * assert.equal(MDNS_PORT, 5353);
 * ```
 */
export const MDNS_PORT = 5353;
/**
 * IPv4 mDNS multicast group (RFC 6762 §3).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MDNS_IPV4_GROUP } from "./transport.ts";
 * assert.equal(MDNS_IPV4_GROUP, "224.0.0.251");
 * ```
 */
export const MDNS_IPV4_GROUP = "224.0.0.251";
/**
 * IPv6 mDNS multicast group (RFC 6762 §3).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MDNS_IPV6_GROUP } from "./transport.ts";
 * assert.equal(MDNS_IPV6_GROUP, "ff02::fb");
 * ```
 */
export const MDNS_IPV6_GROUP = "ff02::fb";

/**
 * One network interface the transport currently uses.
 *
 * @example Reading a link
 * ```ts
 * import assert from "node:assert/strict";
 * import type { NetworkLink } from "./transport.ts";
 * const link: NetworkLink = { name: "eth0", index: 2, ipv4: ["198.18.0.2/24"], ipv6: [] };
 * assert.equal(link.name, "eth0");
 * ```
 */
export interface NetworkLink {
  /** Interface name, for example `eth0`. */
  readonly name: string;
  /** Interface index (from the fe80 scope id), or 0 when unknown (IPv4-only links). */
  readonly index: number;
  /** IPv4 addresses in CIDR form (`198.18.0.2/24`), used for the on-link source check. */
  readonly ipv4: readonly string[];
  /** IPv6 addresses in CIDR form (`fe80::1/64`, `fd00::1/64`). */
  readonly ipv6: readonly string[];
}

/**
 * A datagram as the transport hands it to the stack: tagged with where it came from
 * before anything else looks at it.
 *
 * `data` may be a view into a reused receive buffer: it is valid only during the
 * synchronous `onDatagram` call. Copy what you keep.
 *
 * @example Shape of an arrival
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Datagram } from "./transport.ts";
 * const d: Datagram = {
 *   data: new Uint8Array(12),
 *   interfaceName: "eth0",
 *   family: "IPv4",
 *   source: { address: "198.18.0.3", port: 5353 },
 *   unicast: false,
 * };
 * assert.equal(d.source.address, "198.18.0.3");
 * ```
 */
export interface Datagram {
  /** Payload; valid only during the `onDatagram` call. */
  readonly data: Uint8Array;
  /** Name of the interface it arrived on. */
  readonly interfaceName: string;
  /** Address family it arrived over. */
  readonly family: AddressFamily;
  /** Source address (IPv6 link-local without `%scope`; the interface says which link) and port. */
  readonly source: { readonly address: string; readonly port: number };
  /** True when it was sent to one of our unicast addresses rather than the multicast group. */
  readonly unicast: boolean;
}

/**
 * Where to send: the mDNS multicast group of one interface and family (no
 * `address`), or a unicast address reached through that interface.
 *
 * @example Multicast on one interface
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Destination } from "./transport.ts";
 * const to: Destination = { interfaceName: "eth0", family: "IPv6" };
 * assert.equal(to.interfaceName, "eth0");
 * ```
 */
export interface Destination {
  /** Interface to send through. */
  readonly interfaceName: string;
  /** Address family to send over. */
  readonly family: AddressFamily;
  /** Unicast destination address; omitted for the mDNS multicast group. */
  readonly address?: string;
  /** Destination port; defaults to 5353. */
  readonly port?: number;
}

/**
 * What a transport reports besides datagrams.
 *
 * @example Logging transport events
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TransportEvent } from "./transport.ts";
 * function log(e: TransportEvent): string {
 *   return e.type === "send-error" ? e.error.message : e.type;
 * }
 * assert.equal(log({ type: "link-up", link: { name: "eth0", index: 2, ipv4: [], ipv6: [] } }), "link-up");
 * ```
 */
export type TransportEvent =
  | { readonly type: "link-added"; readonly link: NetworkLink }
  | { readonly type: "link-removed"; readonly link: NetworkLink }
  | { readonly type: "link-up"; readonly link: NetworkLink }
  | { readonly type: "link-down"; readonly link: NetworkLink }
  | { readonly type: "link-changed"; readonly link: NetworkLink; readonly previous: NetworkLink }
  | {
    readonly type: "send-error";
    readonly destination: Destination;
    readonly error: Error;
  }
  | { readonly type: "receive-error"; readonly interfaceName: string; readonly error: Error };

/**
 * Callbacks a transport calls. Both are called synchronously from the receive
 * path; they must not throw (the transport swallows and reports what they throw).
 *
 * @example A handler that counts datagrams
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TransportHandler } from "./transport.ts";
 * let n = 0;
 * const handler: TransportHandler = { onDatagram: () => n++, onEvent: () => {} };
 * handler.onDatagram({
 *   data: new Uint8Array(0), interfaceName: "lo", family: "IPv4",
 *   source: { address: "127.0.0.1", port: 5353 }, unicast: false,
 * });
 * assert.equal(n, 1);
 * ```
 */
export interface TransportHandler {
  /** A datagram arrived. `datagram.data` is valid only during this call. */
  onDatagram(datagram: Datagram): void;
  /** A link appeared or vanished, or a send or receive failed. */
  onEvent(event: TransportEvent): void;
}

/**
 * Moves mDNS datagrams. Implementations: `UdpTransport` (real sockets) and the
 * in-memory network's hosts (`MemoryNetwork.host()`).
 *
 * @example Sending on every link (here a host of the in-memory network)
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Transport } from "./transport.ts";
 * import { MemoryNetwork, VirtualClock } from "../testing/mod.ts";
 * const network = new MemoryNetwork({ clock: new VirtualClock() });
 * const transport: Transport = network.host("a", {
 *   interfaces: [
 *     { name: "eth0", link: "lan", ipv4: "198.18.0.2/24" },
 *     { name: "wlan0", link: "wifi", ipv4: "198.19.0.2/24" },
 *   ],
 * });
 * await transport.start({ onDatagram() {}, onEvent() {} });
 * for (const link of transport.links) {
 *   assert.equal(
 *     await transport.send(new Uint8Array(12), { interfaceName: link.name, family: "IPv4" }),
 *     true,
 *   );
 * }
 * assert.deepEqual(network.packets({ from: "a" }).map((p) => p.interfaceName), ["eth0", "wlan0"]);
 * await transport.close();
 * ```
 */
export interface Transport extends AsyncDisposable {
  /** The links currently in use. */
  readonly links: readonly NetworkLink[];
  /**
   * Starts delivering datagrams and events to `handler`. Resolves once the
   * sockets are open. Rejects with a clear error when mDNS cannot run at all
   * (missing permission, no usable interface, port in use).
   */
  start(handler: TransportHandler): Promise<void>;
  /**
   * Sends `data` to `to`. Never rejects: resolves `false` (and reports a
   * `send-error` event) when the send failed, `true` otherwise.
   */
  send(data: Uint8Array, to: Destination): Promise<boolean>;
  /** Closes every socket; pending receives end. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The source of a datagram as one string: an IPv6 link-local address gets its
 * interface as a zone (`fe80::1%eth0`), since without it the address names no
 * link; other addresses come back as they are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scopedSource } from "./transport.ts";
 * const d = {
 *   data: new Uint8Array(0), interfaceName: "eth0", family: "IPv6" as const,
 *   source: { address: "fe80::1", port: 5353 }, unicast: false,
 * };
 * assert.equal(scopedSource(d), "fe80::1%eth0");
 * ```
 */
export function scopedSource(datagram: Datagram): string {
  const address = datagram.source.address;
  const linkLocal = datagram.family === "IPv6" && !address.includes("%") &&
    isIPv6LinkLocal(address);
  return linkLocal ? `${address}%${datagram.interfaceName}` : address;
}
