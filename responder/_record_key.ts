/**
 * One string that identifies a record by name (any case), type and rdata
 * (names inside compared in any case): the key known-answer suppression
 * (RFC 6762 §7.1), duplicate-answer suppression (§7.4) and the conflict checks
 * (§9) match on.
 *
 * @module
 */

import { copyRdataInto, type MessageReader, nameKey } from "../codec/mod.ts";
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
