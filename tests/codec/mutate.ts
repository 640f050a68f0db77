/**
 * The codec fuzzer's mutations, shared with the namespace test that fires
 * them at a running stack over the wire (tests/netns/hostile_packets.ts): bit
 * flips, byte insertions and deletions, section count edits, pointer rewrites
 * (forwards and self included), truncation and random bytes, one to four
 * rounds per packet, driven by a seeded `random` so a failing case replays.
 *
 * @module
 */

/**
 * A mutated copy of `packet` (the input is not touched).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seededRandom } from "../../testing/mod.ts";
 * import { mutate } from "./mutate.ts";
 * const packet = new Uint8Array(12);
 * assert.ok(mutate(packet, seededRandom(1)) !== packet);
 * ```
 */
export function mutate(packet: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(random() * n);
  let bytes = Array.from(packet);
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = pick(Math.max(1, bytes.length));
    switch (pick(7)) {
      case 0: // bit flip
        bytes[at] ^= 1 << pick(8);
        break;
      case 1: // byte insertion
        bytes.splice(at, 0, pick(256));
        break;
      case 2: // byte deletion
        bytes.splice(at, 1);
        break;
      case 3: { // section count edit
        const field = 4 + 2 * pick(4);
        bytes[field] = pick(3) === 0 ? 0xff : pick(4);
        bytes[field + 1] = pick(256);
        break;
      }
      case 4: { // pointer rewrite: aim a pointer anywhere, forwards and self included
        const target = pick(bytes.length + 8);
        bytes[at] = 0xc0 | ((target >> 8) & 0x3f);
        bytes[at + 1] = target & 0xff;
        break;
      }
      case 5: // truncation
        bytes = bytes.slice(0, at);
        break;
      default: // random byte
        bytes[at] = pick(256);
    }
  }
  return new Uint8Array(bytes.map((b) => b & 0xff));
}
