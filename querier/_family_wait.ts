/**
 * How `lookupHost` waits for the second address family: see
 * {@linkcode FamilyWait}. Internal.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import type { Clock, Timer } from "../clock.ts";
import type { ServiceAddress } from "../cache/service_info.ts";
import {
  DEFAULT_LOOKUP_TIMEOUT_MS,
  FIRST_QUERY_MAX_DELAY_MS,
  HOST_FAMILY_WAIT_MS,
} from "./_constants.ts";
import { addressTypes } from "./_address_types.ts";

/**
 * `lookupHost` with both families asked waits for the second family (or an
 * NSEC saying the host has none of it, RFC 6762 §6.1) up to
 * `HOST_FAMILY_WAIT_MS` after the first address, so a host's IPv4 and IPv6
 * addresses come back together; the lookup's timeout bounds the whole (what is
 * known settles the lookup just before it would fail). From a cache that holds
 * one family, the wait also covers the 20-120 ms before the first query
 * (§5.2). With one family asked, the first address settles it at once.
 */
export class FamilyWait {
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
export interface FamilySources {
  /** Our own addresses for the name (none unless it is our host name). */
  local(): ServiceAddress[];
  /** The addresses the peer cache holds for it. */
  cached(): ServiceAddress[];
  /** True when an NSEC says the host has no record of this type. */
  absent(type: number): boolean;
}
