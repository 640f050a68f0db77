/**
 * Small byte arrays carved from shared slabs, as Node's `Buffer` pool does.
 * Creating a typed array with its own backing store costs about 250 ns in
 * Deno 2.9 whatever its size, more than encoding a small message; a view into
 * a slab costs about 15 ns.
 *
 * A pooled array shares its `ArrayBuffer` with others: its `byteOffset` may be
 * non-zero, and `.buffer` is the whole slab. Results meant to live long (cache
 * entries) should not come from here, since one survivor keeps its slab alive.
 *
 * @module
 */

const SLAB_BYTES = 64 * 1024;
/** Larger requests get their own buffer: they would waste too much of a slab. */
const MAX_POOLED_BYTES = 4096;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/**
 * Returns `n` zeroed bytes the caller owns, pooled when small.
 */
export function allocPooled(n: number): Uint8Array {
  if (n > MAX_POOLED_BYTES) return new Uint8Array(n);
  if (used + n > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const bytes = new Uint8Array(slab, used, n);
  used = (used + n + 7) & ~7; // keep views 8-byte aligned
  return bytes;
}
