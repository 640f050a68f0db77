/**
 * One label in presentation form: labels are joined by dots, so a dot or a
 * backslash inside a label is escaped (`\.`, `\\`), and bytes that are not
 * printable are written `\DDD` (decimal). An instance name such as
 * `Printer 2.0` survives a round trip as `Printer 2\.0`.
 *
 * @module
 */

import { Limits } from "./constants.ts";

/**
 * Converts one label's bytes to presentation form: UTF-8 text with `.` and `\`
 * escaped, and control characters (or bytes that are not UTF-8) as `\DDD`.
 *
 * @example A label with a dot
 * ```ts
 * import assert from "node:assert/strict";
 * import { labelToString } from "./label_text.ts";
 * assert.equal(labelToString(new TextEncoder().encode("v2.0"), 0, 4), "v2\\.0");
 * ```
 */
export function labelToString(
  bytes: Uint8Array,
  start: number,
  length: number,
  withDot = false,
): string {
  const units = withDot ? CODE_UNITS_DOT[length] : CODE_UNITS[length];
  for (let i = 0; i < length; i++) {
    const b = bytes[start + i];
    if (b < 0x20 || b >= 0x7f || b === 0x2e || b === 0x5c) {
      const text = escapedLabel(bytes, start, length);
      return withDot ? text + "." : text;
    }
    units[i] = b;
  }
  // One pre-sized array per length: apply() on it beats concatenation and
  // TextDecoder several times over for labels this short.
  return String.fromCharCode.apply(null, units);
}

const CODE_UNITS: number[][] = Array.from(
  { length: Limits.LABEL_BYTES + 1 },
  (_, n) => new Array<number>(n).fill(0),
);
const CODE_UNITS_DOT: number[][] = Array.from(
  { length: Limits.LABEL_BYTES + 1 },
  (_, n) => [...new Array<number>(n).fill(0), 0x2e],
);

function escapedLabel(bytes: Uint8Array, start: number, length: number): string {
  const end = start + length;
  let out = "";
  // Decode UTF-8 by hand (TextDecoder costs ~300 ns a call); on the first
  // invalid sequence fall back to escaping bytes so the label still round-trips.
  for (let i = start; i < end;) {
    const b = bytes[i];
    let cp = -1, size = 1;
    if (b < 0x80) cp = b;
    else if (b >= 0xc2 && b <= 0xdf) [cp, size] = [b & 0x1f, 2];
    else if (b >= 0xe0 && b <= 0xef) [cp, size] = [b & 0x0f, 3];
    else if (b >= 0xf0 && b <= 0xf4) [cp, size] = [b & 0x07, 4];
    if (cp < 0 || i + size > end) return escapedBytes(bytes, start, end);
    for (let k = 1; k < size; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return escapedBytes(bytes, start, end);
      cp = (cp << 6) | (c & 0x3f);
    }
    if (
      (size === 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (size === 4 && (cp < 0x10000 || cp > 0x10ffff))
    ) {
      return escapedBytes(bytes, start, end);
    }
    if (cp === 0x2e || cp === 0x5c) out += "\\" + String.fromCharCode(cp);
    else if (cp < 0x20 || cp === 0x7f) out += "\\" + String(cp).padStart(3, "0");
    else out += String.fromCodePoint(cp);
    i += size;
  }
  return out;
}

/** Escapes a label that is not UTF-8: printable ASCII kept, other bytes as \DDD. */
function escapedBytes(bytes: Uint8Array, start: number, end: number): string {
  let out = "";
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b === 0x2e || b === 0x5c) out += "\\" + String.fromCharCode(b);
    else if (b < 0x20 || b >= 0x7f) out += "\\" + String(b).padStart(3, "0");
    else out += String.fromCharCode(b);
  }
  return out;
}

/**
 * Joins unescaped labels into a presentation name, escaping dots, backslashes
 * and control characters in each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinLabels } from "./label_text.ts";
 * const name = joinLabels(["Printer 2.0", "_ipp", "_tcp", "local"]);
 * assert.equal(name, "Printer 2\\.0._ipp._tcp.local");
 * ```
 */
export function joinLabels(labels: readonly string[]): string {
  return labels.map(escapeLabel).join(".");
}

/**
 * Escapes one label's text for presentation form.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeLabel } from "./label_text.ts";
 * assert.equal(escapeLabel("a.b\\c"), "a\\.b\\\\c");
 * ```
 */
export function escapeLabel(label: string): string {
  let out = "";
  for (const ch of label) {
    const c = ch.codePointAt(0)!;
    if (c === 0x2e || c === 0x5c) out += "\\" + ch;
    else if (c < 0x20 || c === 0x7f) out += "\\" + String(c).padStart(3, "0");
    else out += ch;
  }
  return out;
}
