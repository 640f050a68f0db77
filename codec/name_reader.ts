/**
 * Domain names on the wire (RFC 1035 §4.1.4): a run of length-prefixed labels
 * ending in a zero byte or a compression pointer. Reading never allocates
 * unless a string is asked for; comparing is case-insensitive for ASCII
 * letters only, as RFC 6762 §16 says, and happens in place.
 *
 * @module
 */

import { parseError } from "./_parse_failure.ts";
import { Limits } from "./constants.ts";
import { labelToString } from "./label_text.ts";

/** RFC 1035 §4.1.4: the two top bits of a length byte mark a pointer. */
const POINTER_MASK = 0xc0;
/**
 * Each pointer hop must add a label to stay under 255 bytes, so more hops than
 * half the name limit mean a crafted chain, not a name.
 */
const MAX_POINTER_HOPS = 127;

/**
 * Suffixes of one packet's names already decoded, by offset: compression
 * points every name at suffixes decoded before, so with a memo a packet's
 * names cost about one label conversion each. A reader owns one and calls
 * {@linkcode NameMemo.begin} for each packet; entries are stamped with the
 * packet's generation, so starting over never clears anything.
 *
 * Memory: four arrays as long as the largest packet read (at least 512).
 *
 * @example Reading two names of one packet under one memo
 * ```ts
 * import assert from "node:assert/strict";
 * import { NameMemo, readName } from "./name_reader.ts";
 * import { encodeName } from "./name_parser.ts";
 * const wire = encodeName("printer.local");
 * const memo = new NameMemo();
 * memo.begin(wire.length);
 * assert.equal(readName(wire, 0, memo), "printer.local");
 * assert.equal(readName(wire, 8, memo), "local"); // decoded above, now a lookup
 * ```
 */
export class NameMemo {
  /** Generation of the packet being read; an entry counts when its stamp equals it. */
  generation = 0;
  /** Generation that wrote each offset's entry. */
  stamp: Int32Array = new Int32Array(0);
  /** Presentation text of the suffix at each offset. */
  text: string[] = [];
  /** Wire length of that suffix, pointers followed. */
  wireLength: Uint16Array = new Uint16Array(0);
  /** Pointer hops in that suffix. */
  hops: Uint8Array = new Uint8Array(0);

