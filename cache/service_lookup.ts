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
 * {@linkcode serviceInfo} is the one assembler the querier's browse and
 * resolve use too: it merges an instance's per-interface views into one
 * {@linkcode ServiceInfo} with each address tagged by its interface.
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
import { fastNameKey } from "./interner.ts";
import type { PeerEntry, PeerRecord } from "./peer_record.ts";
import { binaryToBytes } from "./rdata_key.ts";
import { isIPv6LinkLocal } from "../transport/subnet.ts";

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
  const v = view(cache, instanceName, interfaceName, now);
  if (v === undefined) return undefined;
  const txt = v.txtRecord === undefined ? undefined : TxtAttributes.decodeRdata(v.txtRecord.rdata);
  return {
    name: v.name,
    instance: v.instance,
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

// One instance on one link, as the records say (the TXT left undecoded).
interface View {
  readonly name: string;
  readonly instance: string;
  readonly type: string;
  readonly domain: string;
  readonly interfaceName: string;
  readonly srv: SrvData | undefined;
  readonly srvRecord: PeerRecord | undefined;
  readonly txtRecord: PeerRecord | undefined;
  readonly addresses: string[];
  /** When its SRV or TXT was last heard (ms). */
  readonly latest: number;
}

function view(
  cache: PeerServiceCache,
  instanceName: string,
  interfaceName: string,
  now: number | undefined,
): View | undefined {
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
  return {
    name: parsed.name,
    instance: parsed.instance,
    type: `${parsed.type.name}.${parsed.type.protocol}`,
    domain: parsed.type.domain,
    interfaceName,
    srv,
    srvRecord,
    txtRecord,
    addresses,
    latest: Math.max(srvRecord?.receivedAt ?? -Infinity, txtRecord?.receivedAt ?? -Infinity),
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

/**
 * One address of a discovered service or host, with the interface it was
 * heard on; an IPv6 link-local address carries that interface as its zone
 * (`fe80::1%eth0`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ServiceAddress } from "./service_lookup.ts";
 * const a: ServiceAddress = { address: "fe80::9%eth0", family: "IPv6", interfaceName: "eth0" };
 * assert.equal(a.address.split("%")[1], a.interfaceName);
 * ```
 */
export interface ServiceAddress {
  /** The address in text form, IPv6 link-local with its `%zone`. */
  readonly address: string;
  /** Its family. */
  readonly family: "IPv4" | "IPv6";
  /** The interface it was heard on. */
  readonly interfaceName: string;
}

/**
 * A service instance as the querier reports it: one service however many
 * links it was heard on (RFC 6762 §14), its addresses tagged with their link.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ServiceInfo } from "./service_lookup.ts";
 * import { serviceInfo } from "./service_lookup.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * import { serviceRecords } from "../dnssd/service_records.ts";
 * const cache = new PeerServiceCache();
 * const set = serviceRecords({
 *   instance: "Den", type: "_http._tcp", host: "den.local", port: 80, addresses: ["198.18.0.9"],
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
  /** TXT attributes (the four-state model of `dnssd/txt.ts`), once a TXT is known. */
  readonly txt: TxtAttributes | undefined;
  /** The host's addresses on every link it was heard on: IPv4 first, then IPv6, per link. */
  readonly addresses: readonly ServiceAddress[];
  /** Every link the instance was heard on. */
  readonly interfaces: readonly string[];
  /** Seconds left on the PTR that lists it (on the SRV when resolved directly). */
  readonly ttl: number;
}

/**
 * What {@linkcode serviceInfo} found: the service, and what it lacks to be
 * complete (`srv`, `txt`, `address`; empty when complete).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serviceInfo, type ServiceAssembly } from "./service_lookup.ts";
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
 * import type { ServiceInfoOptions } from "./service_lookup.ts";
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
 * import { serviceInfo } from "./service_lookup.ts";
 * import { PeerServiceCache } from "./peer_cache.ts";
 * import { serviceRecords } from "../dnssd/service_records.ts";
 * const cache = new PeerServiceCache();
 * const on = (address: string) =>
 *   serviceRecords({
 *     instance: "Den", type: "_http._tcp", host: "den.local", port: 80, addresses: [address],
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
  let id: { name: string; instance: string; type: string; domain: string };
  if (newestFirst.length > 0) id = newestFirst[0];
  else {
    try {
      const parsed = parseServiceInstanceName(instanceName);
      id = {
        ...parsed,
        type: `${parsed.type.name}.${parsed.type.protocol}`,
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

// A ServiceInfo whose TXT is decoded when read: the canonical rdata it
// decodes from is the cache's own string, so a browse of 10,000 services
// keeps no second copy of every TXT.
class AssembledService implements ServiceInfo {
  readonly fullName: string;
  readonly name: string;
  readonly type: string;
  readonly domain: string;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly addresses: readonly ServiceAddress[];
  readonly interfaces: readonly string[];
  readonly ttl: number;
  #txt: string | undefined;

  constructor(
    id: { name: string; instance: string; type: string; domain: string },
    srv: SrvData | undefined,
    txtRecord: PeerRecord | undefined,
    addresses: readonly ServiceAddress[],
    interfaces: readonly string[],
    ttl: number,
  ) {
    this.fullName = id.name;
    this.name = id.instance;
    this.type = id.type;
    this.domain = id.domain;
    this.host = srv?.target;
    this.port = srv?.port;
    this.addresses = addresses;
    this.interfaces = interfaces;
    this.ttl = ttl;
    this.#txt = txtRecord === undefined ? undefined : (txtRecord as PeerEntry).rdataBinary;
  }

  get txt(): TxtAttributes | undefined {
    return this.#txt === undefined
      ? undefined
      : TxtAttributes.decodeRdata(binaryToBytes(this.#txt));
  }

  /** For `JSON.stringify`: the fields, with the TXT as an object (`true` for a boolean key). */
  toJSON(): Record<string, unknown> {
    return {
      fullName: this.fullName,
      name: this.name,
      type: this.type,
      domain: this.domain,
      host: this.host,
      port: this.port,
      txt: this.txt?.toObject(),
      addresses: this.addresses,
      interfaces: this.interfaces,
      ttl: this.ttl,
    };
  }
}

/**
 * An address heard on `interfaceName`, tagged with it (IPv6 link-local
 * addresses get it as their zone).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serviceAddress } from "./service_lookup.ts";
 * assert.deepEqual(serviceAddress("fe80::1", "eth0"), {
 *   address: "fe80::1%eth0", family: "IPv6", interfaceName: "eth0",
 * });
 * assert.equal(serviceAddress("198.18.0.1", "eth0").family, "IPv4");
 * ```
 */
export function serviceAddress(address: string, interfaceName: string): ServiceAddress {
  const v6 = address.includes(":");
  return {
    address: v6 && isIPv6LinkLocal(address) ? `${address}%${interfaceName}` : address,
    family: v6 ? "IPv6" : "IPv4",
    interfaceName,
  };
}

function sameName(a: string, b: string): boolean {
  return a.length === b.length && (a === b || fastNameKey(a) === fastNameKey(b));
}
