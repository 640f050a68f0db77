/**
 * The querier's public types: browse events, options and the browser.
 *
 * @module
 */

import type { ServiceInfo } from "../cache/service_info.ts";
import type { RemovalReason } from "../cache/peer_record.ts";

export type { ServiceAddress, ServiceInfo } from "../cache/service_info.ts";

/**
 * A change to a browsed service. With `resolve` (the default) `added` comes
 * once SRV, TXT and at least one address are known, `updated` when any of
 * them changes, `removed` when the service leaves.
 *
 * Only the PTR that lists a service decides whether it is there, as in Avahi,
 * python-zeroconf and `dns-sd -B`: `removed` comes when the last live PTR
 * listing it goes (its goodbye plus one second, RFC 6762 §10.1; its expiry;
 * a flush, §10.4-§10.5; the link it was heard on going away). While a PTR
 * lists it, a service that is briefly incomplete (its SRV moved to a host
 * whose address has not come yet, its host renumbered with a goodbye before
 * the new address, a TXT said goodbye to before its successor) produces no
 * event: the browse keeps its last whole state (in `services()` too), asks
 * for what is missing, and reports one `updated` with the new state once the
 * service is whole again. A host that vanishes without a goodbye stays listed
 * until its PTR expires or is flushed by `reconfirm()` or by other hosts'
 * unanswered queries (§10.4, §10.5), or, with `refreshResolved`, until its
 * SRV's refreshes go unanswered (about 2.5 minutes). A service whose records
 * merely ran out (a browse refreshes only its PTRs) keeps its last whole
 * state too, and is not asked for again.
 *
 * A service this stack publishes itself is listed too, with `local: true`
 * (see `ServiceInfo.local`): `added` once its records are registered (past
 * probing, RFC 6762 §8), with no packet needed, and `removed` when it is
 * unpublished. If the network also answers for that name, ours is shown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { BrowseEvent } from "./types.ts";
 * const e: BrowseEvent = {
 *   type: "added",
 *   service: {
 *     fullName: "Den._http._tcp.local", name: "Den", type: "_http._tcp", domain: "local",
 *     host: "den.local", port: 80, priority: 0, weight: 0, txt: undefined, ttl: 4500,
 *     interfaces: ["eth0"], complete: false,
 *     addresses: [{ address: "198.18.0.9", family: "IPv4", interfaceName: "eth0" }],
 *   },
 * };
 * assert.equal(`${e.type} ${e.service.name} ${e.service.addresses[0].address}`, "added Den 198.18.0.9");
 * const gone: BrowseEvent = { type: "removed", service: e.service, reason: "goodbye" };
 * assert.equal(gone.type === "removed" && gone.reason, "goodbye");
 * ```
 */
export type BrowseEvent =
  | { readonly type: "added" | "updated"; readonly service: ServiceInfo }
  | {
    readonly type: "removed";
    /** The service as it was last seen. */
    readonly service: ServiceInfo;
    /**
     * Why it left: the reason the last PTR listing it left the peer cache
     * (`goodbye`, `expired`, `flushed`, `purged`, `evicted`, `link-gone`,
     * `cleared`);
     * `goodbye` for one of ours that was unpublished.
     */
    readonly reason: RemovalReason;
  };

/**
 * A service type seen (or no longer seen) on the network, from type browsing
 * (`browse()` with no type: RFC 6763 §9). The types this stack publishes are
 * listed too, on every link it is on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ServiceTypeEvent } from "./types.ts";
 * const e: ServiceTypeEvent = {
 *   type: "added", serviceType: "_http._tcp", domain: "local", interfaces: ["eth0"],
 * };
 * assert.equal(e.serviceType, "_http._tcp");
 * const gone: ServiceTypeEvent = { ...e, type: "removed", reason: "expired" };
 * assert.equal(gone.type === "removed" && gone.reason, "expired");
 * ```
 */
export type ServiceTypeEvent =
  & ServiceTypeInfo
  & (
    | { readonly type: "added" }
    | {
      readonly type: "removed";
      /** Why it left: the reason the last PTR listing it left the peer cache. */
      readonly reason: RemovalReason;
    }
  );

/**
 * A service type a type browse (`browse()` with no type, RFC 6763 §9) lists:
 * what its `services()` returns and its events carry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ServiceTypeInfo } from "./types.ts";
 * const t: ServiceTypeInfo = { serviceType: "_ipp._tcp", domain: "local", interfaces: ["eth0"] };
 * assert.equal(`${t.serviceType}.${t.domain}`, "_ipp._tcp.local");
 * ```
 */
export interface ServiceTypeInfo {
  /** The service type without its domain, `_ipp._tcp`. */
  readonly serviceType: string;
  /** Its domain, `local`. */
  readonly domain: string;
  /** The links it was seen on, sorted. */
  readonly interfaces: readonly string[];
}

/**
 * Options for `browse`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { BrowseOptions } from "./types.ts";
 * const options: BrowseOptions = { subtype: "_printer", interfaces: ["eth0"] };
 * assert.equal(options.resolve, undefined); // resolves by default
 * ```
 */
