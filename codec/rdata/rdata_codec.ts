/**
 * The contract every record type's rdata file fulfils. To add a type: write
 * `codec/rdata/<type>.ts` with a {@linkcode RdataCodec}, add it to the table in
 * `codec/rdata/mod.ts`, and add its data shape to `RecordData` there.
 *
 * @module
 */

import type { NameMemo } from "../name_reader.ts";

/**
 * Where rdata is written: the message writer, or a plain buffer for canonical
 * bytes. `name()` compresses only when asked and the sink allows it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RdataSink } from "./rdata_codec.ts";
 * const bytes: number[] = [];
 * const sink: RdataSink = {
 *   u8: (v) => bytes.push(v), u16: (v) => bytes.push(v >> 8, v & 255),
 *   u32: (v) => bytes.push(v >>> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255),
 *   bytes: (b) => bytes.push(...b), name: () => {},
 * };
 * sink.u16(8080);
 * assert.deepEqual(bytes, [31, 144]);
 * ```
 */
export interface RdataSink {
  /** Appends one byte. */
  u8(value: number): void;
  /** Appends a 16-bit big-endian integer. */
  u16(value: number): void;
  /** Appends a 32-bit big-endian integer. */
  u32(value: number): void;
  /** Appends raw bytes. */
  bytes(value: Uint8Array): void;
  /** Appends a presentation name, compressed when `compress` is true (RFC 6762 §18.14). */
  name(value: string, compress: boolean): void;
}

/**
 * Encode and decode for one record type's rdata.
 *
 * @typeParam T The decoded shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RdataCodec } from "./rdata_codec.ts";
 * const opaque: RdataCodec<Uint8Array> = {
 *   nameAt: -1,
 *   decode: (p, at, len) => p.slice(at, at + len),
 *   check: () => {},
 *   encode: (sink, data) => sink.bytes(data),
 * };
 * assert.deepEqual([...opaque.decode(new Uint8Array([1, 2]), 0, 2)], [1, 2]);
 * ```
 */
export interface RdataCodec<T> {
  /**
   * Offset inside the rdata of the domain name it carries, or -1 when it
   * carries none: the one place that says which types hold a name (compressed
   * in mDNS, RFC 6762 §18.14; compared without regard to ASCII case, §16).
   */
  readonly nameAt: number;
  /**
   * Reads rdata at `offset` of `length` bytes in `packet` (names may point
   * anywhere earlier in the packet; `memo` is the reader's, to reuse suffixes
   * it decoded already). Throws `DnsParseError` on bad rdata.
   */
  decode(packet: Uint8Array, offset: number, length: number, memo?: NameMemo): T;
  /**
   * Checks the rdata at `offset` of `length` bytes as {@linkcode decode} would,
   * names followed to their end, building nothing. `floor` is the lowest
   * offset a compression pointer may land on (12 in a message, 0 otherwise).
   * Throws `DnsParseError` at the first problem.
   */
  check(packet: Uint8Array, offset: number, length: number, floor: number): void;
  /** Writes `data` to `sink`, compressing names inside when `compressNames`. */
  encode(sink: RdataSink, data: T, compressNames: boolean): void;
}
