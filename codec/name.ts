/**
 * Domain names on the wire and in presentation form.
 *
 * On the wire a name is a run of length-prefixed labels ending in a zero byte or
 * a compression pointer (RFC 1035 §4.1.4). Reading never allocates unless a
 * string is asked for; comparing is case-insensitive for ASCII letters only, as
 * RFC 6762 §16 says, and happens in place.
 *
 * In presentation form labels are joined by dots; a dot or backslash inside a
 * label is escaped (`\.`, `\\`), and bytes that are not printable are written
 * `\DDD` (decimal), so an instance name such as `Printer 2.0` survives a round
 * trip as `Printer 2\.0`. The root name is the empty string.
 *
 * @module
 */

import { DnsParseError } from "./errors.ts";
import { Limits } from "./constants.ts";

/** RFC 1035 §4.1.4: the two top bits of a length byte mark a pointer. */
const POINTER_MASK = 0xc0;
/**
 * Each pointer hop must add a label to stay under 255 bytes, so more hops than
 * half the name limit mean a crafted chain, not a name.
 */
const MAX_POINTER_HOPS = 127;

// Memo of decoded suffixes by packet offset, shared by every reader and stamped
// with the reader's generation so it never needs clearing. Compression points
// every name at suffixes decoded before, so a packet's names cost about one
// label conversion each.
let memoGeneration = 0;
let memoStamp = new Int32Array(0);
let memoText: string[] = [];
let memoWireLength = new Uint16Array(0);
let memoHops = new Uint8Array(0);

/**
 * Starts a new memo scope for {@linkcode readName}. A reader takes one per
 * packet; strings decoded under one scope are reused for later names in it.
 *
 * @returns A scope number to pass to {@linkcode readName}.
 *
 * @example Reading two names of one packet under one scope
 * ```ts
 * import { encodeName, newNameScope, readName } from "./name.ts";
 * const wire = encodeName("printer.local");
 * const scope = newNameScope(wire.length);
 * console.log(readName(wire, 0, scope)); // printer.local
 * ```
 */
export function newNameScope(packetLength: number): number {
  if (memoStamp.length < packetLength) {
    const size = Math.max(packetLength, 512);
    memoStamp = new Int32Array(size);
    memoText = new Array(size);
    memoWireLength = new Uint16Array(size);
    memoHops = new Uint8Array(size);
  }
  memoGeneration = (memoGeneration + 1) | 0;
  if (memoGeneration === 0) {
    memoStamp.fill(0);
    memoGeneration = 1;
  }
  return memoGeneration;
}

/**
 * Skips the name that starts at `offset` without following pointers, checking
 * only what lies in its way.
 *
 * @returns The offset just past the name.
 * @throws {DnsParseError} When a label runs past the end, a label type is
 * reserved, or a pointer does not point strictly backwards.
 *
 * @example Skipping a question name
 * ```ts
 * import { encodeName, skipName } from "./name.ts";
 * console.log(skipName(encodeName("a.local"), 0)); // 9
 * ```
 */
export function skipName(packet: Uint8Array, offset: number): number {
  let pos = offset;
  for (;;) {
    if (pos >= packet.length) throw new DnsParseError("name runs past the end", pos);
    const len = packet[pos];
    if (len === 0) return pos + 1;
    if ((len & POINTER_MASK) === POINTER_MASK) {
      if (pos + 1 >= packet.length) {
        throw new DnsParseError("compression pointer runs past the end", pos);
      }
      checkPointer(packet, pos, offset);
      return pos + 2;
    }
    if (len > Limits.LABEL_BYTES) throw new DnsParseError("label longer than 63 bytes", pos);
    if (pos + 1 + len > packet.length) throw new DnsParseError("label runs past the end", pos);
    pos += 1 + len;
    if (pos - offset > Limits.NAME_BYTES) {
      throw new DnsParseError("name longer than 255 bytes", offset);
    }
  }
}

// RFC 1035 §4.1.4 only says a pointer replaces the rest of a name. To make
// every name finite, a pointer must land strictly before the start of the run
// of labels it ends (`segmentStart`): targets then fall with every hop.
function checkPointer(packet: Uint8Array, pos: number, segmentStart: number): number {
  const target = ((packet[pos] & 0x3f) << 8) | packet[pos + 1];
  if (target === pos) throw new DnsParseError("compression pointer points to itself", pos);
  if (target > pos) {
    throw new DnsParseError(
      target >= packet.length
        ? "compression pointer past the end"
        : "compression pointer points forward",
      pos,
    );
  }
  if (target >= segmentStart) {
    throw new DnsParseError("compression pointer loops into its own name", pos);
  }
  return target;
}

