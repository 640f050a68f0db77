/**
 * IPv4 and IPv6 text ↔ bytes, for A and AAAA rdata. IPv6 text follows RFC 5952
 * (lower case, longest zero run as `::`).
 *
 * @module
 */

/**
 * Parses dotted-quad IPv4 text into 4 bytes.
 *
 * @throws {TypeError} When the text is not an IPv4 address.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseIPv4 } from "./ip.ts";
 * assert.deepEqual([...parseIPv4("198.18.0.1")], [198, 18, 0, 1]);
 * ```
 */
export function parseIPv4(text: string, out: Uint8Array = new Uint8Array(4), at = 0): Uint8Array {
  const bytes = tryParseIPv4(text, out, at);
  if (bytes === undefined) throw new TypeError(`Cannot parse IPv4 address: "${text}"`);
  return bytes;
}

/**
 * Like {@linkcode parseIPv4}, but returns `undefined` for text that is not an
 * IPv4 address, for paths that meet untrusted text once per packet.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tryParseIPv4 } from "./ip.ts";
 * assert.equal(tryParseIPv4("fe80::1"), undefined);
 * ```
 */
export function tryParseIPv4(
  text: string,
  out: Uint8Array = new Uint8Array(4),
  at = 0,
): Uint8Array | undefined {
  // Hand-rolled: a responder formats its own addresses into every
  // announcement, and split() plus a RegExp cost more than the rest of a record.
  let part = 0, value = 0, digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30);
      if (++digits > 3 || value > 255) return undefined;
    } else if (c === 0x2e && digits > 0 && part < 4) {
      out[at + part++] = value;
      value = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  return part === 4 ? out : undefined;
}

/**
 * Formats 4 bytes at `offset` as dotted-quad text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatIPv4 } from "./ip.ts";
 * assert.equal(formatIPv4(new Uint8Array([198, 18, 0, 1]), 0), "198.18.0.1");
 * ```
 */
export function formatIPv4(bytes: Uint8Array, offset: number): string {
  return DEC[bytes[offset]] + "." + DEC[bytes[offset + 1]] + "." + DEC[bytes[offset + 2]] + "." +
    DEC[bytes[offset + 3]];
}

/**
 * Parses IPv6 text (with `::`, and an optional trailing dotted quad) into 16
 * bytes. A `%zone` suffix is ignored.
 *
 * @throws {TypeError} When the text is not an IPv6 address.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseIPv6 } from "./ip.ts";
 * assert.equal(parseIPv6("fe80::1")[15], 1);
 * ```
 */
export function parseIPv6(text: string, out: Uint8Array = new Uint8Array(16), at = 0): Uint8Array {
  const bytes = tryParseIPv6(text, out, at);
  if (bytes === undefined) throw new TypeError(`Cannot parse IPv6 address: "${text}"`);
  return bytes;
}

/**
 * Like {@linkcode parseIPv6}, but returns `undefined` for text that is not an
 * IPv6 address.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tryParseIPv6 } from "./ip.ts";
 * assert.equal(tryParseIPv6("198.18.0.1"), undefined);
 * ```
 */
