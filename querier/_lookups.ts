/**
 * The querier's one-shot operations (the NetX seed's one-shot query): resolve
 * an instance, look up a host's addresses, look up an address's host names.
 * Each answers from the peer cache when it can, otherwise asks until the
 * first complete answer, a proof there is none (an NSEC, RFC 6762 §6.1), the
 * timeout or the signal. Internal: the `Querier` exposes them.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import type { Clock } from "../clock.ts";
import type { PeerServiceCache } from "../cache/peer_cache.ts";
import { serviceInfo } from "../cache/service_assembly.ts";
import type { ServiceAddress, ServiceInfo } from "../cache/service_info.ts";
import {
  parseServiceInstanceName,
  parseServiceType,
  serviceInstanceName,
  serviceTypeName,
} from "../dnssd/service_name.ts";
import { ServiceBrowseSource, type Session, type SourceHost } from "./_browse_sources.ts";
import { DEFAULT_LOOKUP_TIMEOUT_MS } from "./_constants.ts";
import { InstanceTracker, TrackerGroup } from "./_instance_tracker.ts";
import { addressTypes } from "./_address_types.ts";
import { askUntilDone, cachedAddresses, OneShot, reverseName } from "./_one_shot.ts";
import { FamilyWait } from "./_family_wait.ts";
import { LookupError, ResolveError } from "./errors.ts";
import type {
  LookupAddressOptions,
  LookupHostOptions,
  ResolveOptions,
  ServiceRef,
} from "./types.ts";

/**
 * The one-shot lookups of one querier, and the ones still running (so
 * closing the querier can reject them).
 */
export class Lookups {
  #cache: PeerServiceCache;
  #clock: Clock;
  #host: SourceHost;
  #settled: (session: Session) => void;
  /** The running lookups, each with the error it rejects with when the stack closes. */
  #shots = new Map<OneShot<unknown>, () => Error>();
  /** The browse sources of running resolves by type, told when what we publish changes. */
  #sources = new Set<ServiceBrowseSource>();
  #closed = false;

  /**
   * Lookups that read `cache`, time out on `clock` and ask through `host`;
   * `settled(shot)` is called as each one settles.
   */
  constructor(
    cache: PeerServiceCache,
    clock: Clock,
    host: SourceHost,
    settled: (session: Session) => void,
  ) {
    this.#cache = cache;
    this.#clock = clock;
    this.#host = host;
    this.#settled = settled;
  }

  /** See `Querier.resolve`: every bad argument rejects, as `publish()` does. */
  resolve(service: string | ServiceRef, options?: ResolveOptions): Promise<ServiceInfo> {
    try {
      if (typeof service === "object" && service !== null && service.name === undefined) {
        return this.#resolveType(service.type, options);
      }
      return this.#resolveInstance(instanceFullName(service), options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #resolveInstance(instance: string, options: ResolveOptions | undefined): Promise<ServiceInfo> {
    let missing: readonly ("srv" | "txt" | "address")[] = ["srv", "txt", "address"];
    const closed = () => new ResolveError(instance, missing, { reason: "closed" });
    const refused = this.#refused(options, closed);
    if (refused !== undefined) return refused;
    const interfaces = options?.interfaces;
    // Ours first (seed 004: the local service cache before the peer cache).
    const mine = () => this.#host.local?.service(instance, interfaces);
    const own = mine();
    if (own !== undefined) return Promise.resolve(own);
    const cached = serviceInfo(this.#cache, instance, { now: this.#clock.now(), interfaces });
    if (cached !== undefined && cached.missing.length === 0) return Promise.resolve(cached.service);
    missing = cached?.missing ?? missing;
    const box: { tracker?: InstanceTracker } = {};
    const shot = this.#oneShot<ServiceInfo>(
      instance,
      options,
      () => {
        const own = mine();
        if (own !== undefined) return own;
        const found = box.tracker?.update(undefined);
        missing = found?.missing ?? ["srv", "txt", "address"];
        return found !== undefined && found.missing.length === 0 ? found.service : undefined;
      },
      () => new ResolveError(instance, missing),
      closed,
    );
    if (shot.done) return shot.promise;
    const tracker = new InstanceTracker(
      new TrackerGroup(this.#host, {
        interfaces,
        followUps: true,
        changed: () => this.#host.dirty(shot),
      }),
      instance,
    );
    box.tracker = tracker;
    tracker.update(undefined);
    shot.onDone(() => tracker.close());
    return shot.promise;
  }

