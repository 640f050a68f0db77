/**
 * The records that describe a published service (RFC 6763 §4-§9, RFC 6762 §6.1,
 * §10) and the records of the host that offers it, ready for the codec.
 *
 * - PTR `<type> → <instance>`, and one per subtype (RFC 6763 §7.1): shared, so
 *   never with the cache-flush bit (RFC 6762 §10.2);
 * - PTR `_services._dns-sd._udp.<domain> → <type>` (RFC 6763 §9): shared;
 * - SRV and TXT at the instance name: unique, cache-flush set;
 * - NSEC at the instance name listing TXT and SRV (RFC 6762 §6.1): unique;
 * - A and AAAA at the host name, and an NSEC listing the types present.
 *
 * TTLs follow RFC 6762 §10: 120 s for records whose name or data is a host name
 * (SRV, A, AAAA and both NSECs, so a negative answer never outlives the SRV it
 * sits beside), 4500 s for the rest (PTR, TXT).
 *
 * @module
 */

import {
  type AaaaRecord,
  type ARecord,
  type NsecRecord,
  parseIPv4,
  parseIPv6,
  parseName,
  type PtrRecord,
  RecordClass,
  RecordType,
  type ResourceRecord,
  type SrvRecord,
  type TxtRecord,
} from "../codec/mod.ts";
import {
  parseServiceType,
  serviceInstanceName,
  servicesEnumerationName,
  serviceTypeName,
  subtypeName,
} from "./service_name.ts";
import { encodeTxt, type TxtInput } from "./txt.ts";

/**
 * RFC 6762 §10: TTL of records that hold a host name (SRV, A, AAAA, their NSECs).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HOST_RECORD_TTL, hostRecords } from "./service_records.ts";
 * assert.equal(HOST_RECORD_TTL, 120);
 * assert.equal(hostRecords("h.local", ["198.18.0.2"]).a[0].ttl, HOST_RECORD_TTL);
 * ```
 */
export const HOST_RECORD_TTL = 120;
/**
 * RFC 6762 §10: TTL of the other records (PTR, TXT).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SERVICE_RECORD_TTL, serviceRecords } from "./service_records.ts";
 * const set = serviceRecords({ name: "Den", type: "_http._tcp", host: "den.local", port: 80 });
 * assert.equal(SERVICE_RECORD_TTL, 4500);
 * assert.equal(set.ptr.ttl, SERVICE_RECORD_TTL);
 * assert.equal(set.txt.ttl, SERVICE_RECORD_TTL);
 * ```
 */
export const SERVICE_RECORD_TTL = 4500;
/**
 * RFC 2181 §8: a TTL is at most 2^31 - 1 seconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hostRecords, MAX_TTL } from "./service_records.ts";
 * assert.equal(hostRecords("h.local", ["198.18.0.2"], { ttl: MAX_TTL }).a[0].ttl, 2147483647);
 * assert.throws(() => hostRecords("h.local", ["198.18.0.2"], { ttl: MAX_TTL + 1 }), {
 *   name: "RangeError",
 *   message: "Invalid host TTL: 2147483648, must be 1 to 2147483647",
 * });
 * ```
 */
export const MAX_TTL = 0x7fffffff;

/**
 * What a service to publish consists of.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ServiceDefinition, serviceRecords } from "./service_records.ts";
 * const printer: ServiceDefinition = {
 *   name: "Office", type: "_ipp._tcp", host: "office.local", port: 631,
 *   txt: { txtvers: "1", rp: "ipp/print" }, subtypes: ["_universal"],
 * };
 * assert.equal(serviceRecords(printer).subtypePtrs[0].name, "_universal._sub._ipp._tcp.local");
 * ```
 */
