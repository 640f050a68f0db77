/**
 * Multicast DNS (RFC 6762) and DNS-based service discovery (RFC 6763) for Deno:
 * publish services on the local network and find the ones others publish.
 *
 * {@linkcode Mdns} is the stack: `publish()` announces a service (probing,
 * conflict resolution, answers, goodbyes), `browse()`, `resolve()`,
 * `lookupHost()` and `lookupAddress()` find what the LAN offers, and its two
 * caches are public. The DNS codec (`./codec`), the DNS-SD model (`./dnssd`),
 * the caches (`./cache`) and the in-memory network with a virtual clock
 * (`./testing`) are entry points of their own.
 *
 * @example Publish a service and find it from a second stack (in memory)
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mdns } from "./mod.ts";
 * import { MemoryNetwork, VirtualClock } from "./testing/mod.ts";
 * const clock = new VirtualClock();
 * const network = new MemoryNetwork({ clock });
 * const lan = (name: string, ip: string) =>
 *   network.host(name, { interfaces: [{ name: "eth0", link: "lan", ipv4: ip }] });
 * await using printer = await Mdns.start({ transport: lan("a", "198.18.0.2/24"), clock, hostName: "printer.local" });
 * await using laptop = await Mdns.start({ transport: lan("b", "198.18.0.3/24"), clock });
 * const publishing = printer.publish({ name: "Office", type: "_ipp._tcp", port: 631, txt: { rp: "ipp/print" } });
 * await clock.advanceAsync(2000); // probing takes about 0.75 s (RFC 6762 §8.1)
 * await publishing;
 * const resolving = laptop.resolve("Office._ipp._tcp.local", { timeout: 3000 });
 * await clock.advanceAsync(1000);
 * const office = await resolving;
 * assert.equal(office.port, 631);
 * assert.equal(office.host, "printer.local");
 * assert.deepEqual(office.addresses.map((a) => a.address), ["198.18.0.2"]);
 * ```
 *
 * @module
 */

export { type DropReason, Mdns, type MdnsEvent, type MdnsOptions, type MdnsStats } from "./mdns.ts";
export {
  NameConflictError,
  type NameConflictErrorOptions,
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
  type LookupErrorOptions,
  type LookupHostOptions,
  ResolveError,
  type ResolveErrorOptions,
  type ResolveOptions,
  type ServiceRef,
  type ServiceTypeEvent,
  type ServiceTypeInfo,
} from "./querier/mod.ts";
export {
  type InsertContext,
  type InsertResult,
  type LocalCacheReader,
  LocalCacheView,
  LocalServiceCache,
  type LocalServiceCacheOptions,
  type PeerCacheEvent,
  PeerCacheView,
  type PeerLookupOptions,
  type PeerRecord,
  type PeerRecordInput,
  PeerServiceCache,
  type PeerServiceCacheOptions,
  type PeerWatch,
  type PeerWatchOptions,
  type ReadonlyLocalRecord,
  type ReadonlyLocalService,
  type RemovalReason,
  type ServiceAddress,
  type ServiceInfo,
  type ServiceLookupOptions,
  type ViewLookupOptions,
} from "./cache/mod.ts";
export {
  parseServiceInstanceName,
  parseServiceType,
  type ServiceInstance,
  serviceInstanceName,
  type ServiceType,
  TxtAttributes,
  type TxtInput,
  type TxtInputValue,
  type TxtValue,
} from "./dnssd/mod.ts";
export {
  DnsParseError,
  RecordClass,
  RecordType,
  type ResourceRecord,
  type SrvData,
} from "./codec/mod.ts";
export type { Clock, Random, Timer } from "./clock.ts";
export {
  type AddressFamily,
  type Datagram,
  type Destination,
  MDNS_IPV4_GROUP,
  MDNS_IPV6_GROUP,
  MDNS_PORT,
  type NetworkLink,
  type Transport,
  type TransportEvent,
  type TransportHandler,
} from "./transport/transport.ts";
export { TransportError, type TransportErrorCode } from "./transport/transport_error.ts";
export { UdpTransport } from "./transport/udp_transport.ts";
export type { UdpTransportOptions, UdpTransportStats } from "./transport/udp_transport_options.ts";
