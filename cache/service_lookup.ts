/**
 * Cache-only service lookup (NetX Duo's `nx_mdns_service_lookup`): assembles
 * the instances of a service type from the PTR, SRV, TXT, A and AAAA records
 * in the peer cache, without sending anything.
 *
 * Results are {@linkcode ServiceInfo}s, the model browse and resolve give. A
 * service heard on two interfaces gives two results, each tagged with its
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
import type { PeerRecordLookup } from "./peer_cache_options.ts";
import type { PeerRecord } from "./peer_record.ts";
import { view } from "./_service_view.ts";
import type { LocalCacheReader } from "./local_cache.ts";
import { localServiceInfo } from "./local_view.ts";
import { AssembledService } from "./_assembled_service.ts";
import { serviceAddress, type ServiceInfo } from "./service_info.ts";

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
   * on every link (a proxied device) gives one result whose `interfaces` holds
   * this option's `interfaceName`, or `""` (every link) without one.
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
 * assert.equal(den.name, "Den");
 * assert.equal(den.port, 80);
 * assert.deepEqual(den.addresses.map((a) => a.address), ["198.18.0.9"]);
 * assert.equal(den.complete, true);
 * ```
 */
export function lookupServices(
  cache: PeerRecordLookup,
  serviceType: string,
  options?: ServiceLookupOptions,
): ServiceInfo[] {
  const type = parseServiceType(serviceType, { strict: false });
  const ptrName = type.subtype === undefined
    ? serviceTypeName(type)
    : subtypeName(type.subtype, type);
  const filter = { interfaceName: options?.interfaceName, now: options?.now };
  const seen = new Set<string>();
  const out: ServiceInfo[] = [];
  const local = options?.localCache;
  for (const ptr of local?.lookup(ptrName, RecordType.PTR) ?? []) {
    if (!ptr.registered) continue;
    for (const mine of assembleLocal(local!, ptr.record.data as string, options!)) {
      // Ours wins over an echo of it in the peer cache.
      seen.add(`${mine.interfaces[0]}\u0000${nameKey(mine.fullName)}`);
      out.push(mine);
    }
  }
  for (const ptr of cache.lookup(ptrName, RecordType.PTR, filter)) {
    const instanceName = ptr.data as string;
    const id = `${ptr.interfaceName}\u0000${nameKey(instanceName)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const service = assemble(cache, instanceName, ptr.interfaceName, options?.now, ptr);
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
  cache: PeerRecordLookup,
  instanceName: string,
  options?: ServiceLookupOptions,
): ServiceInfo[] {
  const filter = { interfaceName: options?.interfaceName, now: options?.now };
  const interfaces = new Set<string>();
  for (const r of cache.lookup(instanceName, RecordType.ANY, filter)) {
    if (r.type === RecordType.SRV || r.type === RecordType.TXT) interfaces.add(r.interfaceName);
  }
  const out: ServiceInfo[] = [];
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
  cache: PeerRecordLookup,
  instanceName: string,
  interfaceName: string,
  now: number | undefined,
  ptr?: PeerRecord,
): ServiceInfo | undefined {
  const v = view(cache, instanceName, interfaceName, now);
  if (v === undefined) return undefined;
  // Seconds left on the PTR that listed it, else on the SRV (as ServiceInfo.ttl says).
  const timed = ptr ?? v.srvRecord;
  const ttl = timed === undefined ? 0 : now === undefined ? timed.ttl : timed.remainingTtl(now);
  return new AssembledService(
    v,
    v.srv,
    v.txtRecord,
    v.addresses.map((address) => serviceAddress(address, interfaceName)),
    [interfaceName],
    Math.max(0, ttl),
  );
}

// Our own service, one result per link its host publishes addresses on
// (only whole, registered services: a half-published one is not offered yet).
function assembleLocal(
  local: LocalCacheReader,
  instanceName: string,
  options: ServiceLookupOptions,
): ServiceInfo[] {
  const srv = local.lookup(instanceName, RecordType.SRV).find((r) => r.registered);
  if (srv === undefined) return [];
  const target = (srv.record.data as SrvData).target;
  const links = new Set<string>();
  for (const type of [RecordType.A, RecordType.AAAA]) {
    for (const r of local.lookup(target, type)) {
      if (r.registered) links.add(r.interfaceName ?? options.interfaceName ?? "");
    }
  }
  const out: ServiceInfo[] = [];
  for (const link of [...links].sort()) {
    if (options.interfaceName !== undefined && link !== options.interfaceName) continue;
    const info = localServiceInfo(local, instanceName, { links: [link] });
    if (info !== undefined) out.push(info);
  }
  return out;
}
