/**
 * Cache-only service lookup (NetX Duo's `nx_mdns_service_lookup`): assembles
 * the instances of a service type from the PTR, SRV, TXT, A and AAAA records
 * in the peer cache, without sending anything.
 *
 * A service heard on two interfaces gives two results, each tagged with its
 * interface (RFC 6762 §14: the same name on two links is not a conflict).
 * When several records compete (a TXT replaced by a cache-flush announcement
 * is still cached for a second), records that are not leaving win, then the
 * most recently heard; among SRVs the lowest priority, then highest weight
 * (RFC 2782).
 *
 * The per-link assembly itself lives in `_service_view.ts`, the one place
 * records become a service; `service_info.ts` merges the links' views for the
 * querier's browse and resolve.
 *
 * @module
 */

import { nameKey, RecordType, type SrvData } from "../codec/mod.ts";
import { parseServiceType, serviceTypeName, subtypeName } from "../dnssd/service_name.ts";
import { TxtAttributes } from "../dnssd/txt.ts";
import type { PeerServiceCache } from "./peer_cache.ts";
import { view } from "./_service_view.ts";
import type { LocalCacheReader } from "./local_cache.ts";
import { localAddresses, localServiceInfo } from "./_local_view.ts";

/**
 * A service instance as assembled from the cache.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { DiscoveredService } from "./service_lookup.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * import { serviceRecords } from "../dnssd/service_records.ts";
 * const cache = new PeerServiceCache();
 * const set = serviceRecords({
 *   name: "Den", type: "_http._tcp", host: "den.local", port: 80, addresses: ["198.18.0.9"],
 * });
 * for (const r of set.records) cache.insertRecord(r, { interfaceName: "eth0", now: 0 });
 * const [den]: DiscoveredService[] = cache.resolveService("Den._http._tcp.local");
 * assert.equal(den.host, "den.local");
 * assert.equal(den.interfaceName, "eth0");
 * assert.equal(den.txt?.size, 0);
 * assert.equal(den.complete, true);
 * ```
 */
export interface DiscoveredService {
  /** Full instance name in presentation form (`Living Room._http._tcp.local`). */
  readonly name: string;
  /** Instance label, unescaped (`Living Room`). */
  readonly instance: string;
  /** Service type without the domain (`_http._tcp`). */
  readonly type: string;
  /** Domain (`local`). */
  readonly domain: string;
  /** Interface the records were heard on. */
  readonly interfaceName: string;
  /** SRV target host, when an SRV is cached. */
  readonly host: string | undefined;
  /** SRV port, when an SRV is cached. */
  readonly port: number | undefined;
  /** SRV priority and weight, when an SRV is cached. */
  readonly srv: SrvData | undefined;
  /** TXT attributes, when a TXT is cached. */
  readonly txt: TxtAttributes | undefined;
  /** The host's addresses on that interface: IPv4 first, then IPv6. */
  readonly addresses: readonly string[];
  /** True when SRV, TXT and at least one address are all cached. */
  readonly complete: boolean;
  /**
   * True for a service this stack publishes itself (listed when
   * {@linkcode ServiceLookupOptions.localCache} is given); absent for
   * services heard on the network.
   */
  readonly local?: boolean;
}

/**
 * Options for service lookups.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ServiceLookupOptions } from "./service_lookup.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * import { serviceRecords } from "../dnssd/service_records.ts";
 * const cache = new PeerServiceCache();
 * const set = serviceRecords({ name: "Den", type: "_http._tcp", host: "den.local", port: 80 });
 * for (const r of set.records) cache.insertRecord(r, { interfaceName: "eth0", now: 0 });
 * const options: ServiceLookupOptions = { interfaceName: "eth0", completeOnly: true };
 * const all = cache.lookupServices("_http._tcp");
 * assert.equal(all.length, 1);
 * assert.equal(cache.lookupServices("_http._tcp", options).length, 0); // no address
 * ```
 */
export interface ServiceLookupOptions {
  /** Only records heard on this interface. */
  interfaceName?: string;
  /** Hide records expired at this time (ms). */
  now?: number;
  /** Only services whose SRV, TXT and addresses are all cached. @default {false} */
  completeOnly?: boolean;
  /**
   * The stack's local cache (`mdns.localCache`): our own services are listed
   * too, first, marked `local: true`, once registered (past probing, RFC 6762
   * §8), with no packet needed, as seed 004's lookups search the local
   * service cache before the peer cache. One result per link its host
   * publishes addresses on (RFC 6762 §14); a host whose addresses are valid
   * on every link (a proxied device) gives one result whose `interfaceName`
   * is this option's `interfaceName`, or `""` (every link) without one.
   */
  localCache?: LocalCacheReader;
}

/**
 * The instances of a service type (or of a subtype: `_printer._sub._http._tcp`)
 * that the cache knows.
 *
 * @throws {TypeError} When `serviceType` is not a service type.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * import { serviceRecords } from "../dnssd/service_records.ts";
 * const cache = new PeerServiceCache();
 * const set = serviceRecords({
 *   name: "Den", type: "_http._tcp", host: "den.local", port: 80, addresses: ["198.18.0.9"],
 * });
 * for (const r of set.records) cache.insertRecord(r, { interfaceName: "eth0", now: 0 });
 * const [den] = cache.lookupServices("_http._tcp");
 * assert.equal(den.instance, "Den");
 * assert.equal(den.port, 80);
 * assert.deepEqual(den.addresses, ["198.18.0.9"]);
 * assert.equal(den.complete, true);
 * ```
 */
