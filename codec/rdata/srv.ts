/**
 * SRV rdata (RFC 2782): priority, weight, port and target host. mDNS compresses
 * the target (RFC 6762 §18.14), unlike unicast DNS.
 *
 * @module
 */
import { parseError } from "../_parse_failure.ts";
import { checkName, readName, skipName } from "../name_reader.ts";
import type { RdataCodec } from "./rdata_codec.ts";

/** RFC 2782: priority, weight and port (16 bits each) come before the target. */
export const SRV_FIXED_BYTES = 6;

function checkLength(offset: number, length: number): void {
  // The target is at least the root's one zero byte.
  if (length < SRV_FIXED_BYTES + 1) {
    throw parseError(`SRV rdata of ${length} bytes is too short`, offset);
  }
}

/**
 * SRV rdata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SrvData } from "./srv.ts";
 * const srv: SrvData = { priority: 0, weight: 0, port: 8080, target: "host.local" };
 * assert.equal(srv.port, 8080);
 * ```
 */
export interface SrvData {
  /** Lower is preferred. */
  priority: number;
  /** Relative weight among targets of equal priority. */
  weight: number;
  /** TCP or UDP port of the service. */
  port: number;
  /** Host name that carries the A/AAAA records. */
  target: string;
}

/**
 * Codec for SRV rdata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { srvCodec } from "./srv.ts";
 * import { encodeName } from "../name_parser.ts";
 * const rdata = new Uint8Array([0, 0, 0, 0, 0x1f, 0x90, ...encodeName("h.local")]);
 * assert.equal(srvCodec.decode(rdata, 0, rdata.length).port, 8080);
 * ```
 */
export const srvCodec: RdataCodec<SrvData> = {
  nameAt: SRV_FIXED_BYTES, // the target follows priority, weight and port
  decode(packet, offset, length, memo) {
    checkLength(offset, length);
    const end = skipName(packet, offset + 6);
    if (end !== offset + length) {
      throw parseError("target does not fill SRV rdata", offset + 6);
    }
    return {
      priority: (packet[offset] << 8) | packet[offset + 1],
      weight: (packet[offset + 2] << 8) | packet[offset + 3],
      port: (packet[offset + 4] << 8) | packet[offset + 5],
      target: readName(packet, offset + 6, memo),
    };
  },
  check(packet, offset, length, floor) {
    checkLength(offset, length);
    if (checkName(packet, offset + SRV_FIXED_BYTES, floor) !== offset + length) {
      throw parseError("target does not fill SRV rdata", offset + SRV_FIXED_BYTES);
    }
  },
  encode(sink, data, compressNames) {
    sink.u16(data.priority);
    sink.u16(data.weight);
    sink.u16(data.port);
    sink.name(data.target, compressNames);
  },
};
