/**
 * Presentation names (`My\.Printer._ipp._tcp.local`; the root is the empty
 * string) parsed into wire form, with the shared suffix nodes the
 * writer compresses through; and the keys names are filed under.
 *
 * @module
 */

import { Limits } from "./constants.ts";

/**
 * One suffix of a parsed name, shared by every parsed name that ends in it, so
 * a writer can remember where it wrote a suffix by marking the node itself:
 * a compression lookup is a field read, not a hash-table probe.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NameTable } from "./name_parser.ts";
 * const table = new NameTable();
 * const a = table.parse("a._http._tcp.local"), b = table.parse("b._http._tcp.local");
 * assert.equal(a.nodes[1], b.nodes[1]); // one node for "_http._tcp.local"
 * ```
 */
export interface SuffixNode {
  /** Presentation text of the suffix. */
  readonly text: string;
  /** Message stamp of the writer that last wrote this suffix (see `MessageWriter`). */
  stamp: number;
  /** Offset at which that writer wrote it. */
  offset: number;
}

/**
 * A presentation name parsed once into wire form, with what the writer needs
 * to compress it: where each label starts and the shared node of each suffix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseName, type ParsedName } from "./name_parser.ts";
 * const n: ParsedName = parseName("a.local");
 * assert.equal(n.wire.length, 9);
 * ```
 */
export interface ParsedName {
  /** Uncompressed wire form, ending with the zero byte. */
  readonly wire: Uint8Array;
  /** Offset in `wire` of each label's length byte, outermost first. */
  readonly labelStarts: readonly number[];
  /** Presentation text of the suffix that starts at each label. */
  readonly suffixes: readonly string[];
  /** The shared node of the suffix that starts at each label. */
  readonly nodes: readonly SuffixNode[];
}

/** Bound on a table's cached names and suffix nodes; both start over when full. */
const PARSED_CACHE_LIMIT = 4096;
/** Scratch for one name being parsed (never holds anything between calls). */
const scratch = new Uint8Array(Limits.NAME_BYTES + 64);

/**
 * Parses a presentation name (escapes `\.`, `\\`, `\DDD`; an optional trailing
 * dot) into wire form, uncached: each call builds fresh suffix nodes. A
 * writer parses through its own {@linkcode NameTable}, which caches.
 *
 * @throws {RangeError} When a label is over 63 bytes or the name over 255.
 * @throws {TypeError} When the name has an empty label or a bad escape.
 *
 * @example Labels and suffixes
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseName } from "./name_parser.ts";
 * const n = parseName("My\\.Printer._ipp._tcp.local");
 * assert.equal(n.suffixes[1], "_ipp._tcp.local");
 * ```
 */
export function parseName(name: string): ParsedName {
  return parseUncached(name, freshNode);
}

function freshNode(text: string): SuffixNode {
  return { text, stamp: 0, offset: 0 };
}

/**
 * A writer's cache of parsed names and their shared suffix nodes, so names
 * it sends again and again are parsed once and a compression lookup is a
 * field read on the node. Bounded: both tables start over past
 * 4096 entries, checked between messages ({@linkcode NameTable.trim}).
 *
 * @example Two names share the node of their common suffix
 * ```ts
 * import assert from "node:assert/strict";
 * import { NameTable } from "./name_parser.ts";
 * const table = new NameTable();
 * const a = table.parse("a._http._tcp.local"), b = table.parse("b._http._tcp.local");
 * assert.equal(a.nodes[1], b.nodes[1]); // one node for "_http._tcp.local"
 * assert.equal(table.parse("a._http._tcp.local"), a); // parsed once
 * ```
 */
