/**
 * The one service model: {@linkcode ServiceInfo}, what browse, resolve and
 * the cache-only lookups report, and {@linkcode ServiceAddress}, one of its
 * addresses tagged with its link. How a service is assembled from the cache
 * is `service_assembly.ts`; this file holds only the shapes, so everything
 * can import them without importing the cache.
 *
 * @module
 */

import type { TxtAttributes } from "../dnssd/txt.ts";
import { isIPv6LinkLocal } from "../codec/mod.ts";

/**
 * One address of a discovered service or host, with the interface it was
 * heard on; an IPv6 link-local address carries that interface as its zone
 * (`fe80::1%eth0`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ServiceAddress } from "./service_info.ts";
 * const a: ServiceAddress = { address: "fe80::9%eth0", family: "IPv6", interfaceName: "eth0" };
 * assert.equal(a.address.split("%")[1], a.interfaceName);
 * ```
 */
export interface ServiceAddress {
  /** The address in text form, IPv6 link-local with its `%zone`. */
  readonly address: string;
  /** Its family. */
  readonly family: "IPv4" | "IPv6";
  /** The interface it was heard on (for our own address, the link it is published on). */
  readonly interfaceName: string;
  /**
   * True for an address this stack publishes itself (read from the local
   * cache, no packet needed); absent for addresses heard on the network.
   */
  readonly local?: boolean;
}

/**
 * A service instance as the querier reports it: one service however many
 * links it was heard on (RFC 6762 §14), its addresses tagged with their link.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ServiceInfo } from "./service_info.ts";
 * import { serviceInfo } from "./service_assembly.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * import { serviceRecords } from "../dnssd/service_records.ts";
 * const cache = new PeerServiceCache();
 * const set = serviceRecords({
 *   name: "Den", type: "_http._tcp", host: "den.local", port: 80, addresses: ["198.18.0.9"],
 * });
 * for (const r of set.records) cache.insertRecord(r, { interfaceName: "eth0", now: 0 });
 * const info: ServiceInfo = serviceInfo(cache, "Den._http._tcp.local", { now: 0 })!.service;
 * assert.equal(info.name, "Den");
 * assert.deepEqual(info.interfaces, ["eth0"]);
 * ```
 */
export interface ServiceInfo {
  /** Full instance name in presentation form (`Living Room._http._tcp.local`). */
  readonly fullName: string;
  /** Instance label, unescaped (`Living Room`). */
  readonly name: string;
  /** Service type without the domain (`_http._tcp`). */
  readonly type: string;
  /** Domain (`local`). */
  readonly domain: string;
  /** SRV target host, once an SRV is known. */
  readonly host: string | undefined;
  /** SRV port, once an SRV is known. */
  readonly port: number | undefined;
  /** SRV priority (RFC 2782: lower is tried first), once an SRV is known. */
  readonly priority: number | undefined;
  /** SRV weight (RFC 2782: share among equal priorities), once an SRV is known. */
  readonly weight: number | undefined;
  /** TXT attributes (the four-state model of `dnssd/txt.ts`), once a TXT is known. */
  readonly txt: TxtAttributes | undefined;
  /** The host's addresses on every link it was heard on: IPv4 first, then IPv6, per link. */
  readonly addresses: readonly ServiceAddress[];
  /**
   * Every link the instance was heard on. A cache-only lookup
   * (`lookupServices`, `resolveService`) gives one result per link, so one
   * entry here.
   */
  readonly interfaces: readonly string[];
  /** True when its SRV, TXT and at least one address are all known. */
  readonly complete: boolean;
  /**
   * Seconds left on the PTR that lists it (on the SRV when resolved
   * directly); for our own service, the TTL its SRV is published with.
   */
  readonly ttl: number;
  /**
   * True for a service this stack publishes itself: read from the local
   * cache once its records are registered (past probing, RFC 6762 §8), with
   * no packet needed, as Avahi (`AVAHI_LOOKUP_RESULT_LOCAL`) and
   * mDNSResponder report their own services. Its `interfaces` are every link
   * of the stack (service records are valid on all of them), its addresses
   * those its host publishes on each. Absent for services heard on the
   * network.
   */
  readonly local?: boolean;
}

/**
 * An address heard on `interfaceName`, tagged with it (IPv6 link-local
 * addresses get it as their zone).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serviceAddress } from "./service_info.ts";
 * assert.deepEqual(serviceAddress("fe80::1", "eth0"), {
 *   address: "fe80::1%eth0", family: "IPv6", interfaceName: "eth0",
 * });
 * assert.equal(serviceAddress("198.18.0.1", "eth0").family, "IPv4");
 * ```
 */
export function serviceAddress(
  address: string,
  interfaceName: string,
  local = false,
): ServiceAddress {
  const v6 = address.includes(":");
  return {
    address: v6 && isIPv6LinkLocal(address) ? `${address}%${interfaceName}` : address,
    family: v6 ? "IPv6" : "IPv4",
    interfaceName,
    ...(local ? { local: true } : {}),
  };
}
