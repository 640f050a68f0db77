/**
 * The contract every record type's rdata file fulfils. To add a type: write
 * `codec/rdata/<type>.ts` with a {@linkcode RdataCodec}, add it to the table in
 * `codec/rdata/mod.ts`, and add its data shape to `RecordData` there.
 *
 * @module
 */

/**
 * Where rdata is written: the message writer, or a plain buffer for canonical
 * bytes. `name()` compresses only when asked and the sink allows it.
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
 */
export interface RdataCodec<T> {
  /**
   * Reads rdata at `offset` of `length` bytes in `packet` (names may point
   * anywhere earlier in the packet). Throws `DnsParseError` on bad rdata.
   */
  decode(packet: Uint8Array, offset: number, length: number, scope: number): T;
  /** Writes `data` to `sink`, compressing names inside when `compressNames`. */
  encode(sink: RdataSink, data: T, compressNames: boolean): void;
}