export class NameTable {
  #parsed = new Map<string, ParsedName>();
  #nodes = new Map<string, SuffixNode>();
  #node = (text: string): SuffixNode => {
    let node = this.#nodes.get(text);
    if (node === undefined) {
      node = { text, stamp: 0, offset: 0 };
      this.#nodes.set(text, node);
    }
    return node;
  };

  /**
   * {@linkcode parseName}, cached, with suffix nodes shared by every name of
   * this table.
   *
   * @throws {RangeError | TypeError} As {@linkcode parseName}.
   */
  parse(name: string): ParsedName {
    const cached = this.#parsed.get(name);
    if (cached !== undefined) return cached;
    // A hard cap in case a single message names more than the bound.
    if (this.#parsed.size >= 4 * PARSED_CACHE_LIMIT) this.#clear();
    const parsed = parseUncached(name, this.#node);
    this.#parsed.set(name, parsed);
    return parsed;
  }

  /**
   * Starts over when the tables have grown past their bound. The writer calls
   * it between messages, never during one, so every name of a message shares
   * the same suffix nodes and the same message always compresses the same way.
   */
  trim(): void {
    if (this.#parsed.size >= PARSED_CACHE_LIMIT || this.#nodes.size >= PARSED_CACHE_LIMIT) {
      this.#clear();
    }
  }

  #clear(): void {
    this.#parsed.clear();
    this.#nodes.clear();
  }
}

function parseUncached(input: string, node: (text: string) => SuffixNode): ParsedName {
  let name = input;
  if (name === "." || name === "") {
    return { wire: new Uint8Array(1), labelStarts: [], suffixes: [], nodes: [] };
  }
  if (name.endsWith(".") && !endsWithEscapedDot(name)) name = name.slice(0, -1);
  const labelStarts: number[] = [];
  const suffixes: string[] = [];
  let w = 0; // write position in scratch
  let labelStart = 0; // position of the current label's length byte
  let textStart = 0; // index in `name` where the current label begins
  const closeLabel = (at: number) => {
    const len = w - labelStart - 1;
    if (len === 0) throw new TypeError(`Cannot encode name "${input}": empty label at index ${at}`);
    if (len > Limits.LABEL_BYTES) {
      throw new RangeError(`Cannot encode name "${input}": label longer than 63 bytes (${len})`);
    }
    scratch[labelStart] = len;
    labelStarts.push(labelStart);
    suffixes.push(name.slice(textStart));
  };
  const put = (b: number) => {
    if (w >= Limits.NAME_BYTES) {
      throw new RangeError(`Cannot encode name "${input}": longer than 255 bytes`);
    }
    scratch[w++] = b;
  };
  put(0); // length byte of the first label, patched by closeLabel
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c === 0x2e) {
      closeLabel(i);
      labelStart = w;
      textStart = i + 1;
      put(0);
      continue;
    }
    if (c === 0x5c) {
      const d = name.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(d)) {
        const v = Number(d);
        if (v > 255) throw new TypeError(`Cannot encode name "${input}": escape \\${d} over 255`);
        put(v);
        i += 3;
        continue;
      }
      if (i + 1 >= name.length) {
        throw new TypeError(`Cannot encode name "${input}": dangling backslash`);
      }
      c = name.charCodeAt(++i);
      if (c >= 0x30 && c <= 0x39) {
        throw new TypeError(`Cannot encode name "${input}": \\DDD escape needs three digits`);
      }
    }
    if (c < 0x80) {
      put(c);
    } else if (c < 0x800) {
      put(0xc0 | (c >> 6));
      put(0x80 | (c & 0x3f));
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < name.length) {
      const cp = ((c - 0xd800) << 10) + (name.charCodeAt(++i) - 0xdc00) + 0x10000;
      put(0xf0 | (cp >> 18));
      put(0x80 | ((cp >> 12) & 0x3f));
      put(0x80 | ((cp >> 6) & 0x3f));
      put(0x80 | (cp & 0x3f));
    } else {
      put(0xe0 | (c >> 12));
      put(0x80 | ((c >> 6) & 0x3f));
      put(0x80 | (c & 0x3f));
    }
  }
  closeLabel(name.length);
  put(0);
  return { wire: scratch.slice(0, w), labelStarts, suffixes, nodes: suffixes.map(node) };
}

