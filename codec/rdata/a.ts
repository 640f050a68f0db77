/**
 * A rdata: one IPv4 address (RFC 1035 §3.4.1), as dotted-quad text.
 *
 * @module
 */
import { DnsParseError } from "../errors.ts";
import { formatIPv4, parseIPv4 } from "../ip.ts";
import type { RdataCodec } from "./rdata_codec.ts";

const buf = new Uint8Array(4);

/**
 * Codec for A rdata.
 *
 * @example
 * ```ts
 * import { aCodec } from "./a.ts";
 * console.log(aCodec.decode(new Uint8Array([198, 18, 0, 1]), 0, 4, 0)); // 198.18.0.1
 * ```
 */
export const aCodec: RdataCodec<string> = {
  decode(packet, offset, length) {
    if (length !== 4) throw new DnsParseError(`A rdata of ${length} bytes, expected 4`, offset);
    return formatIPv4(packet, offset);
  },
  encode(sink, data) {
    sink.bytes(parseIPv4(data, buf));
  },
};
