/**
 * The part of the library the commands use: the stack's methods as one
 * structural type, so the commands run against the real `Mdns` and tests run
 * them against a fake stack with the same shape.
 *
 * @module
 */
import type { Mdns } from "../mdns.ts";

export type {
  BrowseEvent,
  BrowseOptions,
  Browser,
  PublishedService,
  PublishEvent,
  PublishOptions,
  ServiceAddress,
  ServiceInfo,
  ServiceTypeEvent,
} from "../mod.ts";

/**
 * The stack as the commands see it: `Mdns`'s links, publish, browse, resolve,
 * lookups and close.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Mdns } from "../mdns.ts";
 * import type { CliStack } from "./_library.ts";
 * const asStack = (mdns: Mdns): CliStack => mdns; // the real stack fits
 * assert.equal(typeof asStack, "function");
 * ```
 */
export type CliStack = Pick<
  Mdns,
  "links" | "publish" | "browse" | "resolve" | "lookupHost" | "lookupAddress" | "close"
>;
