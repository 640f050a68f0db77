/**
 * A rdata: one IPv4 address (RFC 1035 §3.4.1), as dotted-quad text.
 *
 * @module
 */
import { parseError } from "../_parse_failure.ts";
import { formatIPv4, parseIPv4 } from "../ip.ts";
import type { RdataCodec } from "./rdata_codec.ts";

const buf = new Uint8Array(4);

/** RFC 1035 §3.4.1: "A 32 bit Internet address." */
const A_RDATA_BYTES = 4;

function checkLength(offset: number, length: number): void {
  if (length !== A_RDATA_BYTES) {
    throw parseError(`A rdata of ${length} bytes, expected 4`, offset);
  }
}

/**
 * Codec for A rdata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { aCodec } from "./a.ts";
 * assert.equal(aCodec.decode(new Uint8Array([198, 18, 0, 1]), 0, 4), "198.18.0.1");
 * ```
 */
export const aCodec: RdataCodec<string> = {
  nameAt: -1, // no name inside
  decode(packet, offset, length) {
    checkLength(offset, length);
    return formatIPv4(packet, offset);
  },
  check(_packet, offset, length) {
    checkLength(offset, length);
  },
  encode(sink, data) {
    sink.bytes(parseIPv4(data, buf));
  },
};