  // The NetX seed's one-shot query by type ("the first complete service
  // received is returned"): a browse of the type that resolves what it lists,
  // followed until its first complete service; ours and the cached ones are
  // read before any packet, in the order the browse lists them.
  #resolveType(type: string, options: ResolveOptions | undefined): Promise<ServiceInfo> {
    const ptrName = serviceTypeName(parseServiceType(type, { strict: false }));
    const missing = ["srv", "txt", "address"] as const;
    const closed = () => new ResolveError(ptrName, missing, { reason: "closed" });
    const refused = this.#refused(options, closed);
    if (refused !== undefined) return refused;
    const box: { source?: ServiceBrowseSource } = {};
    const shot = this.#oneShot<ServiceInfo>(
      ptrName,
      options,
      () => {
        box.source?.update();
        const found = box.source?.services() ?? [];
        return found.find((s) => s.local === true) ?? found[0]; // ours first (seed 004)
      },
      () => new ResolveError(ptrName, missing),
      closed,
    );
    // The source's changes are the shot's: flushing the shot flushes the source.
    const host: SourceHost = { ...this.#host, dirty: () => this.#host.dirty(shot) };
    const source = new ServiceBrowseSource(host, ptrName, options?.interfaces, true);
    box.source = source;
    this.#sources.add(source);
    shot.onDone(() => {
      this.#sources.delete(source);
      source.stop();
    });
    shot.update();
    return shot.promise;
  }

  /** See `Querier.lookupHost`. */
  lookupHost(name: string, options?: LookupHostOptions): Promise<ServiceAddress[]> {
    try {
      return this.#lookupHost(name, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #lookupHost(name: string, options: LookupHostOptions | undefined): Promise<ServiceAddress[]> {
    if (typeof name !== "string" || !/\.local\.?$/i.test(name)) {
      throw new TypeError(`Cannot look up host: not a .local name: ${name}`);
    }
    const closed = () => new LookupError(name, "the stack closed", { reason: "closed" });
    const refusedNow = this.#refused(options, closed);
    if (refusedNow !== undefined) return refusedNow;
    const family = options?.family;
    const interfaces = options?.interfaces;
    // RFC 6762 §6.1: a live NSEC listing neither type says the host has none.
    const absent = (type: number) => {
      const now = this.#clock.now();
      return interfaces === undefined
        ? this.#cache.isKnownAbsent(name, type, { now })
        : interfaces.some((i) => this.#cache.isKnownAbsent(name, type, { interfaceName: i, now }));
    };
    const refuted = () =>
      addressTypes(family).every(absent)
        ? new LookupError(name, "no address (the host says so)", { reason: "absent" })
        : undefined;
    const wait = new FamilyWait(this.#clock, family, options?.timeout, {
      // Our own host name: the addresses we publish, no packet needed.
      local: () => this.#host.local?.addresses(name, family, interfaces) ?? [],
      cached: () => cachedAddresses(this.#cache, name, family, this.#clock.now(), interfaces),
      absent,
    });
    const cached = wait.check(true);
    if (cached !== undefined) return Promise.resolve(cached);
    const none = refuted();
    if (none !== undefined) return Promise.reject(none);
    const shot = this.#oneShot(
      name,
      options,
      () => wait.check(false),
      () => new LookupError(name, "no address"),
      closed,
      refuted,
    );
    wait.onRecheck(() => this.#host.dirty(shot));
    shot.onDone(() => wait.cancel());
    if (!shot.done) askUntilDone(this.#host, shot, name, wait.missing(), interfaces);
    return shot.promise;
  }

  /** See `Querier.lookupAddress`. */
  lookupAddress(ip: string, options?: LookupAddressOptions): Promise<string[]> {
    try {
      return this.#lookupAddress(ip, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #lookupAddress(ip: string, options: LookupAddressOptions | undefined): Promise<string[]> {
    const name = reverseName(ip);
    const closed = () => new LookupError(ip, "the stack closed", { reason: "closed" });
    const refused = this.#refused(options, closed);
    if (refused !== undefined) return refused;
    const interfaces = options?.interfaces;
    const found = () => {
      const names = [
        ...this.#host.local?.listed(name) ?? [], // our own reverse mappings first
        ...this.#cache.lookup(name, RecordType.PTR, { now: this.#clock.now() })
          .filter((r) => interfaces === undefined || interfaces.includes(r.interfaceName))
          .map((r) => r.data as string),
      ];
      return names.length > 0 ? [...new Set(names)] : undefined;
    };
    const cached = found();
    if (cached !== undefined) return Promise.resolve(cached);
    const shot = this.#oneShot(
      ip,
      options,
      found,
      () => new LookupError(ip, "no host name"),
      closed,
    );
    if (!shot.done) askUntilDone(this.#host, shot, name, [RecordType.PTR], interfaces);
    return shot.promise;
  }

  /** Something we publish changed: the running lookups check again (after this task). */
  recheck(): void {
    for (const source of this.#sources) source.localChanged();
    for (const shot of this.#shots.keys()) this.#host.dirty(shot);
  }

  /**
   * Rejects the running lookups, and every later one, saying the stack
   * closed (in the error type each call documents).
   */
  close(): void {
    this.#closed = true;
    for (const [shot, closed] of [...this.#shots]) shot.abort(closed());
  }

  // Before the cache is read: an aborted signal rejects with its reason, a
  // closed stack with `closed()`, whatever the cache holds.
  #refused(
    options: { signal?: AbortSignal } | undefined,
    closed: () => Error,
  ): Promise<never> | undefined {
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason);
    if (this.#closed) return Promise.reject(closed());
    return undefined;
  }

  #oneShot<T>(
    name: string,
    options: { timeout?: number; signal?: AbortSignal } | undefined,
    check: () => T | undefined,
    fail: () => Error,
    closed: () => Error,
    refuted?: () => Error | undefined,
  ): OneShot<T> {
    const timeout = options?.timeout ?? DEFAULT_LOOKUP_TIMEOUT_MS;
    if (!(timeout >= 0)) throw new RangeError(`Invalid timeout: ${timeout}, must be 0 or more`);
    const shot = new OneShot<T>(name, this.#clock, timeout, options?.signal, check, fail, refuted);
    const any = shot as OneShot<unknown>;
    this.#shots.set(any, closed);
    shot.onDone(() => {
      this.#shots.delete(any);
      this.#settled(any);
    });
    return shot;
  }
}

/**
 * The full instance name `resolve` looks up: the name as given (escaped,
 * RFC 6763 §4.3), or built from `{ name, type }` (the label taken as is, so a
 * dot in it is part of the label).
 *
 * @throws {TypeError} When it is neither a service instance name nor a `{ name, type }`.
 * @throws {RangeError} When a label is out of range.
 */
function instanceFullName(service: string | ServiceRef): string {
  if (typeof service === "string") return parseServiceInstanceName(service).fullName;
  if (typeof service !== "object" || service === null) {
    throw new TypeError(
      `Cannot resolve: expected a service instance name or { name, type }, got ${
        service === null ? "null" : typeof service
      }`,
    );
  }
  return serviceInstanceName(service.name!, service.type);
}