export interface BrowseOptions {
  /** Only instances of this subtype (`_printer`, without `._sub`). */
  subtype?: string;
  /** Ask for SRV, TXT and addresses and report only complete services. @default {true} */
  resolve?: boolean;
  /**
   * With `resolve`, keep each service's SRV, TXT and address records fresh:
   * ask for them again at 80-95 % of their TTL (RFC 6762 §5.2), so a host
   * that stops answering without a goodbye is `removed` (`purged`) about two
   * and a half minutes later. It costs every browsed host a response about
   * every 100 s per browsed type (SRV and address records live 120 s, §10).
   * Without it, as with Avahi, python-zeroconf and `dns-sd -B`, a browse
   * refreshes only its PTRs (75 minutes): changes still come, announced by
   * their hosts (§8.4), and a service whose records ran out keeps its last
   * whole state until an answer brings them again; a silent host stays
   * listed until its PTR expires or is flushed (§10.4, §10.5). @default {false}
   */
  refreshResolved?: boolean;
  /** Only these links. */
  interfaces?: string[];
  /** Abort to end the browse (`endReason` "aborted"). */
  signal?: AbortSignal;
  /**
   * How many services may wait unread. A slow reader never stalls the stack:
   * events for one service coalesce while unread (its latest state wins:
   * `added` then `removed` unread is nothing, `removed` then `added` is
   * `updated`), so at most one event per service waits. Past this many
   * services waiting, the browser keeps no queue at all and, when next read,
   * compares what the reader has seen with the current state, so memory stays
   * bounded by what the peer cache holds. @default {1024}
   */
  bufferSize?: number;
}

/**
 * A running browse: iterate it for events; it ends when its signal aborts,
 * the loop breaks, it is disposed, the peer cache is cleared or the stack
 * closes, and `endReason` says which.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Browser, BrowseEvent } from "./types.ts";
 * import { Mdns } from "../mdns.ts";
 * import { MemoryNetwork, VirtualClock } from "../testing/mod.ts";
 * const clock = new VirtualClock();
 * const host = new MemoryNetwork({ clock }).host("a", {
 *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
 * });
 * await using mdns = await Mdns.start({ transport: host, clock });
 * const browser: Browser<BrowseEvent> = mdns.browse("_http._tcp");
 * queueMicrotask(() => mdns.peerCache.clear());
 * for await (const _ of browser) assert.fail("nothing was published");
 * assert.equal(browser.endReason, "cleared");
 * assert.deepEqual(browser.services(), []);
 * ```
 */
export interface Browser<E, T = ServiceInfo> extends AsyncIterable<E>, AsyncDisposable {
  /** Why the iteration ended, undefined while it runs. */
  readonly endReason: "aborted" | "cleared" | "closed" | "disposed" | undefined;
  /**
   * What the browse knows now: the complete services of a service browse;
   * for a type browse (`Browser<ServiceTypeEvent, ServiceTypeInfo>`) the
   * service types, with the links each is on.
   */
  services(): T[];
}

/**
 * Options for `resolve`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResolveOptions } from "./types.ts";
 * const options: ResolveOptions = { timeout: 5000 };
 * assert.equal(options.timeout, 5000);
 * ```
 */
export interface ResolveOptions {
  /** Milliseconds to wait for a complete answer. @default {3000} */
  timeout?: number;
  /** Abort to give up (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Only these links. */
  interfaces?: string[];
}

/**
 * A service named by its parts, for `resolve`: the instance label `name`
 * (any characters, dots included: `Mr. Printer`) and the service `type`
 * (`_ipp._tcp`, or `_ipp._tcp.local`). Without `name`, `resolve` returns the
 * first complete service of the type it finds (the NetX seed's one-shot query
 * by type): ours first, then the peer cache, then what the network answers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ServiceRef } from "./types.ts";
 * const printer: ServiceRef = { name: "Mr. Printer", type: "_ipp._tcp" };
 * const anyPrinter: ServiceRef = { type: "_ipp._tcp" };
 * assert.equal(printer.name, "Mr. Printer");
 * assert.equal(anyPrinter.name, undefined);
 * ```
 */
export interface ServiceRef {
  /** The instance label, unescaped; omit it for the first service of the type. */
  readonly name?: string;
  /** The service type, `_ipp._tcp` (the domain is `local`). */
  readonly type: string;
}

/**
 * Options for `lookupHost`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LookupHostOptions } from "./types.ts";
 * const options: LookupHostOptions = { family: "IPv6" };
 * assert.equal(options.family, "IPv6");
 * ```
 */
export interface LookupHostOptions {
  /** Milliseconds to wait for an answer. @default {3000} */
  timeout?: number;
  /**
   * Only this family: the first address settles the lookup. Both otherwise:
   * after the first address the lookup waits up to `HOST_FAMILY_WAIT_MS`
   * (100 ms; plus the first query's 20-120 ms when one family came from the
   * cache) for the other family, or an NSEC saying the host has none (RFC
   * 6762 §6.1), so IPv4 and IPv6 addresses come back together. The timeout
   * bounds the whole: what is known by then is the answer.
   */
  family?: "IPv4" | "IPv6";
  /** Abort to give up (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Only these links: asked there, and answered with what was heard there. */
  interfaces?: string[];
}

/**
 * Options for `lookupAddress`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LookupAddressOptions } from "./types.ts";
 * const options: LookupAddressOptions = { timeout: 1000 };
 * assert.equal(options.timeout, 1000);
 * ```
 */
export interface LookupAddressOptions {
  /** Milliseconds to wait for an answer. @default {3000} */
  timeout?: number;
  /** Abort to give up (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Only these links: asked there, and answered with what was heard there. */
  interfaces?: string[];
}