function endsWithEscapedDot(name: string): boolean {
  let backslashes = 0;
  for (let i = name.length - 2; i >= 0 && name.charCodeAt(i) === 0x5c; i--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * Encodes a presentation name as uncompressed wire bytes.
 *
 * @throws {RangeError} When a label is over 63 bytes or the name over 255.
 * @throws {TypeError} When the name has an empty label or a bad escape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeName } from "./name_parser.ts";
 * assert.deepEqual([...encodeName("a.local")], [1, 97, 5, 108, 111, 99, 97, 108, 0]);
 * ```
 */
export function encodeName(name: string): Uint8Array {
  return parseName(name).wire;
}

/**
 * Splits a presentation name into its labels, unescaped (so `My\.Printer.local`
 * gives `["My.Printer", "local"]`).
 *
 * @throws {RangeError | TypeError} As {@linkcode parseName}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitName } from "./name_parser.ts";
 * assert.deepEqual(splitName("My\\.Printer._ipp._tcp.local"), ["My.Printer", "_ipp", "_tcp", "local"]);
 * ```
 */
export function splitName(name: string): string[] {
  const { wire, labelStarts } = parseName(name);
  return labelStarts.map((at) => labelDecoder.decode(wire.subarray(at + 1, at + 1 + wire[at])));
}

const labelDecoder = new TextDecoder();

/**
 * The key under which a name is filed and compared, the library's only one:
 * ASCII letters lowered and nothing else touched (RFC 6762 §16: "other
 * characters are compared bytewise"), and no trailing dot. Caches, lookups and
 * the responder all key names with it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nameKey } from "./name_parser.ts";
 * assert.equal(nameKey("Küchen._HTTP._tcp.local."), "küchen._http._tcp.local");
 * assert.notEqual(nameKey("ÄB.local"), nameKey("äb.local"));
 * ```
 */
export function nameKey(name: string): string {
  // The common case, an ASCII name without a trailing dot, in one pass:
  // toLowerCase() is exact for ASCII and ten times faster than a replace().
  let upper = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x80) return foldAsciiCase(withoutTrailingDot(name));
    if (c >= 0x41 && c <= 0x5a) upper = true;
  }
  if (name.charCodeAt(name.length - 1) === 0x2e) {
    const n = withoutTrailingDot(name);
    return upper ? n.toLowerCase() : n;
  }
  return upper ? name.toLowerCase() : name;
}

function withoutTrailingDot(name: string): string {
  return name.endsWith(".") && !endsWithEscapedDot(name) ? name.slice(0, -1) : name;
}

/**
 * Lowers ASCII letters only, leaving every other character as it is: the case
 * folding of RFC 6762 §16, for text that is not a presentation name (a name's
 * wire bytes held as a binary string, for instance). Names take
 * {@linkcode nameKey}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldAsciiCase } from "./name_parser.ts";
 * assert.equal(foldAsciiCase("\x01ÄB\x05LOCAL"), "\x01Äb\x05local");
 * ```
 */
export function foldAsciiCase(text: string): string {
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : text;
}

/**
 * {@linkcode foldAsciiCase} on bytes, in place: lowers the ASCII letters in
 * `bytes[start, end)`. A name's length bytes (at most 63) are never letters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldAsciiBytes } from "./name_parser.ts";
 * const wire = new Uint8Array([2, 0x41, 0xc4, 0]); // "A" then a non-ASCII byte
 * foldAsciiBytes(wire);
 * assert.deepEqual([...wire], [2, 0x61, 0xc4, 0]);
 * ```
 */
export function foldAsciiBytes(bytes: Uint8Array, start = 0, end: number = bytes.length): void {
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b >= 0x41 && b <= 0x5a) bytes[i] = b | 0x20;
  }
}
