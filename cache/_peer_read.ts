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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lookup } from "./_peer_read.ts";
 * import { PeerStore } from "./_peer_store.ts";
 * import { PeerEvents } from "./_peer_events.ts";
 * import { LIVE_BIT, PeerEntry } from "./peer_record.ts";
 * const store = new PeerStore(1 << 20, () => 0, new PeerEvents(() => {}));
 * const entry = new PeerEntry(null!, "eth0", 1, 1 | LIVE_BIT, "abcd", "abcd", 120, store.rel(0));
 * store.add(undefined, entry, "h.local", "h.local");
 * assert.deepEqual(lookup(store, "H.LOCAL", 1), [entry]);
 * assert.deepEqual(lookup(store, "h.local", 1, { now: 120_000 }), []); // expired by then
 * ```
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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { knownAnswers } from "./_peer_read.ts";
 * import { PeerStore } from "./_peer_store.ts";
 * import { PeerEvents } from "./_peer_events.ts";
 * import { LIVE_BIT, PeerEntry } from "./peer_record.ts";
 * const store = new PeerStore(1 << 20, () => 0, new PeerEvents(() => {}));
 * const entry = new PeerEntry(null!, "eth0", 1, 1 | LIVE_BIT, "abcd", "abcd", 120, store.rel(0));
 * store.add(undefined, entry, "h.local", "h.local");
 * assert.equal(knownAnswers(store, "h.local", 1, { now: 60_000 }).length, 1);
 * assert.equal(knownAnswers(store, "h.local", 1, { now: 60_001 }).length, 0);
 * ```
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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isKnownAbsent } from "./_peer_read.ts";
 * import { PeerInserter } from "./_peer_insert.ts";
 * import { PeerStore } from "./_peer_store.ts";
 * import { PeerEvents } from "./_peer_events.ts";
 * const events = new PeerEvents(() => {});
 * const store = new PeerStore(1 << 20, () => 0, events);
 * new PeerInserter(store, events).insertRecord({
 *   name: "h.local", type: 47, class: 1, cacheFlush: true, ttl: 120,
 *   data: { nextName: "h.local", types: [1] }, // it has an A record and nothing else
 * }, { interfaceName: "eth0", now: 0 });
 * assert.equal(isKnownAbsent(store, "h.local", 28), true);
 * assert.equal(isKnownAbsent(store, "h.local", 1), false); // listed: not absent, just not cached
 * ```
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
