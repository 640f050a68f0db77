/**
 * The querier's view of a service: one {@linkcode ServiceInfo} per instance,
 * merged over the links it was heard on (RFC 6762 §14), each address tagged
 * with its link. Browse and resolve both assemble through
 * {@linkcode serviceInfo}, on the same per-link views as the cache-only
 * lookups. Not exported from `mod.ts`: the querier's own.
 *
 * @module
 */

import { nameKey, RecordType } from "../codec/mod.ts";
import { parseServiceInstanceName } from "../dnssd/service_name.ts";
import type { PeerRecordLookup } from "./peer_cache_options.ts";
import type { PeerRecord } from "./peer_record.ts";
import { AssembledService } from "./_assembled_service.ts";
import { type View, view } from "./_service_view.ts";
import { type ServiceAddress, serviceAddress, type ServiceInfo } from "./service_info.ts";

/**
 * What {@linkcode serviceInfo} found: the service, and what it lacks to be
 * complete (`srv`, `txt`, `address`; empty when complete).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serviceInfo, type ServiceAssembly } from "./service_assembly.ts";
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
 * import type { ServiceInfoOptions } from "./service_assembly.ts";
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
 * import { serviceInfo } from "./service_assembly.ts";
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
  cache: PeerRecordLookup,
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

function sameName(a: string, b: string): boolean {
  return a.length === b.length && (a === b || nameKey(a) === nameKey(b));
}
