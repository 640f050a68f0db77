/**
 * Multicast DNS (RFC 6762) and DNS-based service discovery (RFC 6763) for Deno.
 *
 * This entry point re-exports the public API: the DNS codec, the clock
 * abstraction and the transport seam. The responder and querier build on them.
 *
 * @example Decoding an mDNS packet
 * ```ts
 * import { decodeMessage, encodeMessage, RecordType } from "./mod.ts";
 * const query = encodeMessage({
 *   id: 0, flags: 0,
 *   questions: [{ name: "_http._tcp.local", type: RecordType.PTR, class: 1, unicastResponse: false }],
 *   answers: [], authorities: [], additionals: [],
 * });
 * console.log(decodeMessage(query).questions[0].name); // _http._tcp.local
 * ```
 *
 * @module
 */

export * from "./codec/mod.ts";
export { type Clock, type Random, systemClock, systemRandom, type Timer } from "./clock.ts";
export {
  type AddressFamily,
  type Datagram,
  type Destination,
  MDNS_IPV4_GROUP,
  MDNS_IPV6_GROUP,
  MDNS_PORT,
  type NetworkLink,
  scopedSource,
  type Transport,
  type TransportEvent,
  type TransportHandler,
} from "./transport/transport.ts";
export { TransportError, type TransportErrorCode } from "./transport/transport_error.ts";
export { UdpTransport } from "./transport/udp_transport.ts";
export type { UdpTransportOptions, UdpTransportStats } from "./transport/udp_transport_options.ts";
export { type DropReason, Mdns, type MdnsEvent, type MdnsOptions, type MdnsStats } from "./mdns.ts";
export * from "./dnssd/mod.ts";
export * from "./cache/mod.ts";
export {
  NameConflictError,
  type PublishedService,
  type PublishEvent,
  type PublishOptions,
} from "./responder/publish_options.ts";
export {
  type BrowseEvent,
  type BrowseOptions,
  type Browser,
  type LookupAddressOptions,
  LookupError,
  type LookupHostOptions,
  ResolveError,
  type ResolveOptions,
  type ServiceTypeEvent,
} from "./querier/mod.ts";
