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
import { serviceInfo } from "../cache/service_info.ts";
import type { ServiceAddress, ServiceInfo } from "../cache/service_info.ts";
import { parseServiceInstanceName } from "../dnssd/service_name.ts";
import type { Session, SourceHost } from "./_browse_sources.ts";
import { DEFAULT_LOOKUP_TIMEOUT_MS } from "./_constants.ts";
import { InstanceTracker } from "./_instance_tracker.ts";
import { addressTypes, askUntilDone, cachedAddresses, OneShot, reverseName } from "./_one_shot.ts";
import { LookupError, ResolveError } from "./errors.ts";
import type { LookupAddressOptions, LookupHostOptions, ResolveOptions } from "./types.ts";

/**
 * The one-shot lookups of one querier, and the ones still running (so
 * closing the querier can reject them).
 *
 * @example An address found in the peer cache, with no query sent
 * ```ts
 * import assert from "node:assert/strict";
 * import { Lookups } from "./_lookups.ts";
 * import { PeerServiceCache } from "../cache/peer_cache.ts";
 * import { QuestionSet } from "./_questions.ts";
 * import { VirtualClock } from "../testing/mod.ts";
 * const clock = new VirtualClock();
 * const cache = new PeerServiceCache();
 * const questions = new QuestionSet(() => 0);
 * const lookups = new Lookups(cache, clock, {
 *   cache, now: () => clock.now(),
 *   ask: (name, type, ifs) => questions.ask(name, type, ifs, clock.now()),
 *   release: (q) => questions.release(q),
 *   dirty: (session) => session.flush(),
 * }, () => {});
 * cache.insertRecord(
 *   { name: "box.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.7" },
 *   { interfaceName: "eth0", now: clock.now() },
 * );
 * const [found] = await lookups.lookupHost("box.local");
 * assert.equal(found.address, "198.18.0.7");
 * assert.equal(questions.size, 0);
 * lookups.close();
 * await assert.rejects(lookups.lookupAddress("198.18.0.7"), /the stack closed/);
 * ```
 */
export class Lookups {
  #cache: PeerServiceCache;
  #clock: Clock;
  #host: SourceHost;
  #settled: (session: Session) => void;
  /** The running lookups, each with the error it rejects with when the stack closes. */
  #shots = new Map<OneShot<unknown>, () => Error>();
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

  /** See `Querier.resolve`. */
  resolve(instance: string, options?: ResolveOptions): Promise<ServiceInfo> {
    parseServiceInstanceName(instance);
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
    const tracker = new InstanceTracker(this.#host, instance, interfaces, true, () => {
      this.#host.dirty(shot);
    });
    box.tracker = tracker;
    tracker.update(undefined);
    shot.onDone(() => tracker.close());
    return shot.promise;
  }

  /** See `Querier.lookupHost`. */
  lookupHost(name: string, options?: LookupHostOptions): Promise<ServiceAddress[]> {
    if (!/\.local\.?$/i.test(name)) {
      throw new TypeError(`Cannot look up host: not a .local name: ${name}`);
    }
    const closed = () => new LookupError(name, "the stack closed");
    const refusedNow = this.#refused(options, closed);
    if (refusedNow !== undefined) return refusedNow;
    const family = options?.family;
    const interfaces = options?.interfaces;
    const found = () => {
      // Our own host name: the addresses we publish, no packet needed.
      const mine = this.#host.local?.addresses(name, family, interfaces) ?? [];
      if (mine.length > 0) return mine;
      const out = cachedAddresses(this.#cache, name, family, this.#clock.now(), interfaces);
      return out.length > 0 ? out : undefined;
    };
    // RFC 6762 §6.1: a live NSEC listing neither type says the host has none.
    const absent = (type: number) => {
      const now = this.#clock.now();
      return interfaces === undefined
        ? this.#cache.isKnownAbsent(name, type, { now })
        : interfaces.some((i) => this.#cache.isKnownAbsent(name, type, { interfaceName: i, now }));
    };
    const refuted = () =>
      addressTypes(family).every(absent)
        ? new LookupError(name, "no address (the host says so)")
        : undefined;
    const cached = found();
    if (cached !== undefined) return Promise.resolve(cached);
    const none = refuted();
    if (none !== undefined) return Promise.reject(none);
    const shot = this.#oneShot(
      name,
      options,
      found,
      () => new LookupError(name, "no address"),
      closed,
      refuted,
    );
    if (!shot.done) askUntilDone(this.#host, shot, name, addressTypes(family), interfaces);
    return shot.promise;
  }

  /** See `Querier.lookupAddress`. */
  lookupAddress(ip: string, options?: LookupAddressOptions): Promise<string[]> {
    const name = reverseName(ip);
    const closed = () => new LookupError(ip, "the stack closed");
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
