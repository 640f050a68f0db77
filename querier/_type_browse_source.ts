/**
 * What type browsing follows: the service types `_services._dns-sd._udp.local`
 * lists (RFC 6763 §9) in the peer cache, and the types this stack publishes
 * itself (from the local cache), each with the links it is seen on. Internal.
 *
 * @module
 */

import { nameKey, RecordType } from "../codec/mod.ts";
import type { PeerWatch } from "../cache/peer_watch.ts";
import type { ServiceInfo } from "../cache/service_info.ts";
import { parseServiceType } from "../dnssd/service_name.ts";
import type { BrowseSource, StreamBrowser } from "./_browser.ts";
import type { LocalSession, SourceHost } from "./_browse_sources.ts";
import type { ContinuousQuestion } from "./_questions.ts";
import type { ServiceTypeEvent } from "./types.ts";

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
 * import { TypeBrowseSource } from "./_type_browse_source.ts";
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
export class TypeBrowseSource implements BrowseSource<TypeState, ServiceTypeEvent>, LocalSession {
  #host: SourceHost;
  #ptrName: string;
  #interfaces: readonly string[] | undefined;
  #question: ContinuousQuestion;
  #watch: PeerWatch;
  #dirty = new Set<string>();
  #current = new Map<string, TypeState>();
  #browser: StreamBrowser<TypeState, ServiceTypeEvent> | undefined;
  #mine = new Map<string, string>(); // the types we publish, by key
  #mineStale: boolean;

  /** Starts following the types `ptrName` lists; asks for them continuously. */
  constructor(host: SourceHost, ptrName: string, interfaces: readonly string[] | undefined) {
    this.#host = host;
    this.#mineStale = host.local !== undefined;
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

  /** Connects the browser that reads this source, and updates from what the cache already held. */
  attach(browser: StreamBrowser<TypeState, ServiceTypeEvent>): void {
    this.#browser = browser;
    this.update();
  }

  #mark(typeName: string): void {
    this.#dirty.add(typeName);
    this.#host.dirty(this);
  }

  /** Something we publish changed: our own types are read again at the next update. */
  localChanged(): void {
    if (this.#host.local === undefined) return;
    this.#mineStale = true;
    this.#host.dirty(this);
  }

  update(): void {
    const now = this.#host.now();
    const local = this.#host.local;
    if (this.#mineStale && local !== undefined) {
      this.#mineStale = false;
      const mine = new Map(local.listed(this.#ptrName).map((name) => [nameKey(name), name]));
      for (const [key, typeName] of [...this.#mine, ...mine]) {
        if (this.#mine.get(key) !== mine.get(key)) this.#dirty.add(typeName);
      }
      this.#mine = mine;
    }
    const ptrs = this.#host.cache.lookup(this.#ptrName, RecordType.PTR, { now });
    for (const typeName of this.#dirty) {
      this.#dirty.delete(typeName);
      const key = nameKey(typeName);
      // Types we publish are on every link we are on.
      const links = new Set<string>(this.#mine.has(key) ? local!.links(this.#interfaces) : []);
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
            serviceType: `${type.serviceName}.${type.protocol}`,
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