export interface ServiceDefinition {
  /** Instance label, one label of UTF-8 (`Living Room`). */
  name: string;
  /** Service type, `_http._tcp` (a domain here is used when `domain` is absent). */
  type: string;
  /** Domain; defaults to the type's domain, which defaults to `local`. */
  domain?: string;
  /** Host name the SRV points to (`myhost.local`). */
  host: string;
  /** TCP or UDP port, 0 to 65535. */
  port: number;
  /** TXT attributes; an empty set is published as one zero byte (RFC 6763 §6.1). */
  txt?: TxtInput;
  /** Subtype labels (`_printer`), each adding a shared PTR (RFC 6763 §7.1). */
  subtypes?: readonly string[];
  /** SRV priority (RFC 2782); RFC 6763 §5 says publish 0. @default {0} */
  priority?: number;
  /** SRV weight (RFC 2782); RFC 6763 §5 says publish 0. @default {0} */
  weight?: number;
  /** TTL in seconds for PTR and TXT. @default {4500} */
  ttl?: number;
  /** TTL in seconds for SRV, NSEC and address records. @default {120} */
  hostTtl?: number;
  /** Host addresses (IPv4 or IPv6 text); when given the set includes the host's records. */
  addresses?: readonly string[];
}

/**
 * The records of one service, by role, and all of them in announcement order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serviceRecords, type ServiceRecordSet } from "./service_records.ts";
 * const set: ServiceRecordSet = serviceRecords({
 *   name: "Den", type: "_http._tcp", host: "den.local", port: 80,
 * });
 * assert.equal(set.typeName, "_http._tcp.local");
 * assert.equal(set.srv.data.port, 80);
 * assert.equal(set.host, undefined);
 * assert.deepEqual(set.records.map((r) => r.type), [12, 33, 16, 12, 47]);
 * ```
 */
export interface ServiceRecordSet {
  /** Full instance name (`Living Room._http._tcp.local`). */
  readonly fullName: string;
  /** Base type name (`_http._tcp.local`). */
  readonly typeName: string;
  /** `<type> PTR <instance>`. */
  readonly ptr: PtrRecord;
  /** `<sub>._sub.<type> PTR <instance>`, one per subtype. */
  readonly subtypePtrs: readonly PtrRecord[];
  /** `_services._dns-sd._udp.<domain> PTR <type>`. */
  readonly enumerationPtr: PtrRecord;
  /** SRV at the instance name. */
  readonly srv: SrvRecord;
  /** TXT at the instance name. */
  readonly txt: TxtRecord;
  /** NSEC at the instance name: TXT and SRV exist, nothing else. */
  readonly nsec: NsecRecord;
  /** The host's records, when `addresses` was given. */
  readonly host: HostRecordSet | undefined;
  /** Every record above. */
  readonly records: readonly ResourceRecord[];
}

/**
 * A host's address records and its NSEC.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hostRecords, type HostRecordSet } from "./service_records.ts";
 * const host: HostRecordSet = hostRecords("h.local", ["198.18.0.2", "198.18.0.2", "fd00::2"]);
 * assert.equal(host.a.length, 1);
 * assert.equal(host.aaaa.length, 1);
 * assert.equal(host.records.length, 3);
 * ```
 */
export interface HostRecordSet {
  /** Host name (`myhost.local`). */
  readonly hostName: string;
  /** One A record per IPv4 address. */
  readonly a: readonly ARecord[];
  /** One AAAA record per IPv6 address. */
  readonly aaaa: readonly AaaaRecord[];
  /** NSEC listing A and/or AAAA as present; undefined when there are no addresses. */
  readonly nsec: NsecRecord | undefined;
  /** Reverse-mapping PTRs, one per address, when asked for. */
  readonly reverse: readonly PtrRecord[];
  /** Every record above. */
  readonly records: readonly ResourceRecord[];
}

/**
 * Options for {@linkcode hostRecords}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type HostRecordOptions, hostRecords } from "./service_records.ts";
 * const options: HostRecordOptions = { ttl: 60 };
 * assert.equal(hostRecords("h.local", ["198.18.0.2"], options).nsec?.ttl, 60);
 * ```
 */
export interface HostRecordOptions {
  /** TTL in seconds. @default {120} */
  ttl?: number;
  /**
   * Add the reverse-mapping PTRs (`in-addr.arpa`, `ip6.arpa`) that Avahi and
   * mDNSResponder publish for their hosts: unique, never probed (RFC 6762
   * §8.1). @default {false}
   */
  reverse?: boolean;
}

