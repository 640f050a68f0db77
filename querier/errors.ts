/**
 * The errors one-shot lookups reject with; each names what it was about.
 *
 * @module
 */

import { tryParseIPv4, tryParseIPv6 } from "../codec/ip.ts";

/**
 * Options of {@linkcode ResolveError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResolveErrorOptions } from "./errors.ts";
 * const options: ResolveErrorOptions = { reason: "closed" };
 * assert.equal(options.reason, "closed");
 * ```
 */
export interface ResolveErrorOptions {
  /** Why it gave up: the timeout passed, or the stack closed. @default {"timeout"} */
  readonly reason?: "timeout" | "closed";
}

/**
 * `resolve` found no complete answer: at the timeout (`missing` says what was
 * lacking), or because the stack closed (`reason` is `"closed"`). `fullName`
 * names the service: the instance's full name, or the service type's
 * (`_http._tcp.local`) for a resolve by type alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ResolveError } from "./errors.ts";
 * const error = new ResolveError("Den._http._tcp.local", ["address"]);
 * assert.equal(error.name, "ResolveError");
 * assert.equal(error.message, "Cannot resolve Den._http._tcp.local: no address");
 * assert.equal(error.reason, "timeout");
 * assert.equal(error.fullName, "Den._http._tcp.local");
 * const closed = new ResolveError("Den._http._tcp.local", ["srv"], { reason: "closed" });
 * assert.equal(closed.message, "Cannot resolve Den._http._tcp.local: the stack closed");
 * ```
 */
export class ResolveError extends Error {
  /** The full name of the service it could not resolve. */
  readonly fullName: string;
  /** What was still unknown when it gave up. */
  readonly missing: readonly ("srv" | "txt" | "address")[];
  /** Why it gave up. */
  readonly reason: "timeout" | "closed";

  /** Creates the error for the service named `fullName`, lacking `missing`. */
  constructor(
    fullName: string,
    missing: readonly ("srv" | "txt" | "address")[],
    options?: ResolveErrorOptions,
  ) {
    const reason = options?.reason ?? "timeout";
    const what = missing.map((m) => (m === "address" ? "address" : m.toUpperCase()));
    super(
      `Cannot resolve ${fullName}: ${
        reason === "closed" ? "the stack closed" : `no ${what.join(", no ")}`
      }`,
    );
    this.name = "ResolveError";
    this.fullName = fullName;
    this.missing = missing;
    this.reason = reason;
  }
}

/**
 * Options of {@linkcode LookupError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LookupErrorOptions } from "./errors.ts";
 * const options: LookupErrorOptions = { reason: "absent" };
 * assert.equal(options.reason, "absent");
 * ```
 */
export interface LookupErrorOptions {
  /**
   * Why it gave up: the timeout passed, the stack closed, or the host said it
   * has no such record (an NSEC, RFC 6762 §6.1). @default {"timeout"}
   */
  readonly reason?: "timeout" | "closed" | "absent";
}

/**
 * `lookupHost` or `lookupAddress` got no answer: `host` names the host name
 * looked up, or `address` the IP address (the other is undefined).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LookupError } from "./errors.ts";
 * const error = new LookupError("box.local", "no address");
 * assert.equal(error.name, "LookupError");
 * assert.equal(error.message, "Cannot look up box.local: no address");
 * assert.equal(error.host, "box.local");
 * assert.equal(error.address, undefined);
 * assert.equal(error.reason, "timeout");
 * const reverse = new LookupError("198.18.0.7", "the stack closed", { reason: "closed" });
 * assert.equal(reverse.address, "198.18.0.7");
 * assert.equal(reverse.host, undefined);
 * ```
 */
export class LookupError extends Error {
  /** The host name looked up (`lookupHost`), else undefined. */
  readonly host: string | undefined;
  /** The IP address looked up (`lookupAddress`), else undefined. */
  readonly address: string | undefined;
  /** Why it gave up. */
  readonly reason: "timeout" | "closed" | "absent";

  /**
   * Creates the error for `target`: an IP address (then `address`) or a host
   * name (then `host`); an IP literal is never a `.local` host name.
   */
  constructor(target: string, detail: string, options?: LookupErrorOptions) {
    super(`Cannot look up ${target}: ${detail}`);
    this.name = "LookupError";
    const ip = tryParseIPv4(target) !== undefined || tryParseIPv6(target) !== undefined;
    this.host = ip ? undefined : target;
    this.address = ip ? target : undefined;
    this.reason = options?.reason ?? "timeout";
  }
}
