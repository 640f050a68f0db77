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

/**
 * A bad packet's first problem as a plain record: what a
 * {@linkcode DnsParseError} says, without constructing an Error. The
 * reader's `tryReset` and `tryValidate` return it, for receive loops that
 * drop malformed packets by the thousand.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DnsParseError, MessageReader, type ParseFailure } from "./mod.ts";
 * const failure: ParseFailure = new MessageReader(new Uint8Array(12)).tryReset(new Uint8Array(3))!;
 * const error = new DnsParseError(failure.reason, failure.offset); // when a caller wants one
 * assert.equal(error.message, "Cannot decode DNS message at offset 3: header truncated (3 of 12 bytes)");
 * ```
 */
export interface ParseFailure {
  /** What was wrong, without the offset (as {@linkcode DnsParseError.reason}). */
  readonly reason: string;
  /** Byte offset in the packet where reading failed (as {@linkcode DnsParseError.offset}). */
  readonly offset: number;
}