/**
 * Builds the record set of a service (and of its host when `addresses` is
 * given).
 *
 * @throws {TypeError} When a name, type, address or TXT key is malformed.
 * @throws {RangeError} When a port, priority, weight, TTL, label or TXT string
 * is out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serviceRecords } from "./service_records.ts";
 * const set = serviceRecords({
 *   name: "Living Room", type: "_http._tcp", host: "myhost.local", port: 8080,
 *   txt: { path: "/" }, subtypes: ["_printer"], addresses: ["198.18.0.2"],
 * });
 * assert.equal(set.fullName, "Living Room._http._tcp.local");
 * assert.equal(set.srv.ttl, 120);
 * assert.equal(set.ptr.ttl, 4500);
 * assert.equal(set.ptr.cacheFlush, false);
 * assert.equal(set.records.length, 8);
 * ```
 */
export function serviceRecords(service: ServiceDefinition): ServiceRecordSet {
  const parsed = parseServiceType(service.type);
  const type = service.domain === undefined ? parsed : { ...parsed, domain: service.domain };
  if (parsed.subtype !== undefined) {
    throw new TypeError(`Invalid service type "${service.type}": use subtypes for a subtype`);
  }
  const fullName = serviceInstanceName(service.name, type);
  const typeName = serviceTypeName(type);
  parseName(service.host);
  const ttl = checkTtl(service.ttl ?? SERVICE_RECORD_TTL, "TTL");
  const hostTtl = checkTtl(service.hostTtl ?? HOST_RECORD_TTL, "host TTL");
  const ptr: PtrRecord = shared(typeName, ttl, fullName);
  const subtypePtrs = [...new Set(service.subtypes ?? [])].map((s) =>
    shared(subtypeName(s, type), ttl, fullName)
  );
  const enumerationPtr = shared(servicesEnumerationName(type.domain), ttl, typeName);
  const srv: SrvRecord = {
    name: fullName,
    type: RecordType.SRV,
    class: RecordClass.IN,
    cacheFlush: true,
    ttl: hostTtl,
    data: {
      priority: checkU16(service.priority ?? 0, "priority"),
      weight: checkU16(service.weight ?? 0, "weight"),
      port: checkU16(service.port, "port"),
      target: service.host,
    },
  };
  const txt: TxtRecord = {
    name: fullName,
    type: RecordType.TXT,
    class: RecordClass.IN,
    cacheFlush: true,
    ttl,
    data: encodeTxt(service.txt ?? {}),
  };
  // RFC 6762 §6.1: the instance name owns exactly TXT and SRV.
  const nsec = nsecRecord(fullName, [RecordType.TXT, RecordType.SRV], hostTtl);
  const host = service.addresses === undefined
    ? undefined
    : hostRecords(service.host, service.addresses, { ttl: hostTtl });
  const records: ResourceRecord[] = [ptr, ...subtypePtrs, srv, txt, enumerationPtr, nsec];
  if (host !== undefined) records.push(...host.records);
  return {
    fullName,
    typeName,
    ptr,
    subtypePtrs,
    enumerationPtr,
    srv,
    txt,
    nsec,
    host,
    records,
  };
}

/**
 * Builds a host's A and AAAA records and the NSEC that says it has no other
 * types (RFC 6762 §6.1). Duplicate addresses are dropped.
 *
 * @throws {TypeError} When an address does not parse or the name is malformed.
 * @throws {RangeError} When the TTL is out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hostRecords } from "./service_records.ts";
 * const host = hostRecords("myhost.local", ["198.18.0.2", "fd00::2"]);
 * assert.equal(host.a.length, 1);
 * assert.equal(host.aaaa.length, 1);
 * assert.deepEqual(host.nsec?.data.types, [1, 28]);
 * ```
 */