/**
 * Reads the name at `offset` as a presentation string (no trailing dot),
 * following compression pointers.
 *
 * @param scope A scope from {@linkcode newNameScope} to reuse suffixes already
 * decoded from the same packet; omit it for a one-off read.
 * @throws {DnsParseError} On any malformed name: pointer loops or forward
 * pointers, labels over 63 bytes, names over 255 bytes, running past the end.
 *
 * @example Reading a compressed name
 * ```ts
 * import { readName } from "./name.ts";
 * // "local" at 0, then "a" + pointer to 0 at 7
 * const p = new Uint8Array([5, 108, 111, 99, 97, 108, 0, 1, 97, 0xc0, 0]);
 * console.log(readName(p, 7)); // a.local
 * ```
 */
export function readName(packet: Uint8Array, offset: number, scope?: number): string {
  const generation = scope ?? newNameScope(packet.length);
  if (offset < packet.length && memoStamp[offset] === generation) return memoText[offset];
  // Walk forward to the first suffix already decoded (or the end), pushing
  // each label and pointer; then build the strings back to front, memoising
  // every suffix on the way. Iterative, so a crafted name cannot exhaust the
  // call stack.
  const trail = walkTrail;
  let depth = 0;
  let pos = offset;
  let segment = offset;
  let hops = 0;
  let length = 0;
  let text: string;
  let wireLength: number;
  let tailHops: number;
  for (;;) {
    if (pos >= packet.length) throw new DnsParseError("name runs past the end", pos);
    if (memoStamp[pos] === generation) {
      text = memoText[pos];
      wireLength = memoWireLength[pos];
      tailHops = memoHops[pos];
      break;
    }
    const len = packet[pos];
    if (len === 0) {
      text = "";
      wireLength = 1;
      tailHops = 0;
      memoStamp[pos] = generation;
      memoText[pos] = text;
      memoWireLength[pos] = 1;
      memoHops[pos] = 0;
      break;
    }
    if ((len & POINTER_MASK) === POINTER_MASK) {
      if (pos + 1 >= packet.length) {
        throw new DnsParseError("compression pointer runs past the end", pos);
      }
      if (++hops > MAX_POINTER_HOPS) throw new DnsParseError("too many compression pointers", pos);
      trail[depth++] = -1 - pos; // negative: a pointer
      pos = segment = checkPointer(packet, pos, segment);
      continue;
    }
    if (len > Limits.LABEL_BYTES) throw new DnsParseError("label longer than 63 bytes", pos);
    if (pos + 1 + len > packet.length) throw new DnsParseError("label runs past the end", pos);
    length += 1 + len;
    if (length >= Limits.NAME_BYTES) throw new DnsParseError("name longer than 255 bytes", offset);
    trail[depth++] = pos;
    pos += 1 + len;
  }
  while (depth > 0) {
    const entry = trail[--depth];
    let at: number;
    if (entry < 0) {
      at = -1 - entry;
      if (++tailHops > MAX_POINTER_HOPS) {
        throw new DnsParseError("too many compression pointers", at);
      }
    } else {
      at = entry;
      const len = packet[at];
      wireLength += 1 + len;
      if (wireLength > Limits.NAME_BYTES) {
        throw new DnsParseError("name longer than 255 bytes", offset);
      }
      // The dot comes from the same fromCharCode call: one string fewer per label.
      text = text === ""
        ? labelToString(packet, at + 1, len)
        : labelToString(packet, at + 1, len, true) + text;
    }
    memoStamp[at] = generation;
    memoText[at] = text;
    memoWireLength[at] = wireLength;
    memoHops[at] = tailHops;
  }
  return text;
}

/** Labels and pointers of the name being read: at most 127 of each. */
const walkTrail = new Int32Array(2 * MAX_POINTER_HOPS + 2);

/**
 * Converts one label's bytes to presentation form: UTF-8 text with `.` and `\`
 * escaped, and control characters (or bytes that are not UTF-8) as `\DDD`.
 *
 * @example A label with a dot
 * ```ts
 * import { labelToString } from "./name.ts";
 * console.log(labelToString(new TextEncoder().encode("v2.0"), 0, 4)); // v2\.0
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
 * Compares two names on the wire, each possibly compressed within its own
 * packet, case-insensitively for ASCII letters (RFC 6762 §16). Builds no strings.
 *
 * @throws {DnsParseError} When either name is malformed.
 *
 * @example Case does not matter
 * ```ts
 * import { encodeName, namesEqual } from "./name.ts";
 * console.log(namesEqual(encodeName("Printer.local"), 0, encodeName("printer.LOCAL"), 0)); // true
 * ```
 */
