/**
 * One string that identifies a record by name (any case), type and rdata
 * (names inside compared in any case): the key known-answer suppression
 * (RFC 6762 §7.1), duplicate-answer suppression (§7.4) and the conflict checks
 * (§9) match on.
 *
 * @module
 */

import { copyRdata, type MessageReader, nameKey } from "../codec/mod.ts";
import { bytesToBinary, rdataKey } from "../cache/_rdata_key.ts";
import type { LocalRecord } from "../cache/local_record.ts";

const keys = new WeakMap<LocalRecord, string>();

/**
 * The key of a record from its parts.
 */
export function recordKey(name: string, type: number, rdata: Uint8Array): string {
  return `${type}\u0000${nameKey(name)}\u0000${rdataKey(type, bytesToBinary(rdata))}`;
}

/**
 * The key of one of our records, computed once.
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
 */
export function readerRecordKey(reader: MessageReader): string {
  const rdata = copyRdata(reader.packet, reader.type, reader.rdataOffset, reader.rdataLength);
  return recordKey(reader.name(), reader.type, rdata);
}
