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
 * @module
 */

import { nameKey, RecordType, type SrvData } from "../codec/mod.ts";
import {
  parseServiceInstanceName,
  parseServiceType,
  serviceTypeName,
  subtypeName,
} from "../dnssd/service_name.ts";
import { TxtAttributes } from "../dnssd/txt.ts";
import type { PeerServiceCache } from "./peer_cache.ts";
import type { PeerRecord } from "./peer_record.ts";

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
 *   instance: "Den", type: "_http._tcp", host: "den.local", port: 80, addresses: ["198.18.0.9"],
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
 * const set = serviceRecords({ instance: "Den", type: "_http._tcp", host: "den.local", port: 80 });
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
 *   instance: "Den", type: "_http._tcp", host: "den.local", port: 80, addresses: ["198.18.0.9"],
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
  const filter = { interfaceName, now };
  const records = cache.lookup(instanceName, RecordType.ANY, filter);
  const srvRecord = best(records.filter((r) => r.type === RecordType.SRV), bySrvPreference);
  const txtRecord = best(records.filter((r) => r.type === RecordType.TXT), () => 0);
  const displayName = srvRecord?.name ?? txtRecord?.name ?? instanceName;
  let parsed;
  try {
    parsed = parseServiceInstanceName(displayName);
  } catch {
    return undefined; // not a DNS-SD instance name: nothing to assemble
  }
  const srv = srvRecord?.data as SrvData | undefined;
  const addresses: string[] = [];
  if (srv !== undefined) {
    for (const type of [RecordType.A, RecordType.AAAA]) {
      for (const r of preferStaying(cache.lookup(srv.target, type, filter))) {
        addresses.push(r.data as string);
      }
    }
  }
  const txt = txtRecord === undefined ? undefined : TxtAttributes.decodeRdata(txtRecord.rdata);
  return {
    name: parsed.name,
    instance: parsed.instance,
    type: `${parsed.type.name}.${parsed.type.protocol}`,
    domain: parsed.type.domain,
    interfaceName,
    host: srv?.target,
    port: srv?.port,
    srv,
    txt,
    addresses,
    complete: srv !== undefined && txt !== undefined && addresses.length > 0,
  };
}

/** Records not leaving, if there are any; otherwise all of them. */
function preferStaying(records: PeerRecord[]): PeerRecord[] {
  const staying = records.filter((r) => r.pending === undefined);
  return staying.length > 0 ? staying : records;
}

function best(
  records: PeerRecord[],
  compare: (a: PeerRecord, b: PeerRecord) => number,
): PeerRecord | undefined {
  const pool = preferStaying(records);
  let winner: PeerRecord | undefined;
  for (const r of pool) {
    if (winner === undefined) winner = r;
    else {
      const c = compare(r, winner);
      if (c < 0 || (c === 0 && r.receivedAt > winner.receivedAt)) winner = r;
    }
  }
  return winner;
}

function bySrvPreference(a: PeerRecord, b: PeerRecord): number {
  const x = a.data as SrvData;
  const y = b.data as SrvData;
  return x.priority - y.priority || y.weight - x.weight;
}
