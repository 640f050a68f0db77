/**
 * HINFO rdata (RFC 1035 §3.3.2): CPU and OS as two character-strings.
 *
 * @module
 */
import { parseError } from "../_parse_failure.ts";
import { Limits } from "../constants.ts";
import type { RdataCodec } from "./rdata_codec.ts";

/**
 * HINFO rdata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { HinfoData } from "./hinfo.ts";
 * const h: HinfoData = { cpu: "X86_64", os: "LINUX" };
 * assert.equal(h.os, "LINUX");
 * ```
 */
export interface HinfoData {
  /** CPU type. */
  cpu: string;
  /** Operating system. */
  os: string;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Checks that the rdata is exactly two character-strings (RFC 1035 §3.3.2). */
function checkStrings(packet: Uint8Array, offset: number, length: number): void {
  const end = offset + length;
  let pos = offset;
  for (let i = 0; i < 2; i++) {
    if (pos >= end) throw parseError("HINFO rdata too short", pos);
    if (pos + 1 + packet[pos] > end) {
      throw parseError("HINFO string runs past its rdata", pos);
    }
    pos += 1 + packet[pos];
  }
  if (pos !== end) throw parseError("trailing bytes in HINFO rdata", pos);
}

/**
 * Codec for HINFO rdata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hinfoCodec } from "./hinfo.ts";
 * const rdata = new Uint8Array([1, 65, 1, 66]);
 * assert.deepEqual(hinfoCodec.decode(rdata, 0, 4), { cpu: "A", os: "B" });
 * ```
 */
export const hinfoCodec: RdataCodec<HinfoData> = {
  nameAt: -1, // no name inside
  decode(packet, offset, length) {
    checkStrings(packet, offset, length);
    const read = (pos: number): string =>
      decoder.decode(packet.subarray(pos + 1, pos + 1 + packet[pos]));
    return { cpu: read(offset), os: read(offset + 1 + packet[offset]) };
  },
  check(packet, offset, length) {
    checkStrings(packet, offset, length);
  },
  encode(sink, data) {
    for (const text of [data.cpu, data.os]) {
      const bytes = encoder.encode(text);
      if (bytes.length > Limits.STRING_BYTES) {
        throw new RangeError(`Cannot encode HINFO string: ${bytes.length} bytes, at most 255`);
      }
      sink.u8(bytes.length);
      sink.bytes(bytes);
    }
  },
};
