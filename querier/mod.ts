/**
 * The querier: browse, resolve and look up what the LAN offers (RFC 6762,
 * RFC 6763). Reached through `Mdns` (`mdns.browse()`, `mdns.resolve()`...);
 * this module holds its public types and errors (the `Querier` part itself is
 * internal to the stack).
 *
 * @example Type-checking a browse loop
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Browser, BrowseEvent } from "./mod.ts";
 * const names = async (browser: Browser<BrowseEvent>) => {
 *   const out: string[] = [];
 *   for await (const e of browser) if (e.type === "added") out.push(e.service.name);
 *   return out;
 * };
 * assert.equal(typeof names, "function");
 * ```
 *
 * @module
 */

export {
  LookupError,
  type LookupErrorOptions,
  ResolveError,
  type ResolveErrorOptions,
} from "./errors.ts";
export type {
  BrowseEvent,
  BrowseOptions,
  Browser,
  LookupAddressOptions,
  LookupHostOptions,
  ResolveOptions,
  ServiceAddress,
  ServiceInfo,
  ServiceRef,
  ServiceTypeEvent,
  ServiceTypeInfo,
} from "./types.ts";