  /** Starts a new packet of `packetLength` bytes; earlier entries no longer count. */
  begin(packetLength: number): void {
    if (this.stamp.length < packetLength) {
      const size = Math.max(packetLength, 512);
      this.stamp = new Int32Array(size);
      this.text = new Array(size);
      this.wireLength = new Uint16Array(size);
      this.hops = new Uint8Array(size);
    }
    this.generation = (this.generation + 1) | 0;
    if (this.generation === 0) {
      this.stamp.fill(0);
      this.generation = 1;
    }
  }
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
 * import assert from "node:assert/strict";
 * import { skipName } from "./name_reader.ts";
 * import { encodeName } from "./name_parser.ts";
 * assert.equal(skipName(encodeName("a.local"), 0), 9);
 * ```
 */
export function skipName(packet: Uint8Array, offset: number): number {
  let pos = offset;
  for (;;) {
    if (pos >= packet.length) throw parseError("name runs past the end", pos);
    const len = packet[pos];
    if (len === 0) return pos + 1;
    if ((len & POINTER_MASK) === POINTER_MASK) {
      if (pos + 1 >= packet.length) {
        throw parseError("compression pointer runs past the end", pos);
      }
      checkPointer(packet, pos, offset);
      return pos + 2;
    }
    if (len > Limits.LABEL_BYTES) throw parseError("label longer than 63 bytes", pos);
    if (pos + 1 + len > packet.length) throw parseError("label runs past the end", pos);
    pos += 1 + len;
    if (pos - offset > Limits.NAME_BYTES) {
      throw parseError("name longer than 255 bytes", offset);
    }
  }
}

/**
 * Checks the whole name at `offset`, following every compression pointer under
 * the same rules as {@linkcode readName}, and builds nothing: the check a
 * packet passes once so that no later read of this name can fail.
 *
 * @param floor Lowest offset a pointer may land on: 12 in a message, where a
 * pointer into the header is never a name a sender meant.
 * @returns The offset just past the name in place (as {@linkcode skipName}).
 * @throws {DnsParseError} On anything {@linkcode readName} would reject, or a
 * pointer below `floor`.
 *
 * @example A pointer into the header is rejected in a message
 * ```ts
 * import assert from "node:assert/strict";
 * import { DnsParseError } from "./mod.ts";
 * import { checkName } from "./name_reader.ts";
 * const p = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0]);
 * assert.equal(checkName(p, 12), 14); // offset 0 holds a zero byte: the root
 * assert.throws(() => checkName(p, 12, 12), DnsParseError);
 * ```
 */
export function checkName(packet: Uint8Array, offset: number, floor = 0): number {
  let pos = offset;
  let segment = offset;
  let hops = 0;
  let length = 0;
  let end = -1;
  for (;;) {
    if (pos >= packet.length) throw parseError("name runs past the end", pos);
    const len = packet[pos];
    if (len === 0) return end < 0 ? pos + 1 : end;
    if ((len & POINTER_MASK) === POINTER_MASK) {
      if (pos + 1 >= packet.length) {
        throw parseError("compression pointer runs past the end", pos);
      }
      if (++hops > MAX_POINTER_HOPS) throw parseError("too many compression pointers", pos);
      const target = checkPointer(packet, pos, segment);
      if (target < floor) {
        throw parseError("compression pointer points into the header", pos);
      }
      if (end < 0) end = pos + 2;
      pos = segment = target;
      continue;
    }
    if (len > Limits.LABEL_BYTES) throw parseError("label longer than 63 bytes", pos);
    if (pos + 1 + len > packet.length) throw parseError("label runs past the end", pos);
    length += 1 + len;
    if (length >= Limits.NAME_BYTES) throw parseError("name longer than 255 bytes", offset);
    pos += 1 + len;
  }
}

// RFC 1035 §4.1.4 only says a pointer replaces the rest of a name. To make
// every name finite, a pointer must land strictly before the start of the run
// of labels it ends (`segmentStart`): targets then fall with every hop.
function checkPointer(packet: Uint8Array, pos: number, segmentStart: number): number {
  const target = ((packet[pos] & 0x3f) << 8) | packet[pos + 1];
  if (target === pos) throw parseError("compression pointer points to itself", pos);
  if (target > pos) {
    throw parseError(
      target >= packet.length
        ? "compression pointer past the end"
        : "compression pointer points forward",
      pos,
    );
  }
  if (target >= segmentStart) {
    throw parseError("compression pointer loops into its own name", pos);
  }
  return target;
}

/**
 * Reads the name at `offset` as a presentation string (no trailing dot),
 * following compression pointers.
 *
 * @param memo The reader's {@linkcode NameMemo}, begun for this packet, to
 * reuse suffixes already decoded from it; omit it for a one-off read.
 * @throws {DnsParseError} On any malformed name: pointer loops or forward
 * pointers, labels over 63 bytes, names over 255 bytes, running past the end.
 *
 * @example Reading a compressed name
 * ```ts
 * import assert from "node:assert/strict";
 * import { readName } from "./name_reader.ts";
 * // "local" at 0, then "a" + pointer to 0 at 7
 * const p = new Uint8Array([5, 108, 111, 99, 97, 108, 0, 1, 97, 0xc0, 0]);
 * assert.equal(readName(p, 7), "a.local");
 * ```
 */
export function readName(packet: Uint8Array, offset: number, memo?: NameMemo): string {
  const m = memo ?? ONE_OFF;
  const generation = memo === undefined ? -1 : memo.generation;
  const memoStamp = m.stamp, memoText = m.text, memoWireLength = m.wireLength, memoHops = m.hops;
  if (memo !== undefined && offset < packet.length && memoStamp[offset] === generation) {
    return memoText[offset];
  }
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
    if (pos >= packet.length) throw parseError("name runs past the end", pos);
    if (memo !== undefined && memoStamp[pos] === generation) {
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
      if (memo !== undefined) {
        memoStamp[pos] = generation;
        memoText[pos] = text;
        memoWireLength[pos] = 1;
        memoHops[pos] = 0;
      }
      break;
    }
    if ((len & POINTER_MASK) === POINTER_MASK) {
      if (pos + 1 >= packet.length) {
        throw parseError("compression pointer runs past the end", pos);
      }
      if (++hops > MAX_POINTER_HOPS) throw parseError("too many compression pointers", pos);
      trail[depth++] = -1 - pos; // negative: a pointer
      pos = segment = checkPointer(packet, pos, segment);
      continue;
    }
    if (len > Limits.LABEL_BYTES) throw parseError("label longer than 63 bytes", pos);
    if (pos + 1 + len > packet.length) throw parseError("label runs past the end", pos);
    length += 1 + len;
    if (length >= Limits.NAME_BYTES) throw parseError("name longer than 255 bytes", offset);
    trail[depth++] = pos;
    pos += 1 + len;
  }
  while (depth > 0) {
    const entry = trail[--depth];
    let at: number;
    if (entry < 0) {
      at = -1 - entry;
      if (++tailHops > MAX_POINTER_HOPS) {
        throw parseError("too many compression pointers", at);
      }
    } else {
      at = entry;
      const len = packet[at];
      wireLength += 1 + len;
      if (wireLength > Limits.NAME_BYTES) {
        throw parseError("name longer than 255 bytes", offset);
      }
      // The dot comes from the same fromCharCode call: one string fewer per label.
      text = text === ""
        ? labelToString(packet, at + 1, len)
        : labelToString(packet, at + 1, len, true) + text;
    }
    if (memo !== undefined) {
      memoStamp[at] = generation;
      memoText[at] = text;
      memoWireLength[at] = wireLength;
      memoHops[at] = tailHops;
    }
  }
  return text;
}

/** Stands in for a missing memo (never read or written). */
const ONE_OFF = new NameMemo();

/** Labels and pointers of the name being read: at most 127 of each. */
const walkTrail = new Int32Array(2 * MAX_POINTER_HOPS + 2);

/**
 * Compares two names on the wire, each possibly compressed within its own
 * packet, case-insensitively for ASCII letters (RFC 6762 §16). Builds no strings.
 *
 * @throws {DnsParseError} When either name is malformed.
 *
 * @example Case does not matter
 * ```ts
 * import assert from "node:assert/strict";
 * import { namesEqual } from "./name_reader.ts";
 * import { encodeName } from "./name_parser.ts";
 * assert.equal(namesEqual(encodeName("Printer.local"), 0, encodeName("printer.LOCAL"), 0), true);
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
      if (pos >= p.length) throw parseError("name runs past the end", pos);
      const len = p[pos];
      if ((len & POINTER_MASK) === POINTER_MASK) {
        if (pos + 1 >= p.length) {
          throw parseError("compression pointer runs past the end", pos);
        }
        if (++this.#hops > MAX_POINTER_HOPS) {
          throw parseError("too many compression pointers", pos);
        }
        this.#pos = this.#segment = checkPointer(p, pos, this.#segment);
        continue;
      }
      if (len > Limits.LABEL_BYTES) throw parseError("label longer than 63 bytes", pos);
      if (pos + 1 + len > p.length) throw parseError("label runs past the end", pos);
      if (this.#length + 1 + len > Limits.NAME_BYTES) {
        throw parseError("name longer than 255 bytes", this.#start);
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
 * import assert from "node:assert/strict";
 * import { copyNameExpanded } from "./name_reader.ts";
 * const p = new Uint8Array([5, 108, 111, 99, 97, 108, 0, 1, 97, 0xc0, 0]);
 * const out = new Uint8Array(255);
 * assert.equal(copyNameExpanded(p, 7, out, 0), 9);
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
