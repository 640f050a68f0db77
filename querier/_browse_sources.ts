/**
 * What a browse follows in the peer cache: the instances a service type's
 * PTRs list (each through an {@linkcode InstanceTracker}), or, for type
 * browsing, the types `_services._dns-sd._udp.local` lists (RFC 6763 §9).
 * Each keeps the latest state per key for its {@linkcode StreamBrowser}.
 * Internal.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import type { PeerWatch } from "../cache/peer_watch.ts";
import type { PeerRecord } from "../cache/peer_record.ts";
import type { ServiceInfo } from "../cache/service_info.ts";
import { nameKey } from "../codec/mod.ts";
import { parseServiceType } from "../dnssd/service_name.ts";
import type { BrowseSource, StreamBrowser } from "./_browser.ts";
import { InstanceTracker, type TrackerHost } from "./_instance_tracker.ts";
import type { ContinuousQuestion } from "./_questions.ts";
import type { BrowseEvent, ServiceTypeEvent } from "./types.ts";

/**
 * Something the querier brings up to date after each packet or timer run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Session } from "./_browse_sources.ts";
 * let flushed = 0;
 * const session: Session = { flush: () => flushed++ };
 * session.flush();
 * assert.equal(flushed, 1);
 * ```
 */
export interface Session {
  /** Applies the changes heard since the last flush. */
  flush(): void;
}

/**
 * What a browse source needs from the querier: a tracker host, plus a way to
 * be flushed.
 *
 * @example A host that flushes at once
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SourceHost } from "./_browse_sources.ts";
 * import { PeerServiceCache } from "../cache/peer_cache.ts";
 * import { QuestionSet } from "./_questions.ts";
 * const questions = new QuestionSet(() => 0);
 * const host: SourceHost = {
 *   cache: new PeerServiceCache(),
 *   now: () => 0,
 *   ask: (name, type, interfaces) => questions.ask(name, type, interfaces, 0),
 *   release: (q) => questions.release(q),
 *   dirty: (session) => session.flush(),
 * };
 * host.release(host.ask("_http._tcp.local", 12, undefined));
 * assert.equal(questions.size, 0);
 * ```
 */
export interface SourceHost extends TrackerHost {
  /** Asks the querier to flush `session` soon (after the current packet or timer run). */
  dirty(session: Session): void;
}

/**
 * True when two service states would look the same to a reader: host, port,
 * TXT, addresses and links (not the TTL, which changes every second).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameService } from "./_browse_sources.ts";
 * import type { ServiceInfo } from "../cache/service_info.ts";
 * const s: ServiceInfo = {
 *   fullName: "A._http._tcp.local", name: "A", type: "_http._tcp", domain: "local",
 *   host: "a.local", port: 80, txt: undefined, addresses: [], interfaces: ["eth0"], ttl: 120,
 * };
 * assert.equal(sameService(s, { ...s, ttl: 60 }), true);
 * assert.equal(sameService(s, { ...s, port: 81 }), false);
 * ```
 */
export function sameService(a: ServiceInfo, b: ServiceInfo): boolean {
  if (a.host !== b.host || a.port !== b.port) return false;
  if (a.txt === undefined ? b.txt !== undefined : b.txt === undefined || !a.txt.equals(b.txt)) {
    return false;
  }
  if (a.addresses.length !== b.addresses.length) return false;
  for (let i = 0; i < a.addresses.length; i++) {
    if (
      a.addresses[i].address !== b.addresses[i].address ||
      a.addresses[i].interfaceName !== b.addresses[i].interfaceName
    ) return false;
  }
  return a.interfaces.join(",") === b.interfaces.join(",");
}

/**
 * The instances of one service type (or subtype).
 *
 * @example The cache's complete services, before anything is asked
 * ```ts
 * import assert from "node:assert/strict";
 * import { ServiceBrowseSource } from "./_browse_sources.ts";
 * import { StreamBrowser } from "./_browser.ts";
 * import { PeerServiceCache } from "../cache/peer_cache.ts";
 * import { serviceRecords } from "../dnssd/service_records.ts";
 * import { QuestionSet } from "./_questions.ts";
 * const cache = new PeerServiceCache();
 * const set = serviceRecords({
 *   instance: "Den", type: "_http._tcp", host: "den.local", port: 80, addresses: ["198.18.0.9"],
 * });
 * for (const r of set.records) cache.insertRecord(r, { interfaceName: "eth0", now: 0 });
 * const questions = new QuestionSet(() => 0);
 * const source = new ServiceBrowseSource({
 *   cache, now: () => 0,
 *   ask: (name, type, ifs) => questions.ask(name, type, ifs, 0),
 *   release: (q) => questions.release(q),
 *   dirty: () => {},
 * }, "_http._tcp.local", undefined, true);
 * const browser = new StreamBrowser(source, 16);
 * source.attach(browser);
 * assert.deepEqual(browser.services().map((s) => s.name), ["Den"]);
 * assert.equal(questions.size, 1); // the PTR question; nothing to follow up
 * browser.end("disposed");
 * assert.equal(questions.size, 0);
 * ```
 */
