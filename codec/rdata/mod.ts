/**
 * The table from record type to rdata codec. Dispatch goes through this table,
 * never through import side effects; types not in it are opaque bytes.
 *
 * @module
 */
import { RecordType } from "../constants.ts";
import { aCodec } from "./a.ts";
import { aaaaCodec } from "./aaaa.ts";
import { hinfoCodec } from "./hinfo.ts";
import { nsecCodec } from "./nsec.ts";
import { ptrCodec } from "./ptr.ts";
import type { RdataCodec } from "./rdata_codec.ts";
import { srvCodec } from "./srv.ts";
import { txtCodec } from "./txt.ts";
import { unknownCodec } from "./unknown.ts";

export type { RdataCodec, RdataSink } from "./rdata_codec.ts";
export type { SrvData } from "./srv.ts";
export type { NsecData } from "./nsec.ts";
export type { HinfoData } from "./hinfo.ts";

// Indexed by type number; holes fall back to unknownCodec. PTR's shape also
// fits CNAME and NS (one name).
// deno-lint-ignore no-explicit-any
const CODECS: RdataCodec<any>[] = [];
CODECS[RecordType.A] = aCodec;
CODECS[RecordType.NS] = ptrCodec;
CODECS[RecordType.CNAME] = ptrCodec;
CODECS[RecordType.PTR] = ptrCodec;
CODECS[RecordType.HINFO] = hinfoCodec;
CODECS[RecordType.TXT] = txtCodec;
CODECS[RecordType.AAAA] = aaaaCodec;
CODECS[RecordType.SRV] = srvCodec;
CODECS[RecordType.NSEC] = nsecCodec;

/**
 * Returns the codec for a record type: the known ones, or opaque bytes.
 *
 * @example
 * ```ts
 * import { rdataCodec } from "./mod.ts";
 * import { RecordType } from "../constants.ts";
 * console.log(rdataCodec(RecordType.A).decode(new Uint8Array([127, 0, 0, 1]), 0, 4, 0));
 * ```
 */
// deno-lint-ignore no-explicit-any
export function rdataCodec(type: number): RdataCodec<any> {
  return CODECS[type] ?? unknownCodec;
}

/**
 * True when names inside this type's rdata are written through the
 * compression table (RFC 6762 §18.14: PTR, SRV, NSEC, and the name-only types).
 *
 * @example
 * ```ts
 * import { hasNameInRdata } from "./mod.ts";
 * console.log(hasNameInRdata(33)); // true
 * ```
 */
export function hasNameInRdata(type: number): boolean {
  return type === RecordType.PTR || type === RecordType.SRV || type === RecordType.NSEC ||
    type === RecordType.CNAME || type === RecordType.NS;
}
