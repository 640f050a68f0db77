/**
 * DNS-SD TXT attributes (RFC 6763 §6), bytes first.
 *
 * A key is in one of four states: absent; present as a boolean (`passreq`, no
 * `=`); present with an empty value (`PlugIns=`); present with a value, which is
 * opaque bytes (`key=value`, RFC 6763 §6.5). {@linkcode TxtAttributes.get}
 * gives `undefined`, `true`, an empty `Uint8Array` and the bytes respectively.
 *
 * Encoding is strict (RFC 6763 §6.4: keys are 1+ printable ASCII characters
 * without `=`, no key twice even in another case; every string at most 255
 * bytes), keeps the caller's order (so `txtvers` can go first, §6.7), and never
 * produces an empty TXT: no attributes encode as one empty string, the single
 * zero byte of §6.1. Decoding is lenient: empty strings and strings starting
 * with `=` are skipped, and the first occurrence of a key wins (§6.4).
 *
 * @module
 */

import { Limits } from "../codec/mod.ts";

/**
 * A decoded value: the bytes after the first `=`, or `true` for a boolean key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TxtAttributes, type TxtValue } from "./txt.ts";
 * const txt = TxtAttributes.from({ paper: "A4", passreq: true });
 * const paper: TxtValue | undefined = txt.get("paper");
 * assert.deepEqual(paper, new TextEncoder().encode("A4"));
 * assert.equal(txt.get("passreq"), true);
 * ```
 */
export type TxtValue = Uint8Array | true;

/**
 * A value when building TXT attributes: a string (UTF-8) or bytes give
 * `key=value` (`""` gives `key=`); `true` or `null` give a boolean `key`;
 * `false` or `undefined` leave the key out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeTxt, type TxtInputValue } from "./txt.ts";
 * const values: [string, TxtInputValue][] = [
 *   ["a", "1"], ["b", ""], ["c", true], ["d", null], ["e", false], ["f", undefined],
 * ];
 * const strings = encodeTxt(values).map((s) => new TextDecoder().decode(s));
 * assert.deepEqual(strings, ["a=1", "b=", "c", "d"]);
 * ```
 */
export type TxtInputValue = string | Uint8Array | boolean | null | undefined;

/**
 * Attributes as a plain object, a `Map`, pairs in order, or an existing
 * {@linkcode TxtAttributes}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TxtAttributes, type TxtInput } from "./txt.ts";
 * const inputs: TxtInput[] = [{ paper: "A4" }, new Map([["paper", "A4"]]), [["paper", "A4"]]];
 * const [a, b, c] = inputs.map((input) => TxtAttributes.from(input));
 * assert.ok(a.equals(b));
 * assert.ok(a.equals(c));
 * ```
 */
export type TxtInput =
  | Readonly<Record<string, TxtInputValue>>
  | ReadonlyMap<string, TxtInputValue>
  | Iterable<readonly [string, TxtInputValue]>
  | TxtAttributes;

/**
 * RFC 1035 §3.3 / RFC 6763 §6.1: each TXT string is at most 255 bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeTxt, TXT_STRING_MAX_BYTES } from "./txt.ts";
 * const value = "x".repeat(TXT_STRING_MAX_BYTES - 2); // "k=" and the value fill one string
 * assert.equal(encodeTxt({ k: value })[0].length, 255);
 * assert.throws(() => encodeTxt({ k: value + "x" }), RangeError);
 * ```
 */
export const TXT_STRING_MAX_BYTES: number = Limits.STRING_BYTES;
/**
 * RFC 6763 §6.4: keys SHOULD be no more than nine characters (advice; not enforced).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeTxt, TXT_KEY_RECOMMENDED_MAX_CHARS } from "./txt.ts";
 * const key = "printer-location";
 * const strings = encodeTxt({ [key]: "Office" }); // accepted all the same
 * assert.ok(key.length > TXT_KEY_RECOMMENDED_MAX_CHARS);
 * assert.equal(strings.length, 1);
 * ```
 */
export const TXT_KEY_RECOMMENDED_MAX_CHARS = 9;
/**
 * RFC 6763 §6.2: over 1300 bytes a TXT record is NOT RECOMMENDED (advice; not enforced).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeTxt, TXT_RECOMMENDED_MAX_BYTES } from "./txt.ts";
 * const strings = encodeTxt({ txtvers: "1", note: "x".repeat(200) });
 * const rdataBytes = strings.reduce((n, s) => n + 1 + s.length, 0);
 * assert.equal(rdataBytes, 216);
 * assert.ok(rdataBytes <= TXT_RECOMMENDED_MAX_BYTES);
 * ```
 */
export const TXT_RECOMMENDED_MAX_BYTES = 1300;