export function lookupServices(
  cache: PeerServiceCache,
  serviceType: string,
  options?: ServiceLookupOptions,
): DiscoveredService[] {
  const type = parseServiceType(serviceType, { strict: false });
  const ptrName = type.subtype === undefined
    ? serviceTypeName(type)
    : subtypeName(type.subtype, type);
  const filter = { interfaceName: options?.interfaceName, now: options?.now };
  const seen = new Set<string>();
  const out: DiscoveredService[] = [];
  const local = options?.localCache;
  for (const ptr of local?.lookup(ptrName, RecordType.PTR) ?? []) {
    if (!ptr.registered) continue;
    for (const mine of assembleLocal(local!, ptr.record.data as string, options!)) {
      // Ours wins over an echo of it in the peer cache.
      seen.add(`${mine.interfaceName}\u0000${nameKey(mine.name)}`);
      out.push(mine);
    }
  }
  for (const ptr of cache.lookup(ptrName, RecordType.PTR, filter)) {
    const instanceName = ptr.data as string;
    const id = `${ptr.interfaceName}\u0000${nameKey(instanceName)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const service = assemble(cache, instanceName, ptr.interfaceName, options?.now);
    if (service !== undefined && (!options?.completeOnly || service.complete)) out.push(service);
  }
  return out;
}

/**
 * One instance as the cache knows it: one result per interface it was heard on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * const cache = new PeerServiceCache();
 * cache.insertRecord({
 *   name: "Den._http._tcp.local", type: 33, class: 1, cacheFlush: true, ttl: 120,
 *   data: { priority: 0, weight: 0, port: 80, target: "den.local" },
 * }, { interfaceName: "eth0", now: 0 });
 * const [den] = cache.resolveService("den._HTTP._tcp.local");
 * assert.equal(den.host, "den.local");
 * assert.equal(den.complete, false);
 * ```
 */
export function resolveService(
  cache: PeerServiceCache,
  instanceName: string,
  options?: ServiceLookupOptions,
): DiscoveredService[] {
  const filter = { interfaceName: options?.interfaceName, now: options?.now };
  const interfaces = new Set<string>();
  for (const r of cache.lookup(instanceName, RecordType.ANY, filter)) {
    if (r.type === RecordType.SRV || r.type === RecordType.TXT) interfaces.add(r.interfaceName);
  }
  const out: DiscoveredService[] = [];
  if (options?.localCache !== undefined) {
    out.push(...assembleLocal(options.localCache, instanceName, options));
  }
  for (const iface of interfaces) {
    const service = assemble(cache, instanceName, iface, options?.now);
    if (service !== undefined && (!options?.completeOnly || service.complete)) out.push(service);
  }
  return out;
}

function assemble(
  cache: PeerServiceCache,
  instanceName: string,
  interfaceName: string,
  now: number | undefined,
): DiscoveredService | undefined {
  const v = view(cache, instanceName, interfaceName, now);
  if (v === undefined) return undefined;
  const txt = v.txtRecord === undefined ? undefined : TxtAttributes.decodeRdata(v.txtRecord.rdata);
  return {
    name: v.fullName,
    instance: v.name,
    type: v.type,
    domain: v.domain,
    interfaceName,
    host: v.srv?.target,
    port: v.srv?.port,
    srv: v.srv,
    txt,
    addresses: v.addresses,
    complete: v.srv !== undefined && txt !== undefined && v.addresses.length > 0,
  };
}

// Our own service, one result per link its host publishes addresses on
// (only whole, registered services: a half-published one is not offered yet).
function assembleLocal(
  local: LocalCacheReader,
  instanceName: string,
  options: ServiceLookupOptions,
): DiscoveredService[] {
  const srv = local.lookup(instanceName, RecordType.SRV).find((r) => r.registered);
  if (srv === undefined) return [];
  const target = (srv.record.data as SrvData).target;
  const links = new Set<string>();
  for (const type of [RecordType.A, RecordType.AAAA]) {
    for (const r of local.lookup(target, type)) {
      if (r.registered) links.add(r.interfaceName ?? options.interfaceName ?? "");
    }
  }
  const out: DiscoveredService[] = [];
  for (const link of [...links].sort()) {
    if (options.interfaceName !== undefined && link !== options.interfaceName) continue;
    const info = localServiceInfo(local, instanceName, { links: [link] });
    if (info === undefined) continue;
    const addresses = localAddresses(local, target, [RecordType.A, RecordType.AAAA], {
      links: [link],
    });
    out.push({
      name: info.fullName,
      instance: info.name,
      type: info.type,
      domain: info.domain,
      interfaceName: link,
      host: info.host,
      port: info.port,
      srv: srv.record.data as SrvData,
      txt: info.txt,
      addresses: addresses.map((a) => a.address.split("%")[0]),
      complete: true,
      local: true,
    });
  }
  return out;
}
