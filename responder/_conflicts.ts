/**
 * Reads a packet for what threatens our names: a response holding a record
 * at a name we claim with rdata we do not have (RFC 6762 §8.1 while probing:
 * any type; once established: any type but NSEC at a unique name of ours,
 * as mDNSResponder judges it, see `establishedConflict`), a copy of our record with less than half our TTL (§6.6: answer
 * it again), a differing record with the cache-flush bit at the name and
 * type of one of our shared records (§10.2: it would flush ours from every
 * cache on the link, so we announce ours again, as §10.1 rescues a record from
 * a goodbye; without the bit a differing shared record is no business of
 * ours, §6.6), and the proposed records of another host's probe for a name we
 * are probing (the §8.2 tie-break). Identical rdata is never a conflict (§6.6,
 * §9); shared records never conflict (§6.6); another host's goodbye (TTL 0)
 * never conflicts (§10.1: it withdraws a record, it claims nothing). Pure.
 *
 * @module
 */

import { copyRdata, type MessageReader, nameKey, RecordType, Section } from "../codec/mod.ts";
import type { LocalServiceCache } from "../cache/local_cache.ts";
import type { LocalRecord } from "../cache/local_record.ts";
import { localRecordKey, readerRecordKey } from "./_record_key.ts";
import type { ProposedRecord } from "./_tie_break.ts";

/** RFC 6762 §6.6: a copy with less than half our TTL is answered again. */
const REANNOUNCE_TTL_FRACTION = 0.5;
const CLASS_IN = 1;

/**
 * How far a claimed name is: `probing` (a probe was sent) or `established`.
 */
export type ClaimState = "probing" | "established";

/**
 * What a response told us.
 */
export interface ResponseFindings {
  /** Name keys (see `nameKey`) of claimed names in conflict. */
  readonly conflicts: Set<string>;
  /**
   * Our records to announce again: those another host sent with a low TTL
   * (or a goodbye), and our shared records another host tried to flush.
   */
  readonly reannounce: LocalRecord[];
}

/**
 * Scans a response for conflicts with our names and stale copies of our records.
 *
 * @throws {DnsParseError} When the packet is malformed (the stack validated it first).
 */
export function scanResponse(
  reader: MessageReader,
  localCache: LocalServiceCache,
  claimState: (key: string) => ClaimState | undefined,
): ResponseFindings {
  const conflicts = new Set<string>();
  const reannounce = new Set<LocalRecord>();
  while (reader.nextRecord()) {
    if (reader.class !== CLASS_IN) continue;
    const name = reader.name();
    if (!localCache.owns(name)) continue;
    const ours = localCache.lookup(name, reader.type);
    const key = readerRecordKey(reader);
    const same = ours.find((r) => localRecordKey(r) === key);
    if (same === undefined && reader.ttl === 0) {
      // Another host's goodbye says its record is gone, not that it holds the
      // name: never a conflict, while probing or after, and it flushes
      // nothing (§10.1; mDNSResponder and Avahi skip TTL-0 records here too).
      continue;
    }
    if (same !== undefined) {
      if (reader.ttl < same.record.ttl * REANNOUNCE_TTL_FRACTION && same.state === "announced") {
        reannounce.add(same);
      }
      continue;
    }
    if (reader.cacheFlush) {
      for (const r of ours) if (!r.unique && r.state === "announced") reannounce.add(r);
    }
    const id = nameKey(name);
    const state = claimState(id);
    if (state === "probing") conflicts.add(id);
    else if (state === "established" && establishedConflict(localCache, name, reader.type)) {
      conflicts.add(id);
    }
  }
  return { conflicts, reannounce: [...reannounce] };
}

/**
 * Whether a live record of `type` with rdata we lack, at an established name
 * of ours, is a conflict. RFC 6762 §9 names only records of "the same name,
 * rrtype and rrclass"; mDNSResponder (`PacketRRMatchesSignature` in mDNS.c)
 * compares the type only for shared records, so at a unique name any type
 * conflicts, NSEC excepted. We follow mDNSResponder: a unique name is ours
 * whole (our NSEC says it has no other types), and another host holding the
 * same host name with only an AAAA where we have only an A would otherwise
 * never be noticed. The cost of a false alarm is one §9 re-probe, which
 * keeps the name when nobody defends it.
 */
function establishedConflict(localCache: LocalServiceCache, name: string, type: number): boolean {
  if (type === RecordType.NSEC) return false;
  return localCache.lookup(name, RecordType.ANY).some((r) => r.unique);
}

/**
 * The records another host proposes in its probe, by claimed name key, for
 * the names `claimed` says we are probing (RFC 6762 §8.2).
 *
 * @throws {DnsParseError} When the packet is malformed (the stack validated it first).
 */
export function proposedRecords(
  reader: MessageReader,
  claimed: (key: string) => boolean,
): Map<string, ProposedRecord[]> {
  const out = new Map<string, ProposedRecord[]>();
  while (reader.nextRecord()) {
    if (reader.section !== Section.Authority) continue;
    const id = nameKey(reader.name());
    if (!claimed(id)) continue;
    const rdata = copyRdata(reader.packet, reader.type, reader.rdataOffset, reader.rdataLength);
    let list = out.get(id);
    if (list === undefined) out.set(id, list = []);
    list.push({ class: reader.class, type: reader.type, rdata });
  }
  return out;
}
