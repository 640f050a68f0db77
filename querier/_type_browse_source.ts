/**
 * What type browsing follows: the service types `_services._dns-sd._udp.local`
 * lists (RFC 6763 §9) in the peer cache, and the types this stack publishes
 * itself (from the local cache), each with the links it is seen on. Internal.
 *
 * @module
 */

import { nameKey, RecordType } from "../codec/mod.ts";
import type { PeerWatch } from "../cache/peer_watch.ts";
import { parseServiceType } from "../dnssd/service_name.ts";
import type { BrowseSource, StreamBrowser } from "./_browser.ts";
import type { LocalSession, SourceHost } from "./_browse_sources.ts";
import type { ContinuousQuestion } from "./_questions.ts";
import { RemovalReasons } from "./_removal_reasons.ts";
import type { ServiceTypeEvent, ServiceTypeInfo } from "./types.ts";

type TypeState = ServiceTypeInfo;

/**
 * The service types `_services._dns-sd._udp.<domain>` lists (RFC 6763 §9).
 */
export class TypeBrowseSource
  implements BrowseSource<TypeState, ServiceTypeEvent, TypeState>, LocalSession {
  #host: SourceHost;
  #ptrName: string;
  #interfaces: readonly string[] | undefined;
  #question: ContinuousQuestion;
  #watch: PeerWatch;
  #dirty = new Set<string>();
  #current = new Map<string, TypeState>();
  #browser: StreamBrowser<TypeState, ServiceTypeEvent, TypeState> | undefined;
  #mine = new Map<string, string>(); // the types we publish, by key
  #mineStale: boolean;
  #reasons = new RemovalReasons();

  /** Starts following the types `ptrName` lists; asks for them continuously. */
  constructor(host: SourceHost, ptrName: string, interfaces: readonly string[] | undefined) {
    this.#host = host;
    this.#mineStale = host.local !== undefined;
    this.#ptrName = ptrName;
    this.#interfaces = interfaces;
    this.#watch = host.cache.watch(ptrName, (e) => {
      const typeName = e.record.data as string;
      if (e.type === "removed") this.#reasons.ptrLeft(nameKey(typeName), e.reason);
      this.#mark(typeName);
    }, {
      type: RecordType.PTR,
      now: host.now(),
    });
    for (const ptr of host.cache.lookup(ptrName, RecordType.PTR, { now: host.now() })) {
      this.#mark(ptr.data as string);
    }
    this.#question = host.ask(ptrName, RecordType.PTR, interfaces);
  }

  /** Connects the browser that reads this source, and updates from what the cache already held. */
  attach(browser: StreamBrowser<TypeState, ServiceTypeEvent, TypeState>): void {
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
      this.#reasons.settle(key, state !== undefined, before !== undefined);
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

  diff(
    prev: TypeState | undefined,
    cur: TypeState | undefined,
    key: string,
  ): ServiceTypeEvent | undefined {
    if (cur !== undefined && prev === undefined) return { type: "added", ...cur };
    if (cur === undefined) {
      const reason = this.#reasons.take(key);
      if (prev !== undefined) return { type: "removed", ...prev, reason };
    }
    return undefined;
  }

  services(): ServiceTypeInfo[] {
    return [...this.#current.values()];
  }

  stop(): void {
    this.#watch.cancel();
    this.#host.release(this.#question);
  }
}
