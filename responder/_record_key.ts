/**
 * The codec's record identity (`recordKey`, RFC 6762 §16) cached per local
 * record: the key known-answer suppression (§7.1), duplicate-answer
 * suppression (§7.4) and the conflict checks (§9) match on; and
 * {@linkcode RecordMatcher}, the same identity compared in place against a
 * few of our records.
 *
 * @module
 */

import {
  encodeName,
  type MessageReader,
  rdataEqualsAt,
  readerRecordKey,
  recordKey,
} from "../codec/mod.ts";
import type { LocalRecord } from "../cache/local_record.ts";

// The identity itself lives in the codec; re-exported for the responder's files.
export { readerRecordKey, recordKey } from "../codec/mod.ts";

const keys = new WeakMap<LocalRecord, string>();

/** The key of one of our records, computed once. */
export function localRecordKey(record: LocalRecord): string {
  let key = keys.get(record);
  if (key === undefined) {
    key = recordKey(record.name, record.type, record.rdata);
    keys.set(record, key);
  }
  return key;
}

/** Past this many candidates of one type, a key map beats comparing with each. */
const MATCH_SCAN_LIMIT = 8;
const wireNames = new WeakMap<LocalRecord, Uint8Array>();

function wireName(record: LocalRecord): Uint8Array {
  let wire = wireNames.get(record);
  if (wire === undefined) {
    wire = encodeName(record.name);
    wireNames.set(record, wire);
  }
  return wire;
}

/**
 * Which of a few of our records the record a reader is on is, by the same
 * identity as `readerRecordKey` (RFC 6762 §16), compared in place: type
 * first, then rdata (`rdataEqualsAt`, names inside in any case), then the
 * owner name, so a Known Answer that is not ours costs a few byte compares and
 * builds nothing. Every responder on a LAN reads every Known Answer of every
 * query (500 hosts browsing a 500-instance type: 250,000 per query series);
 * keying each as a string was most of a simulated LAN's time. With more than
 * a few candidates of one type it keys them instead.
 */
export class RecordMatcher {
  #byType = new Map<number, LocalRecord[]>();
  #byKey: Map<string, LocalRecord> | undefined;

  /** A matcher for `records` (the candidates are read now, not kept live). */
  constructor(records: Iterable<LocalRecord>) {
    for (const r of records) {
      let list = this.#byType.get(r.type);
      if (list === undefined) this.#byType.set(r.type, list = []);
      list.push(r);
      if (list.length > MATCH_SCAN_LIMIT && this.#byKey === undefined) this.#byKey = new Map();
    }
    if (this.#byKey !== undefined) {
      for (const list of this.#byType.values()) {
        for (const r of list) this.#byKey.set(localRecordKey(r), r);
      }
    }
  }

  /**
   * The candidate the reader's current record is, if any.
   *
   * @throws {DnsParseError} When a name in the record is malformed.
   */
  match(reader: MessageReader): LocalRecord | undefined {
    const list = this.#byType.get(reader.type);
    if (list === undefined) return undefined;
    if (list.length > MATCH_SCAN_LIMIT) return this.#byKey!.get(readerRecordKey(reader));
    const { packet, type, rdataOffset, rdataLength } = reader;
    for (const r of list) {
      const rdata = r.rdata;
      if (
        rdataEqualsAt(type, packet, rdataOffset, rdataLength, rdata, 0, rdata.length) &&
        reader.nameEquals(wireName(r))
      ) return r;
    }
    return undefined;
  }
}
