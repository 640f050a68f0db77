/**
 * HINFO rdata (RFC 1035 §3.3.2): CPU and OS as two character-strings.
 *
 * @module
 */
import { DnsParseError } from "../errors.ts";
import { Limits } from "../constants.ts";
import type { RdataCodec } from "./rdata_codec.ts";

/**
 * HINFO rdata.
 *
 * @example
 * ```ts
 * import type { HinfoData } from "./hinfo.ts";
 * const h: HinfoData = { cpu: "X86_64", os: "LINUX" };
 * console.log(h.os);
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

/**
 * Codec for HINFO rdata.
 *
 * @example
 * ```ts
 * import { hinfoCodec } from "./hinfo.ts";
 * const rdata = new Uint8Array([1, 65, 1, 66]);
 * console.log(hinfoCodec.decode(rdata, 0, 4, 0)); // { cpu: "A", os: "B" }
 * ```
 */
export const hinfoCodec: RdataCodec<HinfoData> = {
  decode(packet, offset, length) {
    const end = offset + length;
    const read = (pos: number): string => {
      if (pos >= end) throw new DnsParseError("HINFO rdata too short", pos);
      const len = packet[pos];
      if (pos + 1 + len > end) throw new DnsParseError("HINFO string runs past its rdata", pos);
      return decoder.decode(packet.subarray(pos + 1, pos + 1 + len));
    };
    const cpu = read(offset);
    const osAt = offset + 1 + packet[offset];
    const os = read(osAt);
    if (osAt + 1 + packet[osAt] !== end) {
      throw new DnsParseError("trailing bytes in HINFO rdata", osAt + 1 + packet[osAt]);
    }
    return { cpu, os };
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
