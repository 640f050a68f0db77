/**
 * What to tell the stack when a link of `UdpTransport` changes. Pure, so the
 * rules are tested without sockets.
 *
 * @module
 */

import type { NetworkLink, TransportEvent } from "./transport.ts";

/**
 * A link as last published: its public view and its MAC (part of its identity).
 */
export interface PublishedLink {
  /** The public view. */
  readonly link: NetworkLink;
  /** Hardware address. */
  readonly mac: string;
  /** False when known to be down (the FFI hatch reads the flags); absent when unknown. */
  readonly up?: boolean;
}

/**
 * Events for the change from `before` to `after` (undefined = not usable):
 *
 * - appeared: `link-added`;
 * - gone: `link-removed`;
 * - re-created (new MAC, or a new index where both are known; sockets on the
 *   old index are dead, and RFC 6762 §8 asks for probing and announcing after
 *   any link change): `link-removed` then `link-added`;
 * - same identity, different addresses (or an index that became known or
 *   unknown with its fe80 address): `link-changed` with the `previous` view
 *   (RFC 6762 §8: re-probe and announce);
 * - went down (`up` became false): `link-down`; came back up: `link-up`, with
 *   the addresses it has now (those of a down link change silently);
 *   appeared down: `link-added` then `link-down`;
 * - unchanged: nothing.
 *
 * `up` is known only with the FFI hatch: `Deno.networkInterfaces()` does not
 * say whether an interface is up (see `UdpTransport`). Unknown counts as up.
 */
export function linkEvents(
  before: PublishedLink | undefined,
  after: PublishedLink | undefined,
): TransportEvent[] {
  if (before === undefined) return after === undefined ? [] : added(after);
  if (after === undefined) return [{ type: "link-removed", link: before.link }];
  if (!sameIdentity(before, after)) {
    return [{ type: "link-removed", link: before.link }, ...added(after)];
  }
  const wasUp = before.up !== false;
  const isUp = after.up !== false;
  if (wasUp !== isUp) return [{ type: isUp ? "link-up" : "link-down", link: after.link }];
  if (
    !isUp ||
    before.link.index === after.link.index && sameList(before.link.ipv4, after.link.ipv4) &&
      sameList(before.link.ipv6, after.link.ipv6)
  ) {
    return [];
  }
  return [{ type: "link-changed", link: after.link, previous: before.link }];
}

function added(link: PublishedLink): TransportEvent[] {
  const events: TransportEvent[] = [{ type: "link-added", link: link.link }];
  if (link.up === false) events.push({ type: "link-down", link: link.link });
  return events;
}

/**
 * Same interface: same MAC, and the same index unless one side does not know
 * it (0: an interface loses its fe80 address, and with it our only view of
 * its index, whenever it goes down).
 */
function sameIdentity(a: PublishedLink, b: PublishedLink): boolean {
  if (a.mac !== b.mac) return false;
  return a.link.index === 0 || b.link.index === 0 || a.link.index === b.link.index;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