export class ServiceBrowseSource implements BrowseSource<ServiceInfo, BrowseEvent>, Session {
  #host: SourceHost;
  #interfaces: readonly string[] | undefined;
  #resolve: boolean;
  #question: ContinuousQuestion;
  #watch: PeerWatch;
  #trackers = new Map<string, InstanceTracker>();
  #ptrs = new Map<string, PeerRecord[]>(); // live PTRs per instance: usually one per link
  #dirty = new Set<string>();
  #current = new Map<string, ServiceInfo>();
  #browser: StreamBrowser<ServiceInfo, BrowseEvent> | undefined;
  #stopped = false;

  /** Starts following the instances `ptrName`'s PTRs list; asks for them continuously. */
  constructor(
    host: SourceHost,
    ptrName: string,
    interfaces: readonly string[] | undefined,
    resolve: boolean,
  ) {
    this.#host = host;
    this.#interfaces = interfaces;
    this.#resolve = resolve;
    this.#watch = host.cache.watch(ptrName, (e) => this.#listed(e.record), {
      type: RecordType.PTR,
      now: host.now(),
    });
    for (const ptr of host.cache.lookup(ptrName, RecordType.PTR, { now: host.now() })) {
      this.#listed(ptr);
    }
    this.#question = host.ask(ptrName, RecordType.PTR, interfaces);
  }

  /** Connects the browser that reads this source, and flushes what the cache already held. */
  attach(browser: StreamBrowser<ServiceInfo, BrowseEvent>): void {
    this.#browser = browser;
    this.flush();
  }

  // A PTR of the type was added, refreshed or removed: the live ones are kept
  // per instance, so deciding whether an instance is listed costs no lookup.
  #listed(ptr: PeerRecord): void {
    if (this.#stopped) return;
    if (this.#interfaces !== undefined && !this.#interfaces.includes(ptr.interfaceName)) return;
    const instance = ptr.data as string;
    const key = nameKey(instance);
    const ptrs = this.#ptrs.get(key);
    if (ptr.live) {
      if (ptrs === undefined) this.#ptrs.set(key, [ptr]);
      else if (!ptrs.includes(ptr)) ptrs.push(ptr);
    } else if (ptrs !== undefined) {
      const rest = ptrs.filter((p) => p !== ptr);
      if (rest.length === 0) this.#ptrs.delete(key);
      else this.#ptrs.set(key, rest);
    }
    if (!this.#trackers.has(key)) {
      this.#trackers.set(
        key,
        new InstanceTracker(this.#host, instance, this.#interfaces, this.#resolve, () => {
          this.#dirty.add(key);
          this.#host.dirty(this);
        }),
      );
    }
    this.#dirty.add(key);
    this.#host.dirty(this);
  }

  /** Re-assembles the instances that changed and tells the browser. */
  flush(): void {
    if (this.#stopped) return;
    for (const key of this.#dirty) {
      this.#dirty.delete(key);
      const tracker = this.#trackers.get(key);
      if (tracker === undefined) continue;
      // Listed means a live PTR names it; only then follow-ups are worth asking.
      const ptrs = this.#ptrs.get(key);
      const listed = ptrs !== undefined;
      const found = tracker.update(ptrs ?? [], listed && this.#resolve);
      if (!listed) {
        tracker.close();
        this.#trackers.delete(key);
      }
      const whole = found !== undefined && (!this.#resolve || found.missing.length === 0);
      const before = this.#current.get(key);
      // Only the PTR says whether a service is there (as Avahi, python-zeroconf
      // and dns-sd -B decide): while one lists it, a part being replaced (an
      // SRV moved to a new host, a host renumbered, a TXT said goodbye to
      // before its successor) leaves the last whole state standing; the
      // follow-up questions ask for what is missing meanwhile.
      const state = !listed ? undefined : whole ? found.service : before;
      if (state === undefined) this.#current.delete(key);
      else this.#current.set(key, state);
      const changed = state === undefined
        ? before !== undefined
        : before === undefined || !sameService(before, state);
      if (changed) this.#browser?.notify(key);
    }
  }

  current(key: string): ServiceInfo | undefined {
    return this.#current.get(key);
  }

  keys(): Iterable<string> {
    return this.#current.keys();
  }

  diff(prev: ServiceInfo | undefined, cur: ServiceInfo | undefined): BrowseEvent | undefined {
    if (cur === undefined) {
      return prev === undefined ? undefined : { type: "removed", service: prev };
    }
    if (prev === undefined) return { type: "added", service: cur };
    return sameService(prev, cur) ? undefined : { type: "updated", service: cur };
  }

  services(): ServiceInfo[] {
    return [...this.#current.values()];
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#watch.cancel();
    this.#host.release(this.#question);
    for (const tracker of this.#trackers.values()) tracker.close();
    this.#trackers.clear();
  }
}

interface TypeState {
  readonly serviceType: string;
  readonly domain: string;
  readonly interfaces: readonly string[];
}

/**
 * The service types `_services._dns-sd._udp.<domain>` lists (RFC 6763 §9).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TypeBrowseSource } from "./_browse_sources.ts";
 * import { StreamBrowser } from "./_browser.ts";
 * import { PeerServiceCache } from "../cache/peer_cache.ts";
 * import { QuestionSet } from "./_questions.ts";
 * const cache = new PeerServiceCache();
 * cache.insertRecord({
 *   name: "_services._dns-sd._udp.local", type: 12, class: 1, cacheFlush: false, ttl: 4500,
 *   data: "_ipp._tcp.local",
 * }, { interfaceName: "eth0", now: 0 });
 * const questions = new QuestionSet(() => 0);
 * const source = new TypeBrowseSource({
 *   cache, now: () => 0,
 *   ask: (name, type, ifs) => questions.ask(name, type, ifs, 0),
 *   release: (q) => questions.release(q),
 *   dirty: () => {},
 * }, "_services._dns-sd._udp.local", undefined);
 * const browser = new StreamBrowser(source, 16);
 * source.attach(browser);
 * const it = browser[Symbol.asyncIterator]();
 * const { value } = await it.next();
 * assert.deepEqual(value, {
 *   type: "added", serviceType: "_ipp._tcp", domain: "local", interfaces: ["eth0"],
 * });
 * await it.return!();
 * ```
 */
export class TypeBrowseSource implements BrowseSource<TypeState, ServiceTypeEvent>, Session {
  #host: SourceHost;
  #ptrName: string;
  #interfaces: readonly string[] | undefined;
  #question: ContinuousQuestion;
  #watch: PeerWatch;
  #dirty = new Set<string>();
  #current = new Map<string, TypeState>();
  #browser: StreamBrowser<TypeState, ServiceTypeEvent> | undefined;

  /** Starts following the types `ptrName` lists; asks for them continuously. */
  constructor(host: SourceHost, ptrName: string, interfaces: readonly string[] | undefined) {
    this.#host = host;
    this.#ptrName = ptrName;
    this.#interfaces = interfaces;
    this.#watch = host.cache.watch(ptrName, (e) => this.#mark(e.record.data as string), {
      type: RecordType.PTR,
      now: host.now(),
    });
    for (const ptr of host.cache.lookup(ptrName, RecordType.PTR, { now: host.now() })) {
      this.#mark(ptr.data as string);
    }
    this.#question = host.ask(ptrName, RecordType.PTR, interfaces);
  }

  /** Connects the browser that reads this source, and flushes what the cache already held. */
  attach(browser: StreamBrowser<TypeState, ServiceTypeEvent>): void {
    this.#browser = browser;
    this.flush();
  }

  #mark(typeName: string): void {
    this.#dirty.add(typeName);
    this.#host.dirty(this);
  }

  flush(): void {
    const now = this.#host.now();
    const ptrs = this.#host.cache.lookup(this.#ptrName, RecordType.PTR, { now });
    for (const typeName of this.#dirty) {
      this.#dirty.delete(typeName);
      const key = nameKey(typeName);
      const links = new Set<string>();
      for (const r of ptrs) {
        if (nameKey(r.data as string) !== key) continue;
        if (this.#interfaces !== undefined && !this.#interfaces.includes(r.interfaceName)) continue;
        links.add(r.interfaceName);
      }
      let state: TypeState | undefined;
      if (links.size > 0) {
        try {
          const type = parseServiceType(typeName, { strict: false });
          state = {
            serviceType: `${type.name}.${type.protocol}`,
            domain: type.domain,
            interfaces: [...links].sort(),
          };
        } catch {
          state = undefined; // not a service type: nothing to report
        }
      }
      const before = this.#current.get(key);
      if (state === undefined) this.#current.delete(key);
      else this.#current.set(key, state);
      if ((before === undefined) !== (state === undefined)) this.#browser?.notify(key);
    }
  }

  current(key: string): TypeState | undefined {
    return this.#current.get(key);
  }

  keys(): Iterable<string> {
    return this.#current.keys();
  }

  diff(prev: TypeState | undefined, cur: TypeState | undefined): ServiceTypeEvent | undefined {
    if (cur !== undefined && prev === undefined) return { type: "added", ...cur };
    if (cur === undefined && prev !== undefined) return { type: "removed", ...prev };
    return undefined;
  }

  services(): ServiceInfo[] {
    return [];
  }

  stop(): void {
    this.#watch.cancel();
    this.#host.release(this.#question);
  }
}
