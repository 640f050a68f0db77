/**
 * The local service cache: the records of the services (and hosts) this node
 * publishes, NetX Duo's local cache. The responder answers from it, probes and
 * announces what it holds, and sends the goodbyes it hands out.
 *
 * Our own records are never evicted: adding past the byte budget fails with a
 * `RangeError` and changes nothing. Bytes are the records' (see
 * `LocalRecord.bytes`) plus the owner names' (see `_interner.ts`). Records
 * removed after they were announced stay counted until their goodbyes are
 * sent ({@linkcode LocalServiceCache.completeGoodbyes}).
 *
 * @module
 */

import { byteBudget } from "./_budget.ts";
import {
  encodeRdata,
  nameKey,
  RecordType,
  type ResourceRecord,
  type TxtRecord,
} from "../codec/mod.ts";
import { parseServiceInstanceName } from "../dnssd/service_name.ts";
import { hostRecords, type ServiceDefinition, serviceRecords } from "../dnssd/service_records.ts";
import { encodeTxt, TxtAttributes, type TxtInput } from "../dnssd/txt.ts";
import { LocalRecord, type LocalRecordState } from "./local_record.ts";
import { LocalRecordStore } from "./_local_store.ts";
import {
  DEFAULT_LOCAL_CACHE_BYTES,
  type HostOptions,
  type LocalServiceCacheOptions,
} from "./local_cache_options.ts";

export {
  DEFAULT_LOCAL_CACHE_BYTES,
  type HostOptions,
  type LocalServiceCacheOptions,
} from "./local_cache_options.ts";

/**
 * A published service.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type LocalService, LocalServiceCache } from "./local_cache.ts";
 * const local = new LocalServiceCache();
 * const svc: LocalService = local.addService({
 *   name: "Den", type: "_http._tcp", host: "myhost.local", port: 80, txt: { path: "/" },
 * });
 * assert.equal(svc.fullName, "Den._http._tcp.local");
 * assert.equal(svc.port, 80);
 * assert.equal(svc.txt.getString("path"), "/");
 * ```
 */
export interface LocalService {
  /** Full instance name (`Living Room._http._tcp.local`). */
  readonly fullName: string;
  /** Instance label (`Living Room`). */
  readonly name: string;
  /** Type without domain (`_http._tcp`). */
  readonly type: string;
  /** Domain (`local`). */
  readonly domain: string;
  /** SRV target. */
  readonly host: string;
  /** SRV port. */
  readonly port: number;
  /** Subtype labels. */
  readonly subtypes: readonly string[];
  /** Current TXT attributes. */
  readonly txt: TxtAttributes;
  /** Its records: PTR, subtype PTRs, SRV, TXT, NSEC, and the shared `_services` PTR. */
  readonly records: readonly LocalRecord[];
}

/**
 * The read side of a {@linkcode LocalServiceCache}: what the querier is handed
 * so a stack's browse and lookups see what it publishes, without holding the
 * stack or being able to change what it publishes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type LocalCacheReader, LocalServiceCache } from "./local_cache.ts";
 * const reader: LocalCacheReader = new LocalServiceCache();
 * assert.deepEqual(reader.lookup("me.local", 1), []);
 * ```
 */
export type LocalCacheReader = Pick<LocalServiceCache, "lookup" | "onChange">;

interface ServiceState {
  info: LocalService;
  records: LocalRecord[];
}

/**
 * What this node publishes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LocalServiceCache } from "./local_cache.ts";
 * const local = new LocalServiceCache();
 * local.setHost("myhost.local", ["198.18.0.2"]);
 * const svc = local.addService({ name: "Den", type: "_http._tcp", host: "myhost.local", port: 80 });
 * assert.deepEqual(svc.records.map((r) => r.state), Array(5).fill("probing"));
 * assert.equal(local.lookup("DEN._http._tcp.local", 33).length, 1);
 * const goodbyes = local.removeService(svc.fullName);
 * assert.equal(goodbyes.length, 0);
 * assert.equal(local.lookup("den._http._tcp.local", 255).length, 0);
 * ```
 */
export class LocalServiceCache {
  #store: LocalRecordStore;
  #services = new Map<string, ServiceState>();
  #hosts = new Map<string, LocalRecord[]>();

  /**
   * Creates an empty cache.
   *
   * @throws {RangeError} When `maxBytes` is not a positive number.
   */
  constructor(options?: LocalServiceCacheOptions) {
    this.#store = new LocalRecordStore(byteBudget(options?.maxBytes, DEFAULT_LOCAL_CACHE_BYTES));
  }

