/**
 * NSEC rdata (RFC 4034 §4): the next name and a type bitmap. mDNS uses it to
 * say "this name has no other types" (RFC 6762 §6.1) and compresses the name
 * (RFC 6762 §18.14).
 *
 * @module
 */
import { parseError } from "../_parse_failure.ts";
import { checkName, readName, skipName } from "../name_reader.ts";
import type { RdataCodec } from "./rdata_codec.ts";

/**
 * NSEC rdata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { NsecData } from "./nsec.ts";
 * const nsec: NsecData = { nextName: "host.local", types: [1, 28] };
 * assert.deepEqual(nsec.types, [1, 28]);
 * ```
 */
export interface NsecData {
  /** Next owner name; in mDNS the record's own name. */
  nextName: string;
  /** Record types that exist at the name, ascending. */
  types: number[];
}

/**
 * Codec for NSEC rdata. The bitmap is checked as RFC 4034 §4.1.2 requires:
 * windows ascending, each 1 to 32 bytes long.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nsecCodec } from "./nsec.ts";
 * import { encodeName } from "../name_parser.ts";
 * const rdata = new Uint8Array([...encodeName("h.local"), 0, 1, 0x40]);
 * assert.deepEqual(nsecCodec.decode(rdata, 0, rdata.length).types, [1]);
 * ```
 */
export const nsecCodec: RdataCodec<NsecData> = {
  nameAt: 0, // the rdata starts with the name
  decode(packet, offset, length, memo) {
    const end = offset + length;
    const nameEnd = skipName(packet, offset);
    if (nameEnd > end) throw parseError("next name runs past NSEC rdata", offset);
    const nextName = readName(packet, offset, memo);
    checkBitmap(packet, nameEnd, end);
    const types: number[] = [];
    for (let pos = nameEnd; pos < end; pos += 2 + packet[pos + 1]) {
      const window = packet[pos];
      const len = packet[pos + 1];
      for (let i = 0; i < len; i++) {
        const bits = packet[pos + 2 + i];
        for (let bit = 0; bit < 8; bit++) {
          if (bits & (0x80 >> bit)) types.push(window * 256 + i * 8 + bit);
        }
      }
    }
    return { nextName, types };
  },
  check(packet, offset, length, floor) {
    const end = offset + length;
    const nameEnd = checkName(packet, offset, floor);
    if (nameEnd > end) throw parseError("next name runs past NSEC rdata", offset);
    checkBitmap(packet, nameEnd, end);
  },
  encode(sink, data, compressNames) {
    sink.name(data.nextName, compressNames);
    const types = data.types;
    // Types are usually few and already ascending (mDNS NSEC lists one
    // name's types); sort a copy only when they are not.
    let sorted = types;
    for (let i = 1; i < types.length; i++) {
      if (types[i] <= types[i - 1]) {
        sorted = [...types].sort((a, b) => a - b);
        break;
      }
    }
    let i = 0;
    while (i < sorted.length) {
      const t = sorted[i];
      if (!Number.isInteger(t) || t < 0 || t > 0xffff) {
        throw new RangeError(`Cannot encode NSEC type ${t}: not a 16-bit type`);
      }
      const window = t >> 8;
      bitmap.fill(0);
      let used = 0;
      while (i < sorted.length && sorted[i] >> 8 === window) {
        const low = sorted[i] & 0xff;
        bitmap[low >> 3] |= 0x80 >> (low & 7);
        used = (low >> 3) + 1;
        i++;
      }
      sink.u8(window);
      sink.u8(used);
      for (let k = 0; k < used; k++) sink.u8(bitmap[k]);
    }
  },
};

/** RFC 4034 §4.1.2: a window's bitmap is 1 to 32 bytes. */
const MAX_BITMAP_BYTES = 32;

/** Checks the type bitmap in `[pos, end)`: windows ascending, each 1 to 32 bytes. */
function checkBitmap(packet: Uint8Array, start: number, end: number): void {
  let lastWindow = -1;
  let pos = start;
  while (pos < end) {
    if (pos + 2 > end) throw parseError("NSEC bitmap window header truncated", pos);
    const window = packet[pos];
    const len = packet[pos + 1];
    if (window <= lastWindow) throw parseError("NSEC bitmap windows out of order", pos);
    if (len === 0 || len > MAX_BITMAP_BYTES) {
      throw parseError(`NSEC bitmap length ${len}, expected 1 to 32`, pos + 1);
    }
    if (pos + 2 + len > end) throw parseError("NSEC bitmap runs past its rdata", pos);
    lastWindow = window;
    pos += 2 + len;
  }
}

/** Scratch for one window's bitmap (RFC 4034 §4.1.2: at most 32 bytes). */
const bitmap = new Uint8Array(MAX_BITMAP_BYTES);
