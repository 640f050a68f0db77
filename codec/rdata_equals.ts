/**
 * Rdata equality and canonical form: two rdata are the same when their fixed
 * fields and bytes match exactly and the name inside (PTR, SRV, NSEC, CNAME,
 * NS) matches without regard to ASCII case (RFC 6762 §16), compression
 * expanded (§18.14). The responder's known-answer suppression (§7.1) and the
 * caches compare records this way.
 *
 * @module
 */

import { copyRdata } from "./canonical.ts";
import { foldAsciiBytes } from "./name_parser.ts";
import { namesEqual, skipName } from "./name_reader.ts";
import { rdataNameOffset } from "./rdata/mod.ts";

/**
 * True when two standalone rdata of `type` (as `copyRdata` or `encodeRdata`
 * make them: names uncompressed) are the same data.
 *
 * @throws {DnsParseError} When a name inside either rdata is malformed.
 *
 * @example An SRV target differing only in case is the same record
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeRdata, RecordType, rdataEquals } from "./mod.ts";
 * const srv = (target: string, port = 80) =>
 *   encodeRdata(RecordType.SRV, { priority: 0, weight: 0, port, target });
 * assert.equal(rdataEquals(RecordType.SRV, srv("Host.local"), srv("host.LOCAL")), true);
 * assert.equal(rdataEquals(RecordType.SRV, srv("host.local"), srv("host.local", 81)), false);
 * ```
 */
export function rdataEquals(type: number, a: Uint8Array, b: Uint8Array): boolean {
  return rdataEqualsAt(type, a, 0, a.length, b, 0, b.length);
}

/**
 * {@linkcode rdataEquals} on rdata in place: each at its offset and length in
 * its own packet, names possibly compressed within it (a known answer in a
 * query against a record's canonical rdata, for instance). Builds nothing.
 *
 * @throws {DnsParseError} When a name inside either rdata is malformed.
 *
 * @example A compressed PTR in a packet against canonical rdata
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeRdata, rdataEqualsAt } from "./mod.ts";
 * // "local" at 0, then the PTR rdata at 7: "X" + pointer to 0
 * const packet = new Uint8Array([5, 108, 111, 99, 97, 108, 0, 1, 88, 0xc0, 0]);
 * const ours = encodeRdata(12, "x.local");
 * assert.equal(rdataEqualsAt(12, packet, 7, 4, ours, 0, ours.length), true);
 * ```
 */
export function rdataEqualsAt(
  type: number,
  a: Uint8Array,
  aOffset: number,
  aLength: number,
  b: Uint8Array,
  bOffset: number,
  bLength: number,
): boolean {
  const at = rdataNameOffset(type);
  if (at < 0 || aLength <= at || bLength <= at) {
    return bytesEqual(a, aOffset, aOffset + aLength, b, bOffset, bOffset + bLength);
  }
  if (!bytesEqual(a, aOffset, aOffset + at, b, bOffset, bOffset + at)) return false;
  if (!namesEqual(a, aOffset + at, b, bOffset + at)) return false;
  // What follows the name (NSEC's type bitmap) compares as bytes.
  return bytesEqual(
    a,
    skipName(a, aOffset + at),
    aOffset + aLength,
    b,
    skipName(b, bOffset + at),
    bOffset + bLength,
  );
}

/**
 * Rdata in canonical form for comparing and ordering (RFC 6762 §8.2, §18.14):
 * names inside expanded and their ASCII letters lowered, everything else as
 * it was. A copy the caller owns.
 *
 * @throws {DnsParseError} When a name inside the rdata is malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalRdata, encodeRdata } from "./mod.ts";
 * const ptr = (name: string) => encodeRdata(12, name);
 * assert.deepEqual(canonicalRdata(12, ptr("Den._HTTP._tcp.local")), ptr("den._http._tcp.local"));
 * ```
 */
export function canonicalRdata(
  type: number,
  packet: Uint8Array,
  offset = 0,
  length: number = packet.length - offset,
): Uint8Array {
  const out = copyRdata(packet, type, offset, length);
  const at = rdataNameOffset(type);
  if (at >= 0) foldAsciiBytes(out, at, skipName(out, at));
  return out;
}

function bytesEqual(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}
