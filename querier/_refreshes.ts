/**
 * Which of the peer cache's refresh points turn into questions (RFC 6762
 * §5.2: ask again at 80-95 % of a watched record's TTL). The querier owns
 * those points (the stack's cache timer runs expiry only); at a run where one
 * is due it takes the points due now and within {@linkcode REFRESH_PULL_MS},
 * so nearby refreshes share a packet, and queues the ones worth asking.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import type { PeerServiceCache } from "../cache/peer_cache.ts";
import { REFRESH_PULL_MS } from "./_constants.ts";
import type { Outbox } from "./_outbox.ts";

/**
 * Queues in `outbox` the refreshes due by `now` on the links named in
 * `linkNames`, leaving out those `askedByOthers` says another host just asked
 * (RFC 6762 §7.3: the answer to theirs refreshes us too).
 */
export function queueRefreshes(
  cache: PeerServiceCache,
  outbox: Outbox,
  linkNames: ReadonlySet<string>,
  now: number,
  askedByOthers: (name: string, type: number, iface: string, now: number) => boolean,
): void {
  // Only when one is due now: the scheduler runs every part when one is due,
  // and pulling on our responder's answer to another host's query would send
  // our refreshes right behind theirs (every browser of a type within
  // milliseconds, the LAN simulation), instead of letting the answer to
  // theirs refresh our cache.
  if (cache.nextRefresh() > now) return;
  for (const r of cache.takeDueRefreshes(now + REFRESH_PULL_MS)) {
    if (!linkNames.has(r.interfaceName)) continue;
    // RFC 6762 §6.1: an NSEC answers a question for a type that is not
    // there; nobody asks for it. Asking type NSEC at 80 % of its TTL doubled
    // the refresh traffic of every browsed service (the LAN simulation,
    // issue 16 item 8); it comes back beside the records it rides with.
    if (r.type === RecordType.NSEC) continue;
    // Never while more than half the TTL is left (§5.2): a tiny TTL skips a point.
    if (r.remainingTtl(now) * 2 > r.ttl) continue;
    // The storm floor: a peer's tiny TTL cannot make us ask more often.
    if (!outbox.refreshAllowed(r.interfaceName, r.name, r.type, now)) continue;
    if (askedByOthers(r.name, r.type, r.interfaceName, now)) continue;
    outbox.addRefresh(r.interfaceName, r.name, r.type);
  }
}
