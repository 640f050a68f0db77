/**
 * AAAA rdata: one IPv6 address (RFC 3596 §2.2), as RFC 5952 text.
 *
 * @module
 */
import { parseError } from "../_parse_failure.ts";
import { formatIPv6, parseIPv6 } from "../ip.ts";
import type { RdataCodec } from "./rdata_codec.ts";

const buf = new Uint8Array(16);

/** RFC 3596 §2.2: "A 128 bit IPv6 address is encoded in the data portion". */
const AAAA_RDATA_BYTES = 16;

function checkLength(offset: number, length: number): void {
  if (length !== AAAA_RDATA_BYTES) {
    throw parseError(`AAAA rdata of ${length} bytes, expected 16`, offset);
  }
}

/**
 * Codec for AAAA rdata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { aaaaCodec } from "./aaaa.ts";
 * const bytes = new Uint8Array(16);
 * bytes[0] = 0xfd;
 * bytes[15] = 1;
 * assert.equal(aaaaCodec.decode(bytes, 0, 16), "fd00::1");
 * ```
 */
export const aaaaCodec: RdataCodec<string> = {
  nameAt: -1, // no name inside
  decode(packet, offset, length) {
    checkLength(offset, length);
    return formatIPv6(packet, offset);
  },
  check(_packet, offset, length) {
    checkLength(offset, length);
  },
  encode(sink, data) {
    sink.bytes(parseIPv6(data, buf));
  },
};
