/**
 * How the codec raises a bad packet. Every throw site throws
 * {@linkcode parseError}: a `DnsParseError` for the public decoding API, or,
 * while the reader's `tryReset` / `tryValidate` run, a plain
 * {@linkcode ParseFailure} record. The receive loop drops malformed packets by
 * the thousand under attack, and constructing any Error costs ~800 bytes in
 * V8 (its captured stack), even with `Error.stackTraceLimit = 0`; a plain
 * record costs ~40. The typed error with its context is built only when a
 * caller asks for it. Internal to the codec and the stack's receive path.
 *
 * @module
 */

import { DnsParseError, type ParseFailure } from "./errors.ts";

// Not an Error, so throwing it captures no stack.
class QuietFailure implements ParseFailure {
  constructor(readonly reason: string, readonly offset: number) {}
}

// How many quiet reads are running (they can nest: a part re-entering the reader).
let quietDepth = 0;

/** What a throw site throws for `reason` at `offset`. */
export function parseError(reason: string, offset: number): DnsParseError | ParseFailure {
  return quietDepth === 0 ? new DnsParseError(reason, offset) : new QuietFailure(reason, offset);
}

/**
 * Runs `read(target, argument)` with quiet failures and returns the first one,
 * undefined when `read` finished. Anything else `read` throws (a bug, not a
 * bad packet) is thrown on. `read` is pure codec work: no caller code runs
 * while failures are quiet.
 */
export function readQuietly<T, A>(
  target: T,
  argument: A,
  read: (target: T, argument: A) => void,
): ParseFailure | undefined {
  quietDepth++;
  try {
    read(target, argument);
    return undefined;
  } catch (error) {
    if (error instanceof QuietFailure || error instanceof DnsParseError) return error;
    throw error;
  } finally {
    quietDepth--;
  }
}