export function hostRecords(
  hostName: string,
  addresses: readonly string[],
  options?: HostRecordOptions,
): HostRecordSet {
  parseName(hostName);
  const ttl = checkTtl(options?.ttl ?? HOST_RECORD_TTL, "host TTL");
  const a: ARecord[] = [];
  const aaaa: AaaaRecord[] = [];
  const seen = new Set<string>();
  for (const address of addresses) {
    if (typeof address !== "string") {
      throw new TypeError(`Invalid address: expected a string, got ${typeof address}`);
    }
    const isV6 = address.includes(":");
    const bytes = isV6 ? parseIPv6(address) : parseIPv4(address);
    const id = bytes.join(",");
    if (seen.has(id)) continue;
    seen.add(id);
    const name = hostName;
    const cls = RecordClass.IN;
    if (isV6) {
      aaaa.push({ name, type: RecordType.AAAA, class: cls, cacheFlush: true, ttl, data: address });
    } else a.push({ name, type: RecordType.A, class: cls, cacheFlush: true, ttl, data: address });
  }
  const types: number[] = [];
  if (a.length > 0) types.push(RecordType.A);
  if (aaaa.length > 0) types.push(RecordType.AAAA);
  const nsec = types.length === 0 ? undefined : nsecRecord(hostName, types, ttl);
  const reverse: PtrRecord[] = options?.reverse !== true ? [] : [...a, ...aaaa].map((r) => ({
    name: reverseName(r.data),
    type: RecordType.PTR,
    class: RecordClass.IN,
    cacheFlush: true, // RFC 6762 §10.2: a reverse mapping is unique
    ttl,
    data: hostName,
  }));
  const records: ResourceRecord[] = [...a, ...aaaa];
  if (nsec !== undefined) records.push(nsec);
  records.push(...reverse);
  return { hostName, a, aaaa, nsec, reverse, records };
}

/**
 * The reverse-mapping name of an address (RFC 1035 §3.5, RFC 3596 §2.5):
 * `2.0.18.198.in-addr.arpa`, or 32 nibbles and `ip6.arpa`.
 *
 * @throws {TypeError} When the address does not parse.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reverseName } from "./service_records.ts";
 * assert.equal(reverseName("198.18.0.2"), "2.0.18.198.in-addr.arpa");
 * assert.equal(reverseName("fe80::1").slice(0, 8), "1.0.0.0.");
 * assert.ok(reverseName("fe80::1").endsWith("0.8.e.f.ip6.arpa"));
 * ```
 */
export function reverseName(address: string): string {
  if (!address.includes(":")) return `${[...parseIPv4(address)].reverse().join(".")}.in-addr.arpa`;
  const nibbles: string[] = [];
  for (const byte of parseIPv6(address)) {
    nibbles.push((byte >> 4).toString(16), (byte & 15).toString(16));
  }
  return `${nibbles.reverse().join(".")}.ip6.arpa`;
}

/**
 * A copy of a record with TTL 0: the goodbye of RFC 6762 §10.1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { goodbyeRecord } from "./service_records.ts";
 * const r = goodbyeRecord({ name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" });
 * assert.equal(r.ttl, 0);
 * ```
 */
export function goodbyeRecord<R extends ResourceRecord>(record: R): R {
  return { ...record, ttl: 0 };
}

function shared(name: string, ttl: number, target: string): PtrRecord {
  // RFC 6762 §10.2: shared records never carry the cache-flush bit.
  return {
    name,
    type: RecordType.PTR,
    class: RecordClass.IN,
    cacheFlush: false,
    ttl,
    data: target,
  };
}

function nsecRecord(name: string, types: number[], ttl: number): NsecRecord {
  // RFC 6762 §6.1: the next name is the record's own name.
  return {
    name,
    type: RecordType.NSEC,
    class: RecordClass.IN,
    cacheFlush: true,
    ttl,
    data: { nextName: name, types },
  };
}

function checkU16(value: number, what: string): number {
  if (!Number.isInteger(value)) throw new TypeError(`Invalid ${what}: ${value} is not an integer`);
  if (value < 0 || value > 0xffff) {
    throw new RangeError(`Invalid ${what}: ${value}, must be 0 to 65535`);
  }
  return value;
}

function checkTtl(value: number, what: string): number {
  if (!Number.isInteger(value)) throw new TypeError(`Invalid ${what}: ${value} is not an integer`);
  if (value < 1 || value > MAX_TTL) {
    throw new RangeError(`Invalid ${what}: ${value}, must be 1 to ${MAX_TTL}`);
  }
  return value;
}
