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
import type { Clock, Timer } from "../clock.ts";
import type { PeerServiceCache } from "../cache/peer_cache.ts";
import { serviceInfo } from "../cache/service_info.ts";
import type { ServiceAddress, ServiceInfo } from "../cache/service_info.ts";
import { parseServiceInstanceName } from "../dnssd/service_name.ts";
import type { Session, SourceHost } from "./_browse_sources.ts";
import {
  DEFAULT_LOOKUP_TIMEOUT_MS,
  FIRST_QUERY_MAX_DELAY_MS,
  HOST_FAMILY_WAIT_MS,
} from "./_constants.ts";
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
 *   dirty: (session) => session.update(),
 * }, () => {});
 * const at = { interfaceName: "eth0", now: clock.now() };
 * cache.insertRecord(
 *   { name: "box.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.7" },
 *   at,
 * );
 * cache.insertRecord(
 *   { name: "box.local", type: 28, class: 1, cacheFlush: true, ttl: 120, data: "fd00::7" },
 *   at,
 * );
 * const found = await lookups.lookupHost("box.local"); // both families known: no wait
 * assert.deepEqual(found.map((a) => a.address), ["198.18.0.7", "fd00::7"]);
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

/**
 * `lookupHost` with both families asked waits for the second family (or an
 * NSEC saying the host has none of it, RFC 6762 §6.1) up to
 * `HOST_FAMILY_WAIT_MS` after the first address, so a host's IPv4 and IPv6
 * addresses come back together; the lookup's timeout bounds the whole (what is
 * known settles the lookup just before it would fail). From a cache that holds
 * one family, the wait also covers the 20-120 ms before the first query
 * (§5.2). With one family asked, the first address settles it at once.
 */
class FamilyWait {
  #clock: Clock;
  #family: "IPv4" | "IPv6" | undefined;
  #deadline: number;
  #firstAt: number | undefined;
  #wait = HOST_FAMILY_WAIT_MS;
  #timer: Timer | undefined;
  #recheck: () => void = () => {};
  #sources: FamilySources;

  constructor(
    clock: Clock,
    family: "IPv4" | "IPv6" | undefined,
    timeout: number | undefined,
    sources: FamilySources,
  ) {
    this.#clock = clock;
    this.#family = family;
    this.#deadline = clock.now() + (timeout ?? DEFAULT_LOOKUP_TIMEOUT_MS);
    this.#sources = sources;
  }

  /** Called when the wait ends, to look again. */
  onRecheck(fn: () => void): void {
    this.#recheck = fn;
  }

  /** The address types not known yet (neither cached nor refuted by an NSEC). */
  missing(found: readonly ServiceAddress[] = this.#sources.cached()): number[] {
    return addressTypes(this.#family).filter((t) =>
      !found.some((a) => a.family === (t === RecordType.A ? "IPv4" : "IPv6")) &&
      !this.#sources.absent(t)
    );
  }

  /** The addresses when the lookup may settle with them, else undefined. */
  check(fromCache: boolean): ServiceAddress[] | undefined {
    const mine = this.#sources.local(); // what we publish is whole: no wait
    if (mine.length > 0) return mine;
    const now = this.#clock.now();
    const found = this.#sources.cached();
    if (found.length === 0) return undefined;
    if (this.#family !== undefined || this.missing(found).length === 0) return found;
    if (this.#firstAt === undefined) {
      this.#firstAt = now;
      if (fromCache) this.#wait += FIRST_QUERY_MAX_DELAY_MS;
      // One millisecond before the timeout, so the lookup settles with what it has.
      const end = Math.min(now + this.#wait, this.#deadline - 1);
      if (end <= now) return found;
      this.#timer = this.#clock.setTimer(end - now, () => {
        this.#timer = undefined;
        this.#recheck();
      });
      return undefined;
    }
    return this.#timer === undefined ? found : undefined;
  }

  cancel(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}

/** Where a {@linkcode FamilyWait} looks. */
interface FamilySources {
  /** Our own addresses for the name (none unless it is our host name). */
  local(): ServiceAddress[];
  /** The addresses the peer cache holds for it. */
  cached(): ServiceAddress[];
  /** True when an NSEC says the host has no record of this type. */
  absent(type: number): boolean;
}
