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
 * import assert from "node:assert/strict";
 * import { rdataCodec } from "./mod.ts";
 * import { RecordType } from "../constants.ts";
 * assert.equal(rdataCodec(RecordType.A).decode(new Uint8Array([127, 0, 0, 1]), 0, 4), "127.0.0.1");
 * ```
 */
// deno-lint-ignore no-explicit-any
export function rdataCodec(type: number): RdataCodec<any> {
  return CODECS[type] ?? unknownCodec;
}

/**
 * True when this type's rdata carries a domain name (PTR, SRV, NSEC, CNAME,
 * NS): written through the compression table (RFC 6762 §18.14) and compared
 * without regard to ASCII case (§16). Each type's file says so in `nameAt`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasNameInRdata } from "./mod.ts";
 * assert.equal(hasNameInRdata(33), true); // SRV
 * assert.equal(hasNameInRdata(16), false); // TXT
 * ```
 */
export function hasNameInRdata(type: number): boolean {
  return rdataCodec(type).nameAt >= 0;
}

/**
 * Offset of the domain name inside this type's rdata (0 for PTR, CNAME, NS
 * and NSEC, 6 for SRV), or -1 when the type carries none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rdataNameOffset } from "./mod.ts";
 * assert.equal(rdataNameOffset(33), 6);
 * assert.equal(rdataNameOffset(1), -1);
 * ```
 */
export function rdataNameOffset(type: number): number {
  return rdataCodec(type).nameAt;
}
