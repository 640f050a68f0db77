/**
 * Raised for any packet the codec cannot read: it names the byte offset where
 * reading failed and why, so a capture can be checked by hand.
 *
 * It extends `SyntaxError` because a bad packet is malformed input, like bad
 * JSON handed to `JSON.parse`.
 *
 * @example Catching a bad packet
 * ```ts
 * import assert from "node:assert/strict";
 * import { DnsParseError, decodeMessage } from "./mod.ts";
 * assert.throws(() => decodeMessage(new Uint8Array(5)), (e) => {
 *   assert.ok(e instanceof DnsParseError);
 *   assert.equal(e.offset, 5);
 *   assert.equal(e.reason, "header truncated (5 of 12 bytes)");
 *   return true;
 * });
 * ```
 */
export class DnsParseError extends SyntaxError {
  /** Byte offset in the packet where reading failed. */
  readonly offset: number;
  /** What was wrong, without the offset (for example `compression pointer points forward`). */
  readonly reason: string;

  /** Creates an error for `reason` found at byte `offset`. */
  constructor(reason: string, offset: number) {
    super(`Cannot decode DNS message at offset ${offset}: ${reason}`);
    this.name = "DnsParseError";
    this.offset = offset;
    this.reason = reason;
  }
}