export function namesEqual(
  a: Uint8Array,
  aOffset: number,
  b: Uint8Array,
  bOffset: number,
): boolean {
  const ca = new NameCursor(a, aOffset);
  const cb = new NameCursor(b, bOffset);
  for (;;) {
    const pa = ca.label(), pb = cb.label();
    const la = a[pa];
    if (la !== b[pb]) return false;
    if (la === 0) return true;
    for (let i = 1; i <= la; i++) {
      if (lowerAscii(a[pa + i]) !== lowerAscii(b[pb + i])) return false;
    }
    ca.advance();
    cb.advance();
  }
}

/**
 * Walks a name label by label, following pointers under the same rules as
 * {@linkcode readName}: bounded hops, targets before the current run, labels
 * within the packet, at most 255 bytes in all.
 */
class NameCursor {
  #packet: Uint8Array;
  #start: number;
  #pos: number;
  #segment: number;
  #hops = 0;
  #length = 0;

  constructor(packet: Uint8Array, offset: number) {
    this.#packet = packet;
    this.#start = offset;
    this.#pos = offset;
    this.#segment = offset;
  }

  /** Offset of the current label's length byte (0 byte at the end), pointers followed. */
  label(): number {
    const p = this.#packet;
    for (;;) {
      const pos = this.#pos;
      if (pos >= p.length) throw new DnsParseError("name runs past the end", pos);
      const len = p[pos];
      if ((len & POINTER_MASK) === POINTER_MASK) {
        if (pos + 1 >= p.length) {
          throw new DnsParseError("compression pointer runs past the end", pos);
        }
        if (++this.#hops > MAX_POINTER_HOPS) {
          throw new DnsParseError("too many compression pointers", pos);
        }
        this.#pos = this.#segment = checkPointer(p, pos, this.#segment);
        continue;
      }
      if (len > Limits.LABEL_BYTES) throw new DnsParseError("label longer than 63 bytes", pos);
      if (pos + 1 + len > p.length) throw new DnsParseError("label runs past the end", pos);
      if (this.#length + 1 + len > Limits.NAME_BYTES) {
        throw new DnsParseError("name longer than 255 bytes", this.#start);
      }
      return pos;
    }
  }

  /** Moves past the current label (call after {@linkcode label}). */
  advance(): void {
    const len = this.#packet[this.#pos];
    this.#length += 1 + len;
    this.#pos += 1 + len;
  }
}

function lowerAscii(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

/**
 * Copies the name at `offset` into `out` at `outOffset` with every pointer
 * expanded, which is the form caches keep (RFC 4034 §6.2 canonical form, case
 * preserved).
 *
 * @returns The offset in `out` just past the copied name.
 * @throws {DnsParseError} When the name is malformed.
 * @throws {RangeError} When `out` is too small (it never is at 255 bytes free).
 *
 * @example Expanding a compressed name
 * ```ts
 * import { copyNameExpanded } from "./name.ts";
 * const p = new Uint8Array([5, 108, 111, 99, 97, 108, 0, 1, 97, 0xc0, 0]);
 * const out = new Uint8Array(255);
 * console.log(copyNameExpanded(p, 7, out, 0)); // 9
 * ```
 */
export function copyNameExpanded(
  packet: Uint8Array,
  offset: number,
  out: Uint8Array,
  outOffset: number,
): number {
  const cursor = new NameCursor(packet, offset);
  let w = outOffset;
  for (;;) {
    const pos = cursor.label();
    const len = packet[pos];
    if (w + 1 + len > out.length) throw new RangeError("Cannot copy name: output buffer too small");
    for (let i = 0; i <= len; i++) out[w + i] = packet[pos + i];
    w += 1 + len;
    if (len === 0) return w;
    cursor.advance();
  }
}

/**
 * One suffix of a parsed name, shared by every parsed name that ends in it, so
 * a writer can remember where it wrote a suffix by marking the node itself:
 * a compression lookup is a field read, not a hash-table probe.
 *
 * @example
 * ```ts
 * import { parseName } from "./name.ts";
 * const a = parseName("a._http._tcp.local"), b = parseName("b._http._tcp.local");
 * console.log(a.nodes[1] === b.nodes[1]); // true: one node for "_http._tcp.local"
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
 * import { parseName, type ParsedName } from "./name.ts";
 * const n: ParsedName = parseName("a.local");
 * console.log(n.wire.length); // 9
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

/** Bound on cached names and suffix nodes; both tables start over when full. */
const PARSED_CACHE_LIMIT = 4096;
const parsedCache = new Map<string, ParsedName>();
const suffixNodes = new Map<string, SuffixNode>();
const scratch = new Uint8Array(Limits.NAME_BYTES + 64);

/**
 * Parses a presentation name (escapes `\.`, `\\`, `\DDD`; an optional trailing
 * dot) into wire form. Results are cached, so names a responder sends again and
 * again are parsed once.
 *
 * @throws {RangeError} When a label is over 63 bytes or the name over 255.
 * @throws {TypeError} When the name has an empty label or a bad escape.
 *
 * @example Labels and suffixes
 * ```ts
 * import { parseName } from "./name.ts";
 * const n = parseName("My\\.Printer._ipp._tcp.local");
 * console.log(n.suffixes[1]); // _ipp._tcp.local
 * ```
 */
export function parseName(name: string): ParsedName {
  const cached = parsedCache.get(name);
  if (cached !== undefined) return cached;
  // A hard cap for callers that parse without ever writing a message.
  if (parsedCache.size >= 4 * PARSED_CACHE_LIMIT) trimNameCaches();
  const parsed = parseUncached(name);
  parsedCache.set(name, parsed);
  return parsed;
}

/**
 * Starts the name caches over when they have grown past their bound. The
 * writer calls it between messages, never during one, so every name of a
 * message shares the same suffix nodes and the same message always compresses
 * the same way.
 *
 * @example
 * ```ts
 * import { trimNameCaches } from "./name.ts";
 * trimNameCaches();
 * ```
 */
export function trimNameCaches(): void {
  if (parsedCache.size < PARSED_CACHE_LIMIT && suffixNodes.size < PARSED_CACHE_LIMIT) return;
  parsedCache.clear();
  suffixNodes.clear();
}

function suffixNode(text: string): SuffixNode {
  let node = suffixNodes.get(text);
  if (node === undefined) {
    node = { text, stamp: 0, offset: 0 };
    suffixNodes.set(text, node);
  }
  return node;
}

function parseUncached(input: string): ParsedName {
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
  return { wire: scratch.slice(0, w), labelStarts, suffixes, nodes: suffixes.map(suffixNode) };
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
 * import { encodeName } from "./name.ts";
 * console.log(encodeName("a.local")); // Uint8Array(9) [1, 97, 5, 108, 111, 99, 97, 108, 0]
 * ```
 */
export function encodeName(name: string): Uint8Array {
  return parseName(name).wire.slice();
}

/**
 * Splits a presentation name into its labels, unescaped (so `My\.Printer.local`
 * gives `["My.Printer", "local"]`).
 *
 * @throws {RangeError | TypeError} As {@linkcode parseName}.
 *
 * @example
 * ```ts
 * import { splitName } from "./name.ts";
 * console.log(splitName("My\\.Printer._ipp._tcp.local")); // ["My.Printer", "_ipp", "_tcp", "local"]
 * ```
 */
export function splitName(name: string): string[] {
  const { wire, labelStarts } = parseName(name);
  return labelStarts.map((at) => labelDecoder.decode(wire.subarray(at + 1, at + 1 + wire[at])));
}

const labelDecoder = new TextDecoder();

/**
 * Joins unescaped labels into a presentation name, escaping dots, backslashes
 * and control characters in each.
 *
 * @example
 * ```ts
 * import { joinLabels } from "./name.ts";
 * console.log(joinLabels(["Printer 2.0", "_ipp", "_tcp", "local"])); // Printer 2\.0._ipp._tcp.local
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
 * import { escapeLabel } from "./name.ts";
 * console.log(escapeLabel("a.b\\c")); // a\.b\\c
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

/**
 * The key under which a name is filed: ASCII letters lowered and nothing else
 * touched (RFC 6762 §16: "other characters are compared bytewise"), and no
 * trailing dot.
 *
 * @example
 * ```ts
 * import { nameKey } from "./name.ts";
 * console.log(nameKey("Küchen._HTTP._tcp.local.")); // küchen._http._tcp.local
 * ```
 */
export function nameKey(name: string): string {
  let n = name;
  if (n.endsWith(".") && !endsWithEscapedDot(n)) n = n.slice(0, -1);
  // toLowerCase() is exact for ASCII-only names and far faster than a
  // replace() callback; names with other characters lower ASCII letters only.
  for (let i = 0; i < n.length; i++) {
    if (n.charCodeAt(i) >= 0x80) return n.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  }
  return n.toLowerCase();
}
