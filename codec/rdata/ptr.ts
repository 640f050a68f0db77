/**
 * PTR rdata: one domain name (RFC 1035 §3.3.12), compressed in mDNS
 * (RFC 6762 §18.14).
 *
 * @module
 */
import { parseError } from "../_parse_failure.ts";
import { checkName, readName, skipName } from "../name_reader.ts";
import type { RdataCodec } from "./rdata_codec.ts";

/**
 * Codec for PTR (and, with the same shape, CNAME and NS) rdata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ptrCodec } from "./ptr.ts";
 * import { encodeName } from "../name_parser.ts";
 * const wire = encodeName("a._http._tcp.local");
 * assert.equal(ptrCodec.decode(wire, 0, wire.length), "a._http._tcp.local");
 * ```
 */
export const ptrCodec: RdataCodec<string> = {
  nameAt: 0, // the rdata starts with the name
  decode(packet, offset, length, memo) {
    const end = skipName(packet, offset);
    if (end !== offset + length) throw parseError("name does not fill PTR rdata", offset);
    return readName(packet, offset, memo);
  },
  check(packet, offset, length, floor) {
    if (checkName(packet, offset, floor) !== offset + length) {
      throw parseError("name does not fill PTR rdata", offset);
    }
  },
  encode(sink, data, compressNames) {
    sink.name(data, compressNames);
  },
};
