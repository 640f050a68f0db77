/**
 * What to tell the stack when a link's usable state changes. Pure, so the
 * rules are tested without sockets.
 *
 * @module
 */

import type { NetworkLink, TransportEvent } from "./transport.ts";

/**
 * A link as last published: its public view and its MAC (part of its identity).
 *
 * @example
 * ```ts
 * import type { PublishedLink } from "./link_events.ts";
 * const p: PublishedLink = { link: { name: "eth0", index: 2, ipv4: [], ipv6: [] }, mac: "02:00:00:00:00:01" };
 * console.log(p.link.name);
 * ```
 */
export interface PublishedLink {
  /** The public view. */
  readonly link: NetworkLink;
  /** Hardware address. */
  readonly mac: string;
}

/**
 * Events for the change from `before` to `after` (undefined = not usable):
 *
 * - appeared: `link-up`;
 * - gone: `link-down`;
 * - re-created (new index or MAC; sockets on the old index are dead, and
 *   RFC 6762 §8 asks for probing and announcing after any link change):
 *   `link-down` then `link-up`;
 * - same identity, different addresses: `link-up` again with the new lists
 *   (RFC 6762 §8: re-probe and announce);
 * - unchanged: nothing.
 *
 * @example An interface re-created with a new index
 * ```ts
 * import { linkEvents } from "./link_events.ts";
 * const old = { link: { name: "eth0", index: 2, ipv4: ["198.18.1.1/24"], ipv6: [] }, mac: "m" };
 * const now = { link: { ...old.link, index: 7 }, mac: "m" };
 * console.log(linkEvents(old, now).map((e) => e.type)); // ["link-down", "link-up"]
 * ```
 */
export function linkEvents(
  before: PublishedLink | undefined,
  after: PublishedLink | undefined,
): TransportEvent[] {
  if (before === undefined) {
    return after === undefined ? [] : [{ type: "link-up", link: after.link }];
  }
  if (after === undefined) return [{ type: "link-down", link: before.link }];
  if (before.link.index !== after.link.index || before.mac !== after.mac) {
    return [{ type: "link-down", link: before.link }, { type: "link-up", link: after.link }];
  }
  if (sameList(before.link.ipv4, after.link.ipv4) && sameList(before.link.ipv6, after.link.ipv6)) {
    return [];
  }
  return [{ type: "link-up", link: after.link }];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
