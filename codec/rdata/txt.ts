/**
 * TXT rdata (RFC 1035 §3.3.14): a sequence of character-strings, each at most
 * 255 bytes, kept as bytes (RFC 6763 §6 values are binary-safe). The key=value
 * model lives in `dnssd/`.
 *
 * @module
 */
import { parseError } from "../_parse_failure.ts";
import { Limits } from "../constants.ts";
import type { RdataCodec } from "./rdata_codec.ts";

/**
 * Codec for TXT rdata. Decoded strings are views into the packet.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { txtCodec } from "./txt.ts";
 * const strings = txtCodec.decode(new Uint8Array([3, 97, 61, 49]), 0, 4);
 * assert.equal(new TextDecoder().decode(strings[0]), "a=1");
 * ```
 */
export const txtCodec: RdataCodec<Uint8Array[]> = {
  nameAt: -1, // no name inside
  decode(packet, offset, length) {
    const strings: Uint8Array[] = [];
    const end = offset + length;
    let pos = offset;
    while (pos < end) {
      const len = packet[pos];
      if (pos + 1 + len > end) throw parseError("TXT string runs past its rdata", pos);
      // The constructor skips subarray()'s species lookup, which dominated TXT decoding.
      strings.push(new Uint8Array(packet.buffer, packet.byteOffset + pos + 1, len));
      pos += 1 + len;
    }
    return strings;
  },
  check(packet, offset, length) {
    const end = offset + length;
    for (let pos = offset; pos < end; pos += 1 + packet[pos]) {
      if (pos + 1 + packet[pos] > end) {
        throw parseError("TXT string runs past its rdata", pos);
      }
    }
  },
  encode(sink, data) {
    for (const s of data) {
      if (s.length > Limits.STRING_BYTES) {
        throw new RangeError(`Cannot encode TXT string: ${s.length} bytes, at most 255`);
      }
      sink.u8(s.length);
      sink.bytes(s);
    }
  },
};
