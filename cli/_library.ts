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
 */
export type CliStack = Pick<
  Mdns,
  "links" | "publish" | "browse" | "resolve" | "lookupHost" | "lookupAddress" | "close"
>;
