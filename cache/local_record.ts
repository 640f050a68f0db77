/**
 * One record this node publishes, with the state the responder keeps for it:
 * where it is in probing and announcing (RFC 6762 §8), how many
 * announcements went out, when it was last multicast on each interface (the
 * once-a-second rate limit of §6 and the quarter-TTL rule of §5.4), and
 * whether a goodbye (§10.1) is still to be sent.
 *
 * @module
 */

import { encodeRdata, type ResourceRecord } from "../codec/mod.ts";
import type { AddressFamily } from "../transport/transport.ts";
import { stateChanged } from "./_local_state.ts";

/**
 * Where a record is in its life: `probing` (RFC 6762 §8.1, not yet ours to
 * answer with), `announcing` (§8.3, the burst in progress), `announced`, or
 * `goodbye` (removed; its TTL-0 copy is still to be sent).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LocalRecord, type LocalRecordState } from "./local_record.ts";
 * const r = new LocalRecord({
 *   name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2",
 * });
 * const next: LocalRecordState = "goodbye";
 * r.setState(next);
 * assert.equal(r.state, "goodbye");
 * assert.equal(r.goodbyePending, true);
 * ```
 */
export type LocalRecordState = "probing" | "announcing" | "announced" | "goodbye";

/**
 * Bytes of a local record besides its rdata: the record objects and the multicast-time map.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LOCAL_RECORD_OVERHEAD_BYTES, LocalRecord } from "./local_record.ts";
 * const r = new LocalRecord({
 *   name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2",
 * });
 * assert.equal(LOCAL_RECORD_OVERHEAD_BYTES, 320);
 * assert.equal(r.bytes, 324);
 * ```
 */
export const LOCAL_RECORD_OVERHEAD_BYTES = 320;

/**
 * Options for {@linkcode LocalRecord}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LocalRecord, type LocalRecordOptions } from "./local_record.ts";
 * const options: LocalRecordOptions = { state: "announced", interfaceName: "eth0" };
 * const r = new LocalRecord({
 *   name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2",
 * }, options);
 * assert.equal(r.state, "announced");
 * assert.equal(r.interfaceName, "eth0");
 * assert.equal(r.service, undefined);
 * ```
 */
export interface LocalRecordOptions {
  /** Initial state. @default {"probing"} */
  state?: LocalRecordState;
  /** Full instance name of the service it belongs to, if any. */
  service?: string;
  /** Interface it is valid on (address records, RFC 6762 §14); every interface when absent. */
  interfaceName?: string;
}

/**
 * A published record and its responder state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LocalRecord } from "./local_record.ts";
 * const r = new LocalRecord({
 *   name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2",
 * });
 * assert.equal(r.registered, false); // probing
 * r.setState("announcing");
 * r.countAnnouncement();
 * r.markMulticast("eth0", 1000);
 * r.markMulticast("eth0", 1500, "IPv6");
 * assert.equal(r.state, "announcing");
 * assert.equal(r.registered, true);
 * assert.equal(r.announceCount, 1);
 * assert.equal(r.lastMulticastAt("eth0"), 1000);
 * assert.equal(r.lastMulticastAt("eth0", "IPv6"), 1500);
 * assert.equal(r.lastMulticastAt("eth0", "IPv4"), -Infinity);
 * assert.equal(r.unique, true);
 * ```
 */
export class LocalRecord {
  #record: ResourceRecord;
  #state: LocalRecordState;
  #announceCount = 0;
  // Per link, over any family / IPv4 / IPv6: three maps, made on first use,
  // so the responder's §6 check on every query builds no key string.
  #lastMulticast: Map<string, number> | undefined;
  #lastMulticast4: Map<string, number> | undefined;
  #lastMulticast6: Map<string, number> | undefined;
  #service: string | undefined;
  #interfaceName: string | undefined;
  #rdata: Uint8Array | undefined;

  /**
   * Wraps a record. The record object is kept as given; treat it as frozen.
   *
   * @throws {TypeError | RangeError} When its data cannot be encoded.
   */
  constructor(record: ResourceRecord, options?: LocalRecordOptions) {
    this.#record = record;
    this.#state = options?.state ?? "probing";
    this.#service = options?.service;
    this.#interfaceName = options?.interfaceName;
    this.#rdata = encodeRdata(record.type, record.data);
  }

  /** The record as it goes on the wire (use a TTL-0 copy for the goodbye). */
  get record(): ResourceRecord {
    return this.#record;
  }
  /** Owner name. */
  get name(): string {
    return this.#record.name;
  }
  /** Record type. */
  get type(): number {
    return this.#record.type;
  }
  /** True for a unique record (sent with the cache-flush bit, RFC 6762 §10.2). */
  get unique(): boolean {
    return this.#record.cacheFlush;
  }
  /** Canonical rdata (names uncompressed), for identity and the §8.2 tie-break. */
  get rdata(): Uint8Array {
    return this.#rdata!;
  }
  /** Full instance name of its service, if it belongs to one. */
  get service(): string | undefined {
    return this.#service;
  }
  /** Interface it is valid on, or undefined for every interface. */
  get interfaceName(): string | undefined {
    return this.#interfaceName;
  }
  /** Current state. */
  get state(): LocalRecordState {
    return this.#state;
  }
  /** True once removed and until its goodbye has been sent. */
  get goodbyePending(): boolean {
    return this.#state === "goodbye";
  }
  /** Announcements sent since it last entered `announcing`. */
  get announceCount(): number {
    return this.#announceCount;
  }
  /** Bytes the local cache counts for it (its name is counted by the name table). */
  get bytes(): number {
    return LOCAL_RECORD_OVERHEAD_BYTES + this.#rdata!.length;
  }

  /**
   * True once probing is over and until it is removed (`announcing` or
   * `announced`): the records a stack's own browse and lookups see
   * (mDNSResponder answers its local questions only from records past
   * probing).
   */
  get registered(): boolean {
    return this.#state === "announcing" || this.#state === "announced";
  }

  /** Moves to `state`; entering `announcing` restarts the announcement count. */
  setState(state: LocalRecordState): void {
    if (state === "announcing" && this.#state !== "announcing") this.#announceCount = 0;
    const before = this.#state;
    this.#state = state;
    if (before !== state) stateChanged(this);
  }

  /** Counts one announcement sent; returns the new count. */
  countAnnouncement(): number {
    return ++this.#announceCount;
  }

  /**
   * When it was last multicast on `interfaceName` (ms), `-Infinity` if never.
   * With `family`, over that family only: the responder keeps its rate limits
   * per link and family, since a reply goes out on the query's family only.
   */
  lastMulticastAt(interfaceName: string, family?: AddressFamily): number {
    const times = family === undefined
      ? this.#lastMulticast
      : family === "IPv4"
      ? this.#lastMulticast4
      : this.#lastMulticast6;
    return times?.get(interfaceName) ?? -Infinity;
  }

  /** Notes that it was multicast on `interfaceName` (over `family`, if given) at `now` (ms). */
  markMulticast(interfaceName: string, now: number, family?: AddressFamily): void {
    if (family === undefined) (this.#lastMulticast ??= new Map()).set(interfaceName, now);
    else if (family === "IPv4") (this.#lastMulticast4 ??= new Map()).set(interfaceName, now);
    else (this.#lastMulticast6 ??= new Map()).set(interfaceName, now);
  }
}
