/**
 * Rdata of any type the codec does not model: raw bytes that round-trip
 * unchanged (RFC 3597 §5).
 *
 * @module
 */
import type { RdataCodec } from "./rdata_codec.ts";

/**
 * Codec for opaque rdata. Decoding returns a view into the packet.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unknownCodec } from "./unknown.ts";
 * assert.deepEqual([...unknownCodec.decode(new Uint8Array([1, 2, 3]), 1, 2)], [2, 3]);
 * ```
 */
export const unknownCodec: RdataCodec<Uint8Array> = {
  nameAt: -1, // no name inside
  decode(packet, offset, length) {
    return packet.subarray(offset, offset + length);
  },
  check() {},
  encode(sink, data) {
    sink.bytes(data);
  },
};
