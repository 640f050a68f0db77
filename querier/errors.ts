/**
 * The errors one-shot lookups reject with.
 *
 * @module
 */

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
 * lacking), or because the stack closed (`reason` is `"closed"`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ResolveError } from "./errors.ts";
 * const error = new ResolveError("Den._http._tcp.local", ["address"]);
 * assert.equal(error.name, "ResolveError");
 * assert.equal(error.message, "Cannot resolve Den._http._tcp.local: no address");
 * assert.equal(error.reason, "timeout");
 * const closed = new ResolveError("Den._http._tcp.local", ["srv"], { reason: "closed" });
 * assert.equal(closed.message, "Cannot resolve Den._http._tcp.local: the stack closed");
 * ```
 */
export class ResolveError extends Error {
  /** What was still unknown when it gave up. */
  readonly missing: readonly ("srv" | "txt" | "address")[];
  /** Why it gave up. */
  readonly reason: "timeout" | "closed";

  /** Creates the error for `instance` lacking `missing`. */
  constructor(
    instance: string,
    missing: readonly ("srv" | "txt" | "address")[],
    options?: ResolveErrorOptions,
  ) {
    const reason = options?.reason ?? "timeout";
    const what = missing.map((m) => (m === "address" ? "address" : m.toUpperCase()));
    super(
      `Cannot resolve ${instance}: ${
        reason === "closed" ? "the stack closed" : `no ${what.join(", no ")}`
      }`,
    );
    this.name = "ResolveError";
    this.missing = missing;
    this.reason = reason;
  }
}

/**
 * `lookupHost` or `lookupAddress` got no answer in time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LookupError } from "./errors.ts";
 * const error = new LookupError("box.local", "no address");
 * assert.equal(error.name, "LookupError");
 * assert.equal(error.message, "Cannot look up box.local: no address");
 * ```
 */
export class LookupError extends Error {
  /** Creates the error for `name`. */
  constructor(name: string, detail: string) {
    super(`Cannot look up ${name}: ${detail}`);
    this.name = "LookupError";
  }
}