const EQUALS = 0x3d;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * One stored attribute: the key in the case given, and its value (internal).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TxtAttributes } from "./txt.ts";
 * // Entries are internal; iterating the attributes yields each one as a pair.
 * const pairs = [...TxtAttributes.from({ paper: "A4", passreq: true })];
 * assert.deepEqual(pairs, [["paper", new TextEncoder().encode("A4")], ["passreq", true]]);
 * ```
 */
interface Entry {
  readonly key: string;
  readonly value: TxtValue;
}

/**
 * A read-only set of TXT attributes with case-insensitive keys.
 *
 * @example Building, encoding and reading back
 * ```ts
 * import assert from "node:assert/strict";
 * import { TxtAttributes } from "./txt.ts";
 * const txt = TxtAttributes.from({ txtvers: "1", passreq: true, PlugIns: "" });
 * const back = TxtAttributes.decode(txt.encode());
 * assert.equal(back.getString("TXTVERS"), "1");
 * assert.equal(back.get("passreq"), true);
 * assert.equal(back.getString("plugins"), "");
 * assert.equal(back.has("missing"), false);
 * ```
 */
export class TxtAttributes implements Iterable<[string, TxtValue]> {
  #entries: Entry[];
  #index: Map<string, Entry>;

  private constructor(entries: Entry[]) {
    this.#entries = entries;
    this.#index = new Map();
    for (const e of entries) {
      const k = lowerKey(e.key);
      if (!this.#index.has(k)) this.#index.set(k, e);
    }
  }

  /** No attributes (what a missing TXT, an empty TXT and a single zero byte all mean, §6.1). */
  static readonly EMPTY: TxtAttributes = new TxtAttributes([]);

  /**
   * Builds attributes from an object, `Map` or pairs, checking every rule an
   * encoder must follow (RFC 6763 §6.4, §6.1).
   *
   * @throws {TypeError} When a key is empty, holds `=` or a character outside
   * printable ASCII, appears twice (in any case), or a value has a bad type.
   * @throws {RangeError} When a `key=value` string is over 255 bytes.
   */
  static from(input: TxtInput): TxtAttributes {
    if (input instanceof TxtAttributes) return input;
    const pairs: Iterable<readonly [string, TxtInputValue]> = isPairs(input)
      ? input
      : Object.entries(input as Record<string, TxtInputValue>);
    const entries: Entry[] = [];
    const seen = new Set<string>();
    for (const [key, raw] of pairs) {
      validateKey(key);
      if (raw === undefined || raw === false) continue;
      const lower = lowerKey(key);
      // RFC 6763 §6.4: "a given key SHOULD NOT appear more than once"; refuse case variants too.
      if (seen.has(lower)) throw new TypeError(`Invalid TXT key "${key}": appears more than once`);
      seen.add(lower);
      let value: TxtValue;
      if (raw === true || raw === null) value = true;
      else if (typeof raw === "string") value = encoder.encode(raw);
      else if (raw instanceof Uint8Array) value = raw.slice();
      else {
        throw new TypeError(
          `Invalid TXT value for "${key}": expected a string, bytes, true or null`,
        );
      }
      const size = key.length + (value === true ? 0 : 1 + value.length);
      if (size > TXT_STRING_MAX_BYTES) {
        throw new RangeError(`Invalid TXT entry "${key}": ${size} bytes, at most 255`);
      }
      entries.push({ key, value });
    }
    return new TxtAttributes(entries);
  }

  /**
   * Reads TXT character-strings leniently (RFC 6763 §6.4): skips empty strings
   * and strings that start with `=`, keeps the first occurrence of each key.
   * Values are copied, so they outlive the packet.
   */
  static decode(strings: readonly Uint8Array[]): TxtAttributes {
    const entries: Entry[] = [];
    for (const s of strings) {
      if (s.length === 0 || s[0] === EQUALS) continue;
      const eq = s.indexOf(EQUALS);
      if (eq < 0) entries.push({ key: keyText(s, s.length), value: true });
      else entries.push({ key: keyText(s, eq), value: s.slice(eq + 1) });
    }
    return entries.length === 0 ? TxtAttributes.EMPTY : new TxtAttributes(entries);
  }

  /**
   * Reads TXT rdata (length-prefixed strings, as a cache keeps it). A string
   * that runs past the end is cut short rather than rejected; zero-length
   * rdata gives no attributes (§6.1).
   */
  static decodeRdata(rdata: Uint8Array): TxtAttributes {
    const strings: Uint8Array[] = [];
    let pos = 0;
    while (pos < rdata.length) {
      const len = rdata[pos];
      strings.push(rdata.subarray(pos + 1, Math.min(pos + 1 + len, rdata.length)));
      pos += 1 + len;
    }
    return TxtAttributes.decode(strings);
  }

  /** Number of distinct keys. */
  get size(): number {
    return this.#index.size;
  }

  /** True when `key` is present in any state (compared without regard to case). */
  has(key: string): boolean {
    return this.#index.has(lowerKey(key));
  }

  /** The value's bytes, `true` for a boolean key, `undefined` when absent. */
  get(key: string): TxtValue | undefined {
    return this.#index.get(lowerKey(key))?.value;
  }

  /** The value as UTF-8 text (bad bytes become U+FFFD), `true` for a boolean key. */
  getString(key: string): string | true | undefined {
    const value = this.get(key);
    return value === undefined || value === true ? value : decoder.decode(value);
  }

  /** Keys in wire order, in the case first seen. */
  keys(): string[] {
    return [...this.#index.values()].map((e) => e.key);
  }

  /** `[key, value]` pairs in wire order, first occurrence of each key only. */
  *[Symbol.iterator](): IterableIterator<[string, TxtValue]> {
    for (const e of this.#index.values()) yield [e.key, e.value];
  }

  /** Keys to text values (`true` for boolean keys), for printing and JSON. */
  toObject(): Record<string, string | true> {
    const out: Record<string, string | true> = {};
    for (const e of this.#index.values()) {
      out[e.key] = e.value === true ? true : decoder.decode(e.value);
    }
    return out;
  }

  /**
   * The TXT character-strings, one per attribute in order (`key`, `key=`,
   * `key=value`); one empty string when there are none (RFC 6763 §6.1: never
   * an empty TXT).
   */
  encode(): Uint8Array[] {
    if (this.#entries.length === 0) return [new Uint8Array(0)];
    return this.#entries.map(({ key, value }) => {
      const k = encoder.encode(key);
      if (value === true) return k;
      const out = new Uint8Array(k.length + 1 + value.length);
      out.set(k);
      out[k.length] = EQUALS;
      out.set(value, k.length + 1);
      return out;
    });
  }

  /** True when both hold the same keys (any case) with the same values. */
  equals(other: TxtAttributes): boolean {
    if (other.size !== this.size) return false;
    for (const [k, e] of this.#index) {
      const o = other.#index.get(k);
      if (o === undefined) return false;
      if (e.value === true || o.value === true) {
        if (e.value !== o.value) return false;
      } else if (!bytesEqual(e.value, o.value)) return false;
    }
    return true;
  }
}

/**
 * Encodes attributes as TXT character-strings (the `data` of a TXT record).
 *
 * @throws {TypeError | RangeError} As {@linkcode TxtAttributes.from}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeTxt } from "./txt.ts";
 * const strings = encodeTxt({ paper: "A4", passreq: true });
 * assert.deepEqual(strings.map((s) => new TextDecoder().decode(s)), ["paper=A4", "passreq"]);
 * assert.deepEqual(encodeTxt({}), [new Uint8Array(0)]);
 * ```
 */
