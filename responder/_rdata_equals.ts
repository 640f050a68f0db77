/**
 * Rdata equality for the responder's conflict and known-answer checks.
 *
 * TODO(lead): replace with the codec's `rdataEquals(type, a, b)` from the seams
 * branch once it lands; this file is the only caller-facing copy.
 *
 * @module
 */

import { hasNameInRdata, RecordType } from "../codec/mod.ts";

/**
 * True when two canonical (uncompressed) rdata of `type` are the same: names
 * inside rdata compare case-insensitively (RFC 6762 §16), the rest byte for byte.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rdataEquals } from "./_rdata_equals.ts";
 * const a = new Uint8Array([1, 0x41, 0]);
 * const b = new Uint8Array([1, 0x61, 0]);
 * assert.equal(rdataEquals(12, a, b), true);
 * assert.equal(rdataEquals(16, a, b), false);
 * ```
 */
export function rdataEquals(type: number, a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (!hasNameInRdata(type)) return sameBytes(a, b, 0, a.length);
  const start = type === RecordType.SRV ? 6 : 0;
  if (!sameBytes(a, b, 0, start)) return false;
  let i = start;
  while (i < a.length) {
    const len = a[i];
    if (len !== b[i]) return false;
    i++;
    if (len === 0) break;
    for (const end = i + len; i < end && i < a.length; i++) {
      if (fold(a[i]) !== fold(b[i])) return false;
    }
  }
  return sameBytes(a, b, i, a.length);
}

function sameBytes(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (a[i] !== b[i]) return false;
  return true;
}

function fold(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
}
