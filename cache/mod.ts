/**
 * The two caches of the stack (NetX Duo's design, with a byte budget in place
 * of a fixed arena): {@linkcode LocalServiceCache} holds what this node
 * publishes, {@linkcode PeerServiceCache} what it heard from the network.
 * Each interns its owner names in a refcounted name table of its own (a
 * thousand records under one name hold it once); the two share none, so
 * each counts exactly the bytes of its own names against its budget.
 *
 * @example Browsing the peer cache
 * ```ts
 * import assert from "node:assert/strict";
 * import { LocalServiceCache, PeerServiceCache } from "./mod.ts";
 * import { serviceRecords } from "../dnssd/mod.ts";
 *
 * const peers = new PeerServiceCache({ maxBytes: 1 << 20 });
 * const events: string[] = [];
 * peers.subscribe((e) => events.push(`${e.type} ${e.record.name} ${e.record.type}`));
 * const heard = serviceRecords({
 *   name: "Den", type: "_http._tcp", host: "den.local", port: 80, addresses: ["198.18.0.9"],
 * });
 * for (const r of heard.records) peers.insertRecord(r, { interfaceName: "eth0", now: 0 });
 * assert.equal(events[0], "added _http._tcp.local 12"); // the PTR, then SRV, TXT, ...
 * assert.equal(events.length, heard.records.length);
 * const [den] = peers.lookupServices("_http._tcp");
 * assert.equal(den.complete, true);
 * assert.deepEqual(den.addresses.map((a) => a.address), ["198.18.0.9"]);
 *
 * const local = new LocalServiceCache();
 * local.addService({ name: "Mine", type: "_http._tcp", host: "me.local", port: 8080 });
 * assert.equal(local.owns("mine._http._tcp.local"), true);
 * ```
 *
 * @module
 */

export { PeerServiceCache } from "./peer_cache.ts";
export {
  LocalCacheView,
  PeerCacheView,
  type ReadonlyLocalRecord,
  type ReadonlyLocalService,
  type ViewLookupOptions,
} from "./cache_view.ts";
export {
  DEFAULT_PEER_CACHE_BYTES,
  type InsertContext,
  type InsertResult,
  type PeerCacheEvent,
  type PeerLookupOptions,
  type PeerRecordInput,
  type PeerServiceCacheOptions,
} from "./peer_cache_options.ts";
export { type PeerRecord, type PendingRemoval, type RemovalReason } from "./peer_record.ts";
export { type ServiceLookupOptions } from "./service_lookup.ts";
export { type ServiceAddress, type ServiceInfo } from "./service_info.ts";
export type { PeerWatch, PeerWatchOptions } from "./peer_watch.ts";
export {
  DEFAULT_LOCAL_CACHE_BYTES,
  type HostOptions,
  type LocalCacheReader,
  type LocalService,
  LocalServiceCache,
  type LocalServiceCacheOptions,
} from "./local_cache.ts";
export { LocalRecord, type LocalRecordState } from "./local_record.ts";
