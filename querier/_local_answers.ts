/**
 * What the querier answers from the local cache: the services and host names
 * this stack publishes, so its own browse, resolve and lookups see them
 * (issue 14), marked `local: true`, with no packet needed. Avahi reports its
 * own services with `AVAHI_LOOKUP_RESULT_LOCAL`, mDNSResponder answers local
 * questions from its own registered records, and seed 004's one-shot query
 * searches the local service cache before the peer cache. Only registered
 * records count (`LocalRecord.registered`: past probing, RFC 6762 §8), never
 * a name still being probed or one whose goodbye is pending.
 *
 * The querier is handed the local cache's read side
 * ({@linkcode LocalCacheReader}) as it is handed the peer cache, never the
 * stack. Internal.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import type { LocalCacheReader } from "../cache/local_cache.ts";
import type { ServiceAddress, ServiceInfo } from "../cache/service_info.ts";
import { localAddresses, localServiceInfo } from "../cache/local_view.ts";
import type { NetworkLink } from "../transport/transport.ts";
import { addressTypes } from "./_address_types.ts";

/**
 * Our own services and host names, as the querier's sessions read them.
 */
export class LocalAnswers {
  #cache: LocalCacheReader;
  #links: () => readonly NetworkLink[];

  /** Answers from `cache`, shown on the links `links()` returns. */
  constructor(cache: LocalCacheReader, links: () => readonly NetworkLink[]) {
    this.#cache = cache;
    this.#links = links;
  }

  /** Calls `listener` when anything we publish changes; returns a function that stops it. */
  onChange(listener: () => void): () => void {
    return this.#cache.onChange(listener);
  }

  /** The names our registered PTRs at `ptrName` point to (instances, or types for `_services`). */
  listed(ptrName: string): string[] {
    return this.#cache.lookup(ptrName, RecordType.PTR)
      .filter((r) => r.registered)
      .map((r) => r.record.data as string);
  }

  /** The links our records are shown on (only `interfaces` when given). */
  links(interfaces: readonly string[] | undefined): string[] {
    const names = this.#links().map((l) => l.name);
    return interfaces === undefined ? names : names.filter((n) => interfaces.includes(n));
  }

  /** Our service `instance`, whole and registered, on `interfaces` (every link when undefined). */
  service(instance: string, interfaces: readonly string[] | undefined): ServiceInfo | undefined {
    return localServiceInfo(this.#cache, instance, { links: this.links(undefined), interfaces });
  }

  /** The addresses we publish for `hostName` (one family, or both). */
  addresses(
    hostName: string,
    family: "IPv4" | "IPv6" | undefined,
    interfaces?: readonly string[],
  ): ServiceAddress[] {
    return localAddresses(this.#cache, hostName, addressTypes(family), {
      links: this.links(undefined),
      interfaces,
    });
  }
}