  /** Records held (those awaiting a goodbye included). */
  get size(): number {
    return this.#store.size;
  }
  /** Bytes counted: records plus names. */
  get bytes(): number {
    return this.#store.bytes;
  }
  /** The byte budget. */
  get capacity(): number {
    return this.#store.capacity;
  }

  /**
   * Adds a service: its PTR, subtype PTRs, SRV, TXT and NSEC, plus the shared
   * `_services._dns-sd._udp` PTR, all `probing`. Address records come from
   * {@linkcode setHost}.
   *
   * @throws {TypeError} When the definition is invalid, carries `addresses`, or
   * a service of that name exists.
   * @throws {RangeError} When a value is out of range or the records do not fit
   * the byte budget (nothing is added then).
   */
  addService(definition: ServiceDefinition): LocalService {
    if (definition.addresses !== undefined) {
      throw new TypeError(
        `Cannot add service "${definition.name}": set addresses with setHost`,
      );
    }
    const set = serviceRecords(definition);
    const id = nameKey(set.fullName);
    if (this.#services.has(id)) {
      throw new TypeError(`Cannot add service "${set.fullName}": a service has that name`);
    }
    const shared = this.#store.findPtr(set.enumerationPtr);
    const own = set.records.filter((r) => r !== set.enumerationPtr || shared === undefined);
    const service = set.fullName;
    const records = own.map((r) =>
      new LocalRecord(r, { service: r === set.enumerationPtr ? undefined : service })
    );
    this.#store.reserve(records, `Cannot add service "${service}"`);
    for (const r of records) this.#store.insert(r);
    if (shared !== undefined) {
      this.#store.share(shared);
      records.splice(set.records.indexOf(set.enumerationPtr), 0, shared);
    }
    const parsed = parseServiceInstanceName(service);
    const state: ServiceState = {
      records,
      info: {
        fullName: service,
        name: parsed.name,
        type: `${parsed.type.serviceName}.${parsed.type.protocol}`,
        domain: parsed.type.domain,
        host: set.srv.data.target,
        port: set.srv.data.port,
        subtypes: [...new Set(definition.subtypes ?? [])],
        txt: TxtAttributes.decode(set.txt.data),
        get records(): readonly LocalRecord[] {
          return state.records;
        },
      },
    };
    this.#services.set(id, state);
    return state.info;
  }

  /**
   * Replaces a service's TXT. The new record is `announcing` (RFC 6762 §8.4:
   * announce again, do not probe) unless the service is still probing; the
   * old one gets no goodbye, as the cache-flush bit replaces it (§8.4).
   *
   * @throws {TypeError} When no such service exists or the TXT is invalid.
   * @throws {RangeError} When a TXT string is over 255 bytes or the budget is exceeded.
   */
  updateTxt(fullName: string, txt: TxtInput): LocalRecord {
    const state = this.#services.get(nameKey(fullName));
    if (state === undefined) {
      throw new TypeError(`Cannot update TXT of "${fullName}": no such service`);
    }
    const i = state.records.findIndex((r) => r.type === RecordType.TXT);
    const old = state.records[i];
    const record: TxtRecord = { ...(old.record as TxtRecord), data: encodeTxt(txt) };
    if (sameBytes(old, record)) return old;
    const probing = state.records.some((r) => r.type === RecordType.SRV && r.state === "probing");
    const next = new LocalRecord(record, {
      service: old.service,
      state: probing ? "probing" : "announcing",
    });
    const delta = next.bytes - old.bytes;
    if (this.bytes + delta > this.capacity) {
      throw new RangeError(
        `Cannot update TXT of "${fullName}": ${delta} more bytes do not fit the budget of ` +
          `${this.capacity}`,
      );
    }
    this.#store.drop(old);
    this.#store.insert(next);
    state.records[i] = next;
    (state.info as { txt: TxtAttributes }).txt = TxtAttributes.decode(record.data);
    return next;
  }

  /**
   * Removes a service. Records that were announced move to `goodbye` and are
   * returned for the responder to send with TTL 0 (RFC 6762 §10.1); records
   * never announced (still probing) go at once. The shared `_services` PTR
   * goes only with the last service of its type.
   *
   * @throws {TypeError} When no such service exists.
   */
  removeService(fullName: string): LocalRecord[] {
    const id = nameKey(fullName);
    const state = this.#services.get(id);
    if (state === undefined) {
      throw new TypeError(`Cannot remove service "${fullName}": no such service`);
    }
    this.#services.delete(id);
    return this.#store.retire(state.records);
  }

