/**
 * One identity for "the same record" (RFC 6762 §16): owner name compared
 * without regard to ASCII case, type, and rdata compared as
 * `rdataEquals` compares it (the name inside in any case,
 * compression expanded, every other byte exact). The responder's known-answer
 * and duplicate-answer suppression (§7.1, §7.4) and conflict checks (§9), the
 * querier's duplicate question suppression (§7.3) and POOF (§10.5), and the
 * peer cache all key records this way.
 *
 * Keys are "binary strings", one character per byte (0-255): V8 stores such a
 * string in one byte per character, and it doubles as a `Map` key.
 *
 * @module
 */

import { copyRdataInto } from "./canonical.ts";
import { foldAsciiCase, nameKey } from "./name_parser.ts";
import { rdataNameOffset } from "./rdata/mod.ts";
import type { MessageReader } from "./reader.ts";

const CHUNK = 8192;
// V8 keeps a concatenation shorter than 13 characters flat; longer ones become
// "cons" trees, so those go through fromCharCode.apply over a plain array,
// which is faster than over a typed-array view.
const FLAT_CONCAT_MAX = 12;
const codes: number[] = [];

/**
 * Converts `bytes[start, end)` to a flat binary string (one character per
 * byte), the form {@linkcode rdataKey} reads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bytesToBinary } from "./mod.ts";
 * assert.equal(bytesToBinary(new Uint8Array([104, 105])), "hi");
 * assert.equal(bytesToBinary(new Uint8Array([1, 104, 105, 0]), 1, 3), "hi");
 * ```
 */
export function bytesToBinary(bytes: Uint8Array, start = 0, end: number = bytes.length): string {
  const length = end - start;
  if (length <= FLAT_CONCAT_MAX) {
    let out = "";
    for (let i = start; i < end; i++) out += String.fromCharCode(bytes[i]);
    return out;
  }
  if (length <= CHUNK) {
    codes.length = length;
    for (let i = 0; i < length; i++) codes[i] = bytes[start + i];
    return String.fromCharCode.apply(null, codes);
  }
  let out = "";
  for (let at = start; at < end; at += CHUNK) {
    out += bytesToBinary(bytes, at, Math.min(end, at + CHUNK));
  }
  // A long concatenation is a cons tree; one flat copy is what a cache keeps.
  return JSON.parse(JSON.stringify(out));
}

/**
 * The identity key of canonical rdata (names uncompressed, as `copyRdata` or
 * `encodeRdata` make it) given as a binary string: the same string unless the
 * name inside (where `rdataNameOffset` says one is) has capitals, which are
 * lowered (RFC 6762 §16). Two rdata have the same key exactly when
 * `rdataEquals` says they are equal. Length bytes (at most 63) are
 * never letters, so lowering the name part as text is safe; fixed fields and
 * the NSEC bitmap are left alone.
 *
 * @example A PTR to `Den._http._tcp.local` is the PTR to `den._http._tcp.local`
 * ```ts
 * import assert from "node:assert/strict";
 * import { bytesToBinary, encodeRdata, rdataKey, RecordType } from "./mod.ts";
 * const ptr = (target: string) => bytesToBinary(encodeRdata(RecordType.PTR, target));
 * assert.equal(rdataKey(RecordType.PTR, ptr("Den._http._tcp.local")), ptr("den._http._tcp.local"));
 * // No name inside a TXT: its bytes stay as they are.
 * assert.equal(rdataKey(RecordType.TXT, "\x03A=B"), "\x03A=B");
 * ```
 */
export function rdataKey(type: number, binary: string): string {
  const start = rdataNameOffset(type);
  if (start < 0) return binary;
  const end = binaryNameEnd(binary, start);
  let upper = false;
  for (let i = start; i < end; i++) {
    const c = binary.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      upper = true;
      break;
    }
  }
  if (!upper) return binary;
  const lowered = foldAsciiCase(binary.slice(start, end));
  return binary.slice(0, start) + lowered + binary.slice(end);
}

/**
 * The identity key of a whole record: type, owner name in any case, and
 * canonical rdata as {@linkcode rdataKey} keys it. Two records are the same
 * record (RFC 6762 §16) exactly when their keys are equal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeRdata, recordKey, RecordType } from "./mod.ts";
 * const ptr = (target: string) => encodeRdata(RecordType.PTR, target);
 * assert.equal(
 *   recordKey("_HTTP._tcp.local", RecordType.PTR, ptr("Den._http._tcp.local")),
 *   recordKey("_http._tcp.local", RecordType.PTR, ptr("den._http._tcp.local")),
 * );
 * assert.notEqual(
 *   recordKey("_http._tcp.local", RecordType.PTR, ptr("Den._http._tcp.local")),
 *   recordKey("_http._tcp.local", RecordType.PTR, ptr("Dan._http._tcp.local")),
 * );
 * ```
 */
export function recordKey(name: string, type: number, rdata: Uint8Array): string {
  return `${type}\u0000${nameKey(name)}\u0000${rdataKey(type, bytesToBinary(rdata))}`;
}

/**
 * {@linkcode recordKey} of the record a reader is on, read in place (names in
 * its rdata expanded from the packet's compression).
 *
 * @throws {DnsParseError} When the rdata is malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeMessage, MessageReader, readerRecordKey, recordKey } from "./mod.ts";
 * const packet = encodeMessage({ id: 0, flags: 0x8400, questions: [], authorities: [], additionals: [],
 *   answers: [{ name: "H.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" }] });
 * const reader = new MessageReader(packet);
 * reader.nextRecord();
 * assert.equal(readerRecordKey(reader), recordKey("h.local", 1, new Uint8Array([198, 18, 0, 2])));
 * ```
 */
export function readerRecordKey(reader: MessageReader): string {
  const type = reader.type;
  // Into one reused buffer: a fresh Uint8Array per Known Answer was most of a
  // busy responder's time (every responder reads every Known Answer).
  const end = copyRdataInto(reader.packet, type, reader.rdataOffset, reader.rdataLength, scratch);
  return `${type}\u0000${nameKey(reader.name())}\u0000${
    rdataKey(type, bytesToBinary(scratch, 0, end))
  }`;
}

// The expanded rdata of the record being keyed (65,535 bytes plus room for
// names expanded beyond their compressed length).
const scratch = new Uint8Array(0xffff + 512);

/**
 * Offset just past the uncompressed wire name at `start` of a binary string
 * (one character per byte, as `bytesToBinary` makes), or its length if the
 * name runs past it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binaryNameEnd } from "./record_key.ts";
 * // "a.local" then a two-byte tail
 * const binary = "\x01a\x05local\x00" + "\x00\x01";
 * assert.equal(binaryNameEnd(binary, 0), 9);
 * ```
 */
export function binaryNameEnd(binary: string, start: number): number {
  let pos = start;
  while (pos < binary.length) {
    const len = binary.charCodeAt(pos);
    if (len === 0) return pos + 1;
    pos += 1 + len;
  }
  return binary.length;
}
