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
 * import { parseIPv4 } from "./ip.ts";
 * console.log(parseIPv4("198.18.0.1")); // Uint8Array(4) [198, 18, 0, 1]
 * ```
 */
export function parseIPv4(text: string, out: Uint8Array = new Uint8Array(4), at = 0): Uint8Array {
  const parts = text.split(".");
  if (parts.length !== 4) throw new TypeError(`Cannot parse IPv4 address: "${text}"`);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > 255) {
      throw new TypeError(`Cannot parse IPv4 address: "${text}"`);
    }
    out[at + i] = Number(p);
  }
  return out;
}

/**
 * Formats 4 bytes at `offset` as dotted-quad text.
 *
 * @example
 * ```ts
 * import { formatIPv4 } from "./ip.ts";
 * console.log(formatIPv4(new Uint8Array([198, 18, 0, 1]), 0)); // 198.18.0.1
 * ```
 */
export function formatIPv4(bytes: Uint8Array, offset: number): string {
  return bytes[offset] + "." + bytes[offset + 1] + "." + bytes[offset + 2] + "." +
    bytes[offset + 3];
}

/**
 * Parses IPv6 text (with `::`, and an optional trailing dotted quad) into 16
 * bytes. A `%zone` suffix is ignored.
 *
 * @throws {TypeError} When the text is not an IPv6 address.
 *
 * @example
 * ```ts
 * import { parseIPv6 } from "./ip.ts";
 * console.log(parseIPv6("fe80::1")[15]); // 1
 * ```
 */
export function parseIPv6(text: string, out: Uint8Array = new Uint8Array(16), at = 0): Uint8Array {
  const bad = () => new TypeError(`Cannot parse IPv6 address: "${text}"`);
  let s = text;
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  const groups: number[] = [];
  let gap = -1;
  const halves = s.split("::");
  if (halves.length > 2) throw bad();
  const parseHalf = (half: string, allowV4: boolean): number[] => {
    if (half === "") return [];
    const result: number[] = [];
    const parts = half.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (allowV4 && i === parts.length - 1 && p.includes(".")) {
        const v4 = parseIPv4(p);
        result.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) throw bad();
        result.push(parseInt(p, 16));
      }
    }
    return result;
  };
  if (halves.length === 2) {
    const head = parseHalf(halves[0], false);
    const tail = parseHalf(halves[1], true);
    if (head.length + tail.length > 7) throw bad();
    gap = head.length;
    groups.push(...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail);
  } else {
    groups.push(...parseHalf(s, true));
  }
  if (groups.length !== 8 || (gap < 0 && s.includes("::"))) throw bad();
  for (let i = 0; i < 8; i++) {
    out[at + 2 * i] = groups[i] >> 8;
    out[at + 2 * i + 1] = groups[i] & 0xff;
  }
  return out;
}

/**
 * Formats 16 bytes at `offset` as RFC 5952 IPv6 text.
 *
 * @example
 * ```ts
 * import { formatIPv6, parseIPv6 } from "./ip.ts";
 * console.log(formatIPv6(parseIPv6("fd00:0:0:0:0:0:0:1"), 0)); // fd00::1
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
    out += ((bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1]).toString(16);
    if (i < 7) out += ":";
  }
  return out;
}