  /**
   * Sets the addresses of a host (on one interface, or on all): A and AAAA
   * records plus an NSEC. Unchanged records keep their state; new ones are
   * `probing` for a new host and `announcing` otherwise (RFC 6762 §8.4); ones
   * no longer listed are retired as by {@linkcode removeService}.
   *
   * @returns The host's records on that interface now.
   * @throws {TypeError} When an address or the name is malformed.
   * @throws {RangeError} When the TTL is out of range or the budget is exceeded.
   */
  setHost(hostName: string, addresses: readonly string[], options?: HostOptions): LocalRecord[] {
    const id = `${nameKey(hostName)}\u0000${options?.interfaceName ?? ""}`;
    const before = this.#hosts.get(id) ?? [];
    const wanted = hostRecords(hostName, addresses, {
      ttl: options?.ttl,
      reverse: options?.reverse,
    }).records;
    const kept: LocalRecord[] = [];
    const added: LocalRecord[] = [];
    const state: LocalRecordState = before.length === 0 ? "probing" : "announcing";
    for (const r of wanted) {
      const same = before.find((b) =>
        b.type === r.type && nameKey(b.name) === nameKey(r.name) && sameBytes(b, r)
      );
      if (same !== undefined && same.record.ttl === r.ttl) kept.push(same);
      else added.push(new LocalRecord(r, { state, interfaceName: options?.interfaceName }));
    }
    const gone = before.filter((b) => !kept.includes(b));
    const freed = gone.reduce((n, r) => n + r.bytes, 0);
    this.#store.reserve(added, `Cannot set addresses of "${hostName}"`, freed);
    this.#store.retire(gone);
    for (const r of added) this.#store.insert(r);
    const now = [...kept, ...added];
    if (now.length === 0) this.#hosts.delete(id);
    else this.#hosts.set(id, now);
    return now;
  }

  /** Removes a host's records (as `setHost(hostName, [])`); returns those needing a goodbye. */
  removeHost(hostName: string, options?: HostOptions): LocalRecord[] {
    const id = `${nameKey(hostName)}\u0000${options?.interfaceName ?? ""}`;
    const before = this.#hosts.get(id) ?? [];
    this.#hosts.delete(id);
    return this.#store.retire(before);
  }

  /** The service of that instance name (any case). */
  getService(fullName: string): LocalService | undefined {
    return this.#services.get(nameKey(fullName))?.info;
  }

  /** Every published service. */
  services(): LocalService[] {
    return [...this.#services.values()].map((s) => s.info);
  }

  /**
   * Records at `name` (any case) of `type` (every type for `RecordType.ANY`),
   * goodbyes excluded. With `interfaceName`, records scoped to another
   * interface are left out.
   */
  lookup(name: string, type: number, options?: { interfaceName?: string }): LocalRecord[] {
    return this.#store.lookup(name, type, options?.interfaceName);
  }

  /** True when we publish any record at `name` (RFC 6762 §9: names to defend). */
  owns(name: string): boolean {
    return this.#store.owns(name);
  }

  /** Every record held, goodbyes excluded. */
  records(): LocalRecord[] {
    return this.#store.records();
  }

  /**
   * Hears every change to what the cache shows: a record added or removed,
   * or moving from one state to another (probing, announcing, announced).
   * The listener gets the owner name; it is called while the cache changes
   * (several times for one `addService`), so it should note the name and
   * read the cache later. This is how a stack's own browse and lookups see
   * a service the moment it is registered, and its removal.
   *
   * @returns A function that removes the listener.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { LocalServiceCache } from "./local_cache.ts";
   * const local = new LocalServiceCache();
   * const names = new Set<string>();
   * const stop = local.onChange((name) => names.add(name));
   * const svc = local.addService({ name: "Den", type: "_http._tcp", host: "h.local", port: 80 });
   * assert.ok(names.has("Den._http._tcp.local"));
   * names.clear();
   * for (const r of svc.records) r.setState("announced");
   * assert.ok(names.has("_http._tcp.local"));
   * stop();
   * names.clear();
   * local.removeService(svc.fullName);
   * assert.equal(names.size, 0);
   * ```
   */
  onChange(listener: (name: string) => void): () => void {
    return this.#store.onChange(listener);
  }

  /** Records removed after being announced whose goodbyes are still to be sent. */
  pendingGoodbyes(): LocalRecord[] {
    return this.#store.pendingGoodbyes();
  }

  /** Forgets records whose goodbyes have been sent, releasing their bytes. */
  completeGoodbyes(records: Iterable<LocalRecord>): void {
    this.#store.completeGoodbyes(records);
  }
}

function sameBytes(a: LocalRecord, b: ResourceRecord): boolean {
  const x = a.rdata;
  const y = encodeRdata(b.type, b.data);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
