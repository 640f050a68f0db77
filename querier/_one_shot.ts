/**
 * One-shot lookups (the NetX seed's one-shot query): answer from the peer
 * cache when it holds a complete answer, otherwise ask until the first
 * complete answer or the timeout. Every reply lands in the peer cache, so one
 * that comes after the timeout still serves the next lookup. Internal.
 *
 * @module
 */

import { tryParseIPv4, tryParseIPv6 } from "../codec/ip.ts";
import type { Clock, Timer } from "../clock.ts";
import { type ServiceAddress, serviceAddress } from "../cache/service_info.ts";
import { addressTypes } from "./_address_types.ts";
import type { Session, SourceHost } from "./_browse_sources.ts";

/**
 * A lookup that settles once: with the first answer `check` finds, or with
 * `fail()` at the timeout, or with the signal's reason.
 */
export class OneShot<T> implements Session {
  /** The name looked up. */
  readonly name: string;
  readonly promise: Promise<T>;
  #check: () => T | undefined;
  #refuted: () => Error | undefined;
  #settle!: (ok: boolean, value: unknown) => void;
  #cleanups: (() => void)[] = [];
  #done = false;

  /** Starts the timeout; call `update` whenever the answer may have come. */
  constructor(
    name: string,
    clock: Clock,
    timeout: number,
    signal: AbortSignal | undefined,
    check: () => T | undefined,
    fail: () => Error,
    refuted: () => Error | undefined = () => undefined,
  ) {
    this.name = name;
    this.#check = check;
    this.#refuted = refuted;
    this.promise = new Promise<T>((resolve, reject) => {
      this.#settle = (ok, value) => (ok ? resolve(value as T) : reject(value));
    });
    const timer: Timer = clock.setTimer(timeout, () => this.#finish(false, fail()));
    this.#cleanups.push(() => timer.cancel());
    if (signal !== undefined) {
      const onAbort = () => this.#finish(false, signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#cleanups.push(() => signal.removeEventListener("abort", onAbort));
    }
  }

  /** True once settled. */
  get done(): boolean {
    return this.#done;
  }

  /** Runs `fn` when the lookup settles (releases watches and questions). */
  onDone(fn: () => void): void {
    if (this.#done) fn();
    else this.#cleanups.push(fn);
  }

  /** Checks for an answer, or for a proof there is none (an NSEC). */
  update(): void {
    if (this.#done) return;
    const value = this.#check();
    if (value !== undefined) return this.#finish(true, value);
    const error = this.#refuted();
    if (error !== undefined) this.#finish(false, error);
  }

  /** Settles with an error now (the stack is closing). */
  abort(error: Error): void {
    this.#finish(false, error);
  }

  #finish(ok: boolean, value: unknown): void {
    if (this.#done) return;
    this.#done = true;
    for (const fn of this.#cleanups) fn();
    this.#cleanups = [];
    this.#settle(ok, value);
  }
}

/**
 * Watches `name` and asks for records of `types` (on `interfaces`, every link
 * when undefined) until `shot` settles; the watch arms no refreshes (a finished lookup wants none, RFC
 * 6762 §5.2).
 */
export function askUntilDone(
  host: SourceHost,
  shot: OneShot<unknown>,
  name: string,
  types: readonly number[],
  interfaces?: readonly string[],
): void {
  // Every type: an NSEC saying there is none settles the lookup too (RFC 6762 §6.1).
  const watch = host.cache.watch(name, () => host.dirty(shot), { refresh: false });
  const questions = types.map((type) => host.ask(name, type, interfaces));
  shot.onDone(() => {
    watch.cancel();
    for (const q of questions) host.release(q);
  });
}

/**
 * The addresses the cache holds for `name` (A and AAAA, or one family), heard
 * on `interfaces` (any link when undefined).
 */
export function cachedAddresses(
  cache: SourceHost["cache"],
  name: string,
  family: "IPv4" | "IPv6" | undefined,
  now: number,
  interfaces?: readonly string[],
): ServiceAddress[] {
  const out: ServiceAddress[] = [];
  for (const type of addressTypes(family)) {
    for (const r of cache.lookup(name, type, { now })) {
      if (interfaces !== undefined && !interfaces.includes(r.interfaceName)) continue;
      out.push(serviceAddress(r.data as string, r.interfaceName));
    }
  }
  return out;
}

/**
 * The reverse-mapping name of an address (RFC 6762 §4): `in-addr.arpa` for
 * IPv4, nibbles under `ip6.arpa` for IPv6 (any `%zone` ignored).
 *
 * @throws {TypeError} When `ip` is not an IP address.
 */
export function reverseName(ip: string): string {
  const v4 = tryParseIPv4(ip);
  if (v4 !== undefined) return `${[...v4].reverse().join(".")}.in-addr.arpa`;
  const v6 = tryParseIPv6(ip);
  if (v6 === undefined) throw new TypeError(`Cannot look up address: not an IP address: ${ip}`);
  const nibbles: string[] = [];
  for (let i = 15; i >= 0; i--) {
    nibbles.push((v6[i] & 0xf).toString(16), (v6[i] >> 4).toString(16));
  }
  return `${nibbles.join(".")}.ip6.arpa`;
}