export function encodeTxt(input: TxtInput): Uint8Array[] {
  return TxtAttributes.from(input).encode();
}

/**
 * Decodes TXT character-strings leniently (see {@linkcode TxtAttributes.decode}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeTxt } from "./txt.ts";
 * const strings = ["ci=2", "CI=3", "=ignored", ""].map((s) => new TextEncoder().encode(s));
 * assert.equal(decodeTxt(strings).getString("ci"), "2");
 * assert.equal(decodeTxt(strings).size, 1);
 * ```
 */
export function decodeTxt(strings: readonly Uint8Array[]): TxtAttributes {
  return TxtAttributes.decode(strings);
}

function isPairs(input: TxtInput): input is Iterable<readonly [string, TxtInputValue]> {
  return typeof (input as Iterable<unknown>)[Symbol.iterator] === "function";
}

function validateKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) {
    throw new TypeError(`Invalid TXT key "${key}": must be at least one character`);
  }
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    // RFC 6763 §6.4: printable US-ASCII 0x20-0x7E, excluding "=".
    if (c < 0x20 || c > 0x7e || c === EQUALS) {
      throw new TypeError(
        `Invalid TXT key "${key}": only printable ASCII other than "=" is allowed`,
      );
    }
  }
}

// RFC 6763 §6.4: keys are compared without regard to case (ASCII only).
function lowerKey(key: string): string {
  return /[A-Z]/.test(key) ? key.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : key;
}

function keyText(bytes: Uint8Array, end: number): string {
  let key = "";
  for (let i = 0; i < end; i++) {
    // Keys should be ASCII; anything else is decoded leniently rather than dropped.
    if (bytes[i] >= 0x80) return decoder.decode(bytes.subarray(0, end));
    key += String.fromCharCode(bytes[i]);
  }
  return key;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
