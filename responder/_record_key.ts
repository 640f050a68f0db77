/**
 * One string that identifies a record by name (any case), type and rdata
 * (names inside compared in any case): the key known-answer suppression
 * (RFC 6762 §7.1), duplicate-answer suppression (§7.4) and the conflict checks
 * (§9) match on.
 *
 * @module
 */

import {
  copyRdataInto,
  encodeName,
  type MessageReader,
  nameKey,
  rdataEqualsAt,
} from "../codec/mod.ts";
import { bytesToBinary, rdataKey } from "../cache/_rdata_key.ts";
import type { LocalRecord } from "../cache/local_record.ts";

const keys = new WeakMap<LocalRecord, string>();
// The expanded rdata of the record being keyed: one buffer for every call (a
// fresh Uint8Array per Known Answer was most of a busy responder's time).
const scratch = new Uint8Array(0xffff + 512);

/**
 * The key of a record from its parts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordKey } from "./_record_key.ts";
 * assert.equal(recordKey("H.local", 1, new Uint8Array([1, 2, 3, 4])), recordKey("h.LOCAL", 1, new Uint8Array([1, 2, 3, 4])));
 * ```
 */
export function recordKey(name: string, type: number, rdata: Uint8Array): string {
  return `${type}\u0000${nameKey(name)}\u0000${rdataKey(type, bytesToBinary(rdata))}`;
}

/**
 * The key of one of our records, computed once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localRecordKey, recordKey } from "./_record_key.ts";
 * import { LocalRecord } from "../cache/local_record.ts";
 * const r = new LocalRecord({ name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" });
 * assert.equal(localRecordKey(r), recordKey("h.local", 1, new Uint8Array([198, 18, 0, 2])));
 * ```
 */
export function localRecordKey(record: LocalRecord): string {
  let key = keys.get(record);
  if (key === undefined) {
    key = recordKey(record.name, record.type, record.rdata);
    keys.set(record, key);
  }
  return key;
}

/**
 * The key of the record the reader is on (its rdata names expanded).
 *
 * @throws {DnsParseError} When the rdata is malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readerRecordKey, recordKey } from "./_record_key.ts";
 * import { encodeMessage, MessageReader } from "../codec/mod.ts";
 * const packet = encodeMessage({ id: 0, flags: 0x8400, questions: [], authorities: [], additionals: [],
 *   answers: [{ name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" }] });
 * const reader = new MessageReader(packet);
 * reader.nextRecord();
 * assert.equal(readerRecordKey(reader), recordKey("h.local", 1, new Uint8Array([198, 18, 0, 2])));
 * ```
 */
export function readerRecordKey(reader: MessageReader): string {
  const type = reader.type;
  const end = copyRdataInto(reader.packet, type, reader.rdataOffset, reader.rdataLength, scratch);
  return `${type}\u0000${nameKey(reader.name())}\u0000${
    rdataKey(type, bytesToBinary(scratch, 0, end))
  }`;
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
 * identity as {@linkcode readerRecordKey} (RFC 6762 §16), compared in place:
 * type first, then rdata (`rdataEqualsAt`, names inside in any case), then
 * the owner name, so a Known Answer that is not ours costs a few byte
 * compares and builds nothing. Every responder on a LAN reads every Known
 * Answer of every query (500 hosts browsing a 500-instance type: 250,000
 * per query series); keying each as a string was most of a simulated LAN's
 * time. With more than a few candidates of one type it keys them instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RecordMatcher } from "./_record_key.ts";
 * import { LocalRecord } from "../cache/local_record.ts";
 * import { encodeMessage, MessageReader, type PtrRecord } from "../codec/mod.ts";
 * const ptr = (data: string): PtrRecord =>
 *   ({ name: "_http._tcp.local", type: 12, class: 1, cacheFlush: false, ttl: 4500, data });
 * const mine = new LocalRecord(ptr("Den._http._tcp.local"));
 * const query = encodeMessage({ id: 0, flags: 0, questions: [], authorities: [], additionals: [],
 *   answers: [ptr("Other._http._tcp.local"), ptr("den._HTTP._tcp.local")] });
 * const reader = new MessageReader(query);
 * const matcher = new RecordMatcher([mine]);
 * reader.nextRecord();
 * assert.equal(matcher.match(reader), undefined);
 * reader.nextRecord();
 * assert.equal(matcher.match(reader), mine);
 * ```
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
