/**
 * Rdata as the peer cache keeps it: a "binary string" of one character per
 * byte (0-255). V8 stores such a string in one byte per character behind a
 * 16-byte header, where a `Uint8Array` costs over 200 bytes of objects for a
 * 4-byte A record; and the string doubles as a `Map` key.
 *
 * Identity compares names inside rdata without regard to case (RFC 6762 §16):
 * the key is the codec's `rdataKey`, re-exported here with `bytesToBinary`.
 *
 * @module
 */

// The identity key and the conversion live in the codec (one record identity).
export { bytesToBinary, rdataKey } from "../codec/mod.ts";
import { binaryNameEnd } from "../codec/record_key.ts";

const CHUNK = 8192;
// V8 keeps a concatenation shorter than 13 characters flat; longer ones become
// "cons" trees, so those go through fromCharCode.apply over a plain array,
// which is faster than over a typed-array view.
const FLAT_CONCAT_MAX = 12;
const codes: number[] = [];

/**
 * A flat copy of `text` (see `bytesToBinary`): what a cache should keep of a
 * string built by concatenation, such as a name read from a packet.
 */
export function flatString(text: string): string {
  if (text.length <= FLAT_CONCAT_MAX) return text;
  if (text.length > CHUNK) return JSON.parse(JSON.stringify(text));
  codes.length = text.length;
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return String.fromCharCode.apply(null, codes);
}

/**
 * Converts a binary string back to bytes.
 */
export function binaryToBytes(binary: string): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * True when canonical NSEC rdata (a binary string) lists `type` in its bitmap
 * (RFC 4034 §4.1.2).
 */
export function nsecListsType(binary: string, type: number): boolean {
  const window = type >> 8;
  const byte = (type & 0xff) >> 3;
  const bit = 0x80 >> (type & 7);
  let pos = binaryNameEnd(binary, 0);
  while (pos + 2 <= binary.length) {
    const w = binary.charCodeAt(pos);
    const len = binary.charCodeAt(pos + 1);
    if (w === window) {
      return byte < len && pos + 2 + byte < binary.length &&
        (binary.charCodeAt(pos + 2 + byte) & bit) !== 0;
    }
    if (w > window) return false;
    pos += 2 + len;
  }
  return false;
}
