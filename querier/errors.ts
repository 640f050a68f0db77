/**
 * The errors one-shot lookups reject with.
 *
 * @module
 */

/**
 * `resolve` found no complete answer in time; `missing` says what was lacking.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ResolveError } from "./errors.ts";
 * const error = new ResolveError("Den._http._tcp.local", ["address"]);
 * assert.equal(error.name, "ResolveError");
 * assert.equal(error.message, "Cannot resolve Den._http._tcp.local: no address");
 * ```
 */
export class ResolveError extends Error {
  /** What was still unknown at the timeout. */
  readonly missing: readonly ("srv" | "txt" | "address")[];

  /** Creates the error for `instance` lacking `missing`. */
  constructor(instance: string, missing: readonly ("srv" | "txt" | "address")[]) {
    const what = missing.map((m) => (m === "address" ? "address" : m.toUpperCase()));
    super(`Cannot resolve ${instance}: no ${what.join(", no ")}`);
    this.name = "ResolveError";
    this.missing = missing;
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
