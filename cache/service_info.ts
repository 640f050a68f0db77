/**
 * The querier's view of a service: one {@linkcode ServiceInfo} per instance,
 * merged over the links it was heard on (RFC 6762 §14), each address tagged
 * with its link. Browse and resolve both assemble through
 * {@linkcode serviceInfo}, on the same per-link views as the cache-only
 * lookups.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import { parseServiceInstanceName } from "../dnssd/service_name.ts";
import type { TxtAttributes } from "../dnssd/txt.ts";
import { isIPv6LinkLocal } from "../codec/mod.ts";
import { nameKey } from "../codec/mod.ts";
import type { PeerServiceCache } from "./peer_cache.ts";
import type { PeerRecord } from "./peer_record.ts";
import { AssembledService } from "./_assembled_service.ts";
import { type View, view } from "./_service_view.ts";

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
 * import { serviceInfo } from "./service_info.ts";
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
 * What {@linkcode serviceInfo} found: the service, and what it lacks to be
 * complete (`srv`, `txt`, `address`; empty when complete).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serviceInfo, type ServiceAssembly } from "./service_info.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * const cache = new PeerServiceCache();
 * cache.insertRecord({
 *   name: "Den._http._tcp.local", type: 33, class: 1, cacheFlush: true, ttl: 120,
 *   data: { priority: 0, weight: 0, port: 80, target: "den.local" },
 * }, { interfaceName: "eth0", now: 0 });
 * const found: ServiceAssembly = serviceInfo(cache, "Den._http._tcp.local", { now: 0 })!;
 * assert.deepEqual(found.missing, ["txt", "address"]);
 * ```
 */
export interface ServiceAssembly {
  /** The service as far as the cache knows it. */
  readonly service: ServiceInfo;
  /** What is still unknown; empty when SRV, TXT and at least one address are known. */
  readonly missing: readonly ("srv" | "txt" | "address")[];
}

/**
 * Options for {@linkcode serviceInfo}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ServiceInfoOptions } from "./service_info.ts";
 * const options: ServiceInfoOptions = { now: 0, ptrName: "_http._tcp.local" };
 * assert.equal(options.interfaces, undefined); // every link
 * ```
 */
export interface ServiceInfoOptions {
  /** Hide records expired at this time (ms); also the time the TTL is counted from. */
  readonly now: number;
  /** Only these links (every link when omitted). */
  readonly interfaces?: readonly string[];
  /** The PTR name the instance was browsed under: its PTRs give the TTL and the links. */
  readonly ptrName?: string;
  /** The PTRs that list the instance, when the caller already has them (saves a lookup). */
  readonly ptrs?: Iterable<PeerRecord>;
}

/**
 * Assembles one instance from the cache, merged over the links it was heard
 * on (RFC 6762 §14: the same instance on two links is one service with the
 * addresses of both). SRV, TXT and host come from the link heard from most
 * recently that has them. Undefined when the cache knows nothing of it or
 * the name is not a service instance name.
 *
 * @example The same instance on two links
 * ```ts
 * import assert from "node:assert/strict";
 * import { serviceInfo } from "./service_info.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * import { serviceRecords } from "../dnssd/service_records.ts";
 * const cache = new PeerServiceCache();
 * const on = (address: string) =>
 *   serviceRecords({
 *     name: "Den", type: "_http._tcp", host: "den.local", port: 80, addresses: [address],
 *   }).records;
 * for (const r of on("198.18.0.9")) cache.insertRecord(r, { interfaceName: "eth0", now: 0 });
 * for (const r of on("fe80::9")) cache.insertRecord(r, { interfaceName: "eth1", now: 0 });
 * const { service, missing } = serviceInfo(cache, "Den._http._tcp.local", { now: 0 })!;
 * assert.deepEqual(missing, []);
 * assert.deepEqual(service.addresses.map((a) => a.address), ["198.18.0.9", "fe80::9%eth1"]);
 * ```
 */
export function serviceInfo(
  cache: PeerServiceCache,
  instanceName: string,
  options: ServiceInfoOptions,
): ServiceAssembly | undefined {
  const now = options.now;
  const allowed = options.interfaces === undefined ? undefined : new Set(options.interfaces);
  const links = new Set<string>();
  let ptrTtl = -1;
  if (options.ptrName !== undefined || options.ptrs !== undefined) {
    const ptrs = options.ptrs ?? cache.lookup(options.ptrName!, RecordType.PTR, { now });
    for (const r of ptrs) {
      if (!r.live || r.expiresAt <= now) continue;
      if (allowed !== undefined && !allowed.has(r.interfaceName)) continue;
      if (options.ptrs === undefined && !sameName(r.data as string, instanceName)) continue;
      links.add(r.interfaceName);
      ptrTtl = Math.max(ptrTtl, r.remainingTtl(now));
    }
  }
  // Browsed: the links where a PTR lists it. Resolved directly: where its SRV or TXT is.
  const browsed = options.ptrName !== undefined || options.ptrs !== undefined;
  for (const r of browsed ? [] : cache.lookup(instanceName, RecordType.ANY, { now })) {
    if (r.type !== RecordType.SRV && r.type !== RecordType.TXT) continue;
    if (allowed !== undefined && !allowed.has(r.interfaceName)) continue;
    links.add(r.interfaceName);
  }
  if (links.size === 0) return undefined;
  const views: View[] = [];
  let srvTtl = -1;
  for (const iface of [...links].sort()) {
    const v = view(cache, instanceName, iface, now);
    if (v === undefined) continue;
    views.push(v);
    if (v.srvRecord !== undefined) srvTtl = Math.max(srvTtl, v.srvRecord.remainingTtl(now));
  }
  const newestFirst = [...views].sort((x, y) => y.latest - x.latest);
  const withSrv = newestFirst.find((v) => v.srv !== undefined);
  const withTxt = newestFirst.find((v) => v.txtRecord !== undefined);
  let id: { fullName: string; name: string; type: string; domain: string };
  if (newestFirst.length > 0) id = newestFirst[0];
  else {
    try {
      const parsed = parseServiceInstanceName(instanceName);
      id = {
        ...parsed,
        type: `${parsed.type.serviceName}.${parsed.type.protocol}`,
        domain: parsed.type.domain,
      };
    } catch {
      return undefined; // not a DNS-SD instance name
    }
  }
  const addresses: ServiceAddress[] = [];
  for (const v of views) {
    if (withSrv === undefined || v.srv === undefined) continue;
    if (!sameName(v.srv.target, withSrv.srv!.target)) continue;
    for (const address of v.addresses) addresses.push(serviceAddress(address, v.interfaceName));
  }
  const missing: ("srv" | "txt" | "address")[] = [];
  if (withSrv === undefined) missing.push("srv");
  if (withTxt === undefined) missing.push("txt");
  if (addresses.length === 0) missing.push("address");
  return {
    service: new AssembledService(
      id,
      withSrv?.srv,
      withTxt?.txtRecord,
      addresses,
      [...links].sort(),
      Math.max(0, ptrTtl >= 0 ? ptrTtl : srvTtl),
    ),
    missing,
  };
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

function sameName(a: string, b: string): boolean {
  return a.length === b.length && (a === b || nameKey(a) === nameKey(b));
}