export function tryParseIPv6(
  text: string,
  out: Uint8Array = new Uint8Array(16),
  at = 0,
): Uint8Array | undefined {
  const groups = scratchGroups;
  let count = 0; // groups parsed
  let gap = -1; // index in `groups` where "::" stood
  let value = 0, digits = 0;
  let end = text.indexOf("%");
  if (end < 0) end = text.length;
  let i = 0;
  if (text.charCodeAt(0) === 0x3a) {
    if (text.charCodeAt(1) !== 0x3a) return undefined;
    gap = 0;
    i = 2;
  }
  for (; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : -1;
    const hex = c >= 0x30 && c <= 0x39
      ? c - 0x30
      : c >= 0x61 && c <= 0x66
      ? c - 0x57
      : c >= 0x41 && c <= 0x46
      ? c - 0x37
      : -1;
    if (hex >= 0) {
      value = (value << 4) | hex;
      if (++digits > 4) return undefined;
      continue;
    }
    if (c === 0x2e) {
      // Trailing dotted quad: re-read this group as IPv4.
      const start = text.lastIndexOf(":", i) + 1;
      if (count > 6) return undefined;
      if (tryParseIPv4(text.slice(start, end), v4Scratch) === undefined) return undefined;
      groups[count++] = (v4Scratch[0] << 8) | v4Scratch[1];
      groups[count++] = (v4Scratch[2] << 8) | v4Scratch[3];
      digits = 0;
      break;
    }
    if (digits === 0) {
      if (c === -1 && gap === count && count > 0) break; // "…::" at the end
      if (c === -1 && gap === 0 && count === 0) break; // "::"
      return undefined;
    }
    if (count >= 8) return undefined;
    groups[count++] = value;
    value = 0;
    digits = 0;
    if (c === 0x3a && text.charCodeAt(i + 1) === 0x3a) {
      if (gap >= 0) return undefined;
      gap = count;
      i++;
      if (i + 1 === end) break;
    } else if (c !== 0x3a && c !== -1) {
      return undefined;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return undefined;
  const zeros = 8 - count;
  for (let g = 0, src = 0; g < 8; g++) {
    const v = gap >= 0 && g >= gap && g < gap + zeros ? 0 : groups[src++];
    out[at + 2 * g] = v >> 8;
    out[at + 2 * g + 1] = v & 0xff;
  }
  return out;
}

/**
 * True for an IPv6 link-local unicast address (fe80::/10, RFC 4291 §2.5.6),
 * which is always on-link, in any spelling, with or without a `%zone`. The
 * library's only link-local test.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isIPv6LinkLocal } from "./ip.ts";
 * assert.equal(isIPv6LinkLocal("fe80::1%eth0"), true);
 * assert.equal(isIPv6LinkLocal("fd00::1"), false);
 * assert.equal(isIPv6LinkLocal("198.18.0.1"), false);
 * ```
 */
export function isIPv6LinkLocal(address: string): boolean {
  const b = tryParseIPv6(address, linkLocalScratch);
  return b !== undefined && b[0] === 0xfe && (b[1] & 0xc0) === 0x80;
}

const linkLocalScratch = new Uint8Array(16);
const scratchGroups = new Uint16Array(8);
const v4Scratch = new Uint8Array(4);

/**
 * Formats 16 bytes at `offset` as RFC 5952 IPv6 text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatIPv6, parseIPv6 } from "./ip.ts";
 * assert.equal(formatIPv6(parseIPv6("fd00:0:0:0:0:0:0:1"), 0), "fd00::1");
 * ```
 */
export function formatIPv6(bytes: Uint8Array, offset: number): string {
  // Longest run of two or more zero groups becomes "::" (RFC 5952 §4.2).
  let bestStart = -1, bestLen = 1, runStart = -1;
  for (let i = 0; i <= 8; i++) {
    const zero = i < 8 && bytes[offset + 2 * i] === 0 && bytes[offset + 2 * i + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = i;
    } else if (runStart >= 0) {
      if (i - runStart > bestLen) {
        bestStart = runStart;
        bestLen = i - runStart;
      }
      runStart = -1;
    }
  }
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += i === 0 ? "::" : ":";
      i += bestLen - 1;
      continue;
    }
    const hi = bytes[offset + 2 * i], lo = bytes[offset + 2 * i + 1];
    out += hi === 0 ? HEX[lo] : HEX[hi] + HEX_PADDED[lo];
    if (i < 7) out += ":";
  }
  return out;
}

const DEC: string[] = Array.from({ length: 256 }, (_, b) => String(b));
// Byte → hex text tables: toString(16) per group cost more than the rest of AAAA decoding.
const HEX: string[] = Array.from({ length: 256 }, (_, b) => b.toString(16));
const HEX_PADDED: string[] = HEX.map((h) => h.padStart(2, "0"));
