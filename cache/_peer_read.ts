/**
 * The read side of the peer cache: the records at a name (any case, RFC 6762
 * §16), the known answers for a question (§7.1) and what a live NSEC says is
 * absent (§6.1). Reads change nothing but the time base, which the first
 * `now` a cache sees sets. Internal to the cache.
 *
 * @module
 */

import { nameKey, RecordType } from "../codec/mod.ts";
import type { PeerStore } from "./_peer_store.ts";
import { forEachEntry } from "./_owner_index.ts";
import type { PeerLookupOptions } from "./peer_cache_options.ts";
import { CLASS_MASK, type PeerEntry, type PeerRecord } from "./peer_record.ts";
import { nsecListsType } from "./_rdata_key.ts";

/**
 * Records at `name` of `type` (every type for `RecordType.ANY`), any case,
 * optionally of one interface and class and still live at `now`.
 */
export function lookup(
  store: PeerStore,
  name: string,
  type: number,
  options?: PeerLookupOptions,
): PeerRecord[] {
  const owner = store.names.getByKey(nameKey(name));
  const out: PeerRecord[] = [];
  if (owner === undefined) return out;
  const t = options?.now === undefined ? -Infinity : store.rel(options.now);
  const iface = options?.interfaceName;
  const cls = options?.class;
  forEachEntry(owner, (e) => {
    if (
      (type === RecordType.ANY || e.type === type) &&
      (iface === undefined || e.iface === iface) &&
      (cls === undefined || (e.bits & CLASS_MASK) === cls) && e.expires > t
    ) out.push(e);
  });
  return out;
}

/**
 * The known answers for a question (RFC 6762 §7.1): matching records with at
 * least half their TTL left at `now`.
 */
export function knownAnswers(
  store: PeerStore,
  name: string,
  type: number,
  options: { interfaceName?: string; class?: number; now: number },
): PeerRecord[] {
  const now = options.now;
  return lookup(store, name, type, options).filter((r) => 2 * (r.expiresAt - now) >= r.ttl * 1000);
}

/**
 * True when a live NSEC says `name` has no record of `type` (RFC 6762 §6.1)
 * and no such record is cached.
 */
export function isKnownAbsent(
  store: PeerStore,
  name: string,
  type: number,
  options?: PeerLookupOptions,
): boolean {
  if (type === RecordType.NSEC || type === RecordType.ANY) return false;
  let nsec = false;
  for (const r of lookup(store, name, RecordType.ANY, options)) {
    if (r.type === type) return false;
    if (r.type === RecordType.NSEC && !nsecListsType((r as PeerEntry).rdataBinary, type)) {
      nsec = true;
    }
  }
  return nsec;
}
