/**
 * The one place records become a service: an instance on one link, as its
 * SRV, TXT, A and AAAA records in the peer cache say. When several records
 * compete (a TXT replaced by a cache-flush announcement is still cached for a
 * second), records that are not leaving win, then the most recently heard;
 * among SRVs the lowest priority, then highest weight (RFC 2782). The
 * cache-only lookups (`service_lookup.ts`) and the querier's assembler
 * (`service_info.ts`) both build on it. Internal: not exported from `mod.ts`.
 *
 * @module
 */

import { RecordType, type SrvData } from "../codec/mod.ts";
import { parseServiceInstanceName } from "../dnssd/service_name.ts";
import type { PeerRecordLookup } from "./peer_cache_options.ts";
import type { PeerRecord } from "./peer_record.ts";

/**
 * One instance on one link (its TXT left undecoded).
 */
export interface View {
  /** Full instance name in presentation form. */
  readonly fullName: string;
  /** Instance label, unescaped. */
  readonly name: string;
  /** Service type without the domain. */
  readonly type: string;
  /** Domain. */
  readonly domain: string;
  /** The link. */
  readonly interfaceName: string;
  /** The preferred SRV's data. */
  readonly srv: SrvData | undefined;
  /** The preferred SRV. */
  readonly srvRecord: PeerRecord | undefined;
  /** The preferred TXT. */
  readonly txtRecord: PeerRecord | undefined;
  /** The SRV target's addresses on the link: IPv4 first, then IPv6. */
  readonly addresses: string[];
  /** When its SRV or TXT was last heard (ms). */
  readonly latest: number;
}

/**
 * Assembles `instanceName` on `interfaceName` from the cache; undefined when
 * the name is not a DNS-SD instance name.
 */
export function view(
  cache: PeerRecordLookup,
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
    fullName: parsed.fullName,
    name: parsed.name,
    type: `${parsed.type.serviceName}.${parsed.type.protocol}`,
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
