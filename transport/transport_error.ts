/**
 * Why the transport cannot start, with a message that says what to do.
 *
 * @module
 */

/**
 * Reasons {@linkcode TransportError} carries, so callers (the CLI) can map
 * them to exit codes without parsing messages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TransportErrorCode } from "./transport_error.ts";
 * const code: TransportErrorCode = "permission-denied";
 * assert.equal(code, "permission-denied");
 * ```
 */
export type TransportErrorCode =
  | "unstable-api"
  | "permission-denied"
  | "no-interface"
  | "address-in-use"
  | "socket-failed";

/**
 * Raised by `UdpTransport.start()` when mDNS cannot run at all.
 *
 * @example Telling a missing flag from a busy port
 * ```ts
 * import assert from "node:assert/strict";
 * import { TransportError } from "./transport_error.ts";
 * const e = new TransportError("address-in-use", "UDP port 5353 is in use");
 * assert.equal(e.code, "address-in-use");
 * assert.ok(e instanceof Error);
 * ```
 */
export class TransportError extends Error {
  /** What went wrong, machine-readable. */
  readonly code: TransportErrorCode;

  /** Creates an error with a code, a message and an optional cause. */
  constructor(code: TransportErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TransportError";
    this.code = code;
  }
}

/**
 * Whether `error` is Deno's refusal for a missing `--allow-*` flag (or the
 * operating system's refusal of an operation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPermissionError } from "./transport_error.ts";
 * assert.equal(isPermissionError(new Deno.errors.NotCapable("no")), true);
 * ```
 */
export function isPermissionError(error: unknown): boolean {
  return error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied;
}

/**
 * Turns an error from opening a socket at start-up into a {@linkcode TransportError}
 * that names the fix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainSocketError } from "./transport_error.ts";
 * const e = explainSocketError(new Deno.errors.AddrInUse("busy"), "224.0.0.251:5353");
 * assert.equal(e.code, "address-in-use");
 * ```
 */
export function explainSocketError(error: unknown, where: string): TransportError {
  const detail = error instanceof Error ? error.message : String(error);
  if (isPermissionError(error)) {
    return new TransportError(
      "permission-denied",
      `Cannot open an mDNS socket on ${where}: network access is not allowed (run with --allow-net): ${detail}`,
      { cause: error },
    );
  }
  if (error instanceof Deno.errors.AddrInUse) {
    return new TransportError(
      "address-in-use",
      `Cannot open an mDNS socket on ${where}: UDP port 5353 is held by a program that did not set SO_REUSEADDR (stop it, or make it share the port): ${detail}`,
      { cause: error },
    );
  }
  return new TransportError("socket-failed", `Cannot open an mDNS socket on ${where}: ${detail}`, {
    cause: error,
  });
}
