/**
 * Rdata in the form a cache keeps: a copy, with every name inside expanded so
 * that two records with the same data compare equal byte for byte whatever
 * packet they came from.
 *
 * @module
 */

import { copyNameExpanded, skipName } from "./name_reader.ts";
import { parseName } from "./name_parser.ts";
import { rdataCodec, rdataNameOffset, type RdataSink } from "./rdata/mod.ts";
import type { ResourceRecord } from "./types.ts";
import { Limits } from "./constants.ts";
import { parseError } from "./_parse_failure.ts";

const scratch = new Uint8Array(0xffff + 512);

/**
 * Copies the rdata at `offset`/`length` of `packet`, expanding compressed
 * names inside PTR, SRV, NSEC (and NS, CNAME) rdata.
 *
 * @throws {DnsParseError} When a name inside the rdata is malformed or does not
 * fit the rdata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyRdata } from "./canonical.ts";
 * const a = copyRdata(new Uint8Array([198, 18, 0, 1]), 1, 0, 4);
 * assert.deepEqual([...a], [198, 18, 0, 1]);
 * ```
 */
export function copyRdata(
  packet: Uint8Array,
  type: number,
  offset: number,
  length: number,
): Uint8Array {
  if (rdataNameOffset(type) < 0) return packet.slice(offset, offset + length);
  return scratch.slice(0, copyRdataInto(packet, type, offset, length, scratch));
}

/**
 * {@linkcode copyRdata} into a buffer the caller keeps (a scratch reused
 * record after record), returning the offset just past what it wrote. A hot
 * path (every Known Answer a responder or a cache reads) turns the copy into
 * a key at once: a new `Uint8Array` per record costs about a microsecond of
 * allocation in Deno, several times the copy itself.
 *
 * @throws {DnsParseError} When a name inside the rdata is malformed or does not
 * fit the rdata.
 * @throws {RangeError} When `out` has no room for the expanded rdata (65,535
 * plus 255 bytes free always suffice).
 *
 * @example A compressed PTR expanded into a scratch buffer
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyRdata, copyRdataInto } from "./canonical.ts";
 * // "local" at 0, then the PTR rdata at 7: "a" + pointer to 0
 * const packet = new Uint8Array([5, 108, 111, 99, 97, 108, 0, 1, 97, 0xc0, 0]);
 * const out = new Uint8Array(512);
 * const end = copyRdataInto(packet, 12, 7, 4, out, 3);
 * assert.deepEqual(out.subarray(3, end), copyRdata(packet, 12, 7, 4));
 * assert.equal(end - 3, 9);
 * ```
 */
export function copyRdataInto(
  packet: Uint8Array,
  type: number,
  offset: number,
  length: number,
  out: Uint8Array,
  outOffset = 0,
): number {
  const fixed = rdataNameOffset(type);
  const end = offset + length;
  if (fixed < 0) {
    if (outOffset + length > out.length) {
      throw new RangeError("Cannot copy rdata: output buffer too small");
    }
    for (let i = 0; i < length; i++) out[outOffset + i] = packet[offset + i];
    return outOffset + length;
  }
  if (length < fixed + 1) throw parseError(`rdata of ${length} bytes is too short`, offset);
  const nameEnd = skipName(packet, offset + fixed);
  if (nameEnd > end) throw parseError("name runs past its rdata", offset + fixed);
  // Byte loops, not set(subarray): a view is an allocation too.
  if (outOffset + fixed > out.length) {
    throw new RangeError("Cannot copy rdata: output buffer too small");
  }
  for (let i = 0; i < fixed; i++) out[outOffset + i] = packet[offset + i];
  let w = copyNameExpanded(packet, offset + fixed, out, outOffset + fixed);
  // NSEC: the type bitmap follows the name unchanged.
  if (w + end - nameEnd > out.length) {
    throw new RangeError("Cannot copy rdata: output buffer too small");
  }
  for (let i = nameEnd; i < end; i++) out[w++] = packet[i];
  return w;
}

/** An rdata sink over a fixed scratch buffer; names are never compressed. */
class ScratchSink implements RdataSink {
  pos = 0;
  #ensure(n: number): void {
    if (this.pos + n > Limits.RDATA_BYTES) {
      throw new RangeError(`Cannot encode rdata: more than 65535 bytes`);
    }
  }
  u8(value: number): void {
    this.#ensure(1);
    scratch[this.pos++] = value;
  }
  u16(value: number): void {
    this.#ensure(2);
    scratch[this.pos++] = value >> 8;
    scratch[this.pos++] = value;
  }
  u32(value: number): void {
    this.#ensure(4);
    scratch[this.pos++] = value >>> 24;
    scratch[this.pos++] = value >>> 16;
    scratch[this.pos++] = value >>> 8;
    scratch[this.pos++] = value;
  }
  bytes(value: Uint8Array): void {
    this.#ensure(value.length);
    scratch.set(value, this.pos);
    this.pos += value.length;
  }
  name(value: string): void {
    this.bytes(parseName(value).wire);
  }
}

/**
 * Encodes a record's data as canonical rdata bytes (names uncompressed), the
 * same form {@linkcode copyRdata} produces from a packet.
 *
 * @throws {RangeError | TypeError} When the data is out of range or malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeRdata } from "./canonical.ts";
 * assert.deepEqual([...encodeRdata(1, "198.18.0.1")], [198, 18, 0, 1]);
 * ```
 */
export function encodeRdata(type: number, data: ResourceRecord["data"]): Uint8Array {
  const sink = new ScratchSink();
  rdataCodec(type).encode(sink, data, false);
  return scratch.slice(0, sink.pos);
}

/**
 * Decodes canonical rdata bytes (as {@linkcode copyRdata} or
 * {@linkcode encodeRdata} make them) into the record's data shape.
 *
 * @throws {DnsParseError} When the bytes are malformed for the type.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRdata, encodeRdata } from "./canonical.ts";
 * assert.equal(decodeRdata(12, encodeRdata(12, "a._http._tcp.local")), "a._http._tcp.local");
 * ```
 */
export function decodeRdata(type: number, rdata: Uint8Array): ResourceRecord["data"] {
  return rdataCodec(type).decode(rdata, 0, rdata.length);
}
