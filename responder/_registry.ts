/**
 * The published names: the host entries (ours, renamed as needed, and
 * proxied ones) and the service entries, with `publish()`'s validation and
 * the lookups the responder's hooks need (claim state by name, records a
 * probe proposes, whether a record may be told on a link).
 *
 * @module
 */

import { nameKey, RecordType } from "../codec/mod.ts";
import type { LocalServiceCache } from "../cache/local_cache.ts";
import type { LocalRecord } from "../cache/local_record.ts";
import { parseServiceType, serviceInstanceName } from "../dnssd/service_name.ts";
import { hostRecords, serviceRecords } from "../dnssd/service_records.ts";
import type { PartContext } from "../stack_part.ts";
import { type Claim, PROBE_COUNT, PROBE_WAIT_MAX_MS } from "./_claim.ts";
import type { ClaimState } from "./_conflicts.ts";
import type { ClaimEntry, EntryContext } from "./_entry.ts";
import { HostEntry } from "./_host_entry.ts";
import { checkProbeFits } from "./_packets.ts";
import { PublishedServiceHandle } from "./_published_service.ts";
import type { Sender } from "./_sender.ts";
import { ServiceEntry, type ServiceSpec } from "./_service_entry.ts";
import {
  NameConflictError,
  type PublishedService,
  type PublishOptions,
} from "./publish_options.ts";

export type { ServiceEntry };

/**
 * Everything published by one responder.
 */
export class PublishRegistry {
  #ctx: EntryContext;
  #hostNameSource: string | (() => string);
  #ownHost: HostEntry | undefined;
  #hosts: HostEntry[] = [];
  #services: ServiceEntry[] = [];
  /** Entries by the name key of their claim, and services by their exact full name. */
  #byKey = new Map<string, ClaimEntry>();
  #byFullName = new Map<string, ServiceEntry>();
  #onHostRenamed: (from: string, to: string) => void;

  /** An empty registry; `onHostRenamed` hears every host that moved after a conflict. */
  constructor(options: {
    context: PartContext;
    localCache: LocalServiceCache;
    sender: Sender;
    hostName: string | (() => string);
    forget: (records: Iterable<LocalRecord>) => void;
    onHostRenamed?: (from: string, to: string) => void;
  }) {
    this.#onHostRenamed = options.onHostRenamed ?? (() => {});
    this.#ctx = {
      context: options.context,
      localCache: options.localCache,
      sender: options.sender,
      forget: options.forget,
    };
    this.#hostNameSource = options.hostName;
  }

  /** What we publish. */
  get localCache(): LocalServiceCache {
    return this.#ctx.localCache;
  }

  /** True once something was published (a browsing stack answers nothing). */
  get active(): boolean {
    return this.#hosts.length > 0;
  }

  /** Hosts first, then services: the order probes and announcements are written in. */
  entries(): ClaimEntry[] {
    return [...this.#hosts, ...this.#services];
  }

  /** The host entries. */
  hosts(): readonly HostEntry[] {
    return this.#hosts;
  }

  /**
   * Validates and publishes a service; resolves once its name is ours.
   *
   * @throws {TypeError | RangeError} On bad input, before anything is sent.
   */
  publish(options: PublishOptions): Promise<PublishedService> {
    const spec = validate(options);
    this.#checkInterfaces(spec);
    options.signal?.throwIfAborted();
    const fullName = serviceInstanceName(spec.name, spec.type);
    if (spec.rename === false && this.#ctx.localCache.getService(fullName)) {
      // One of our own services holds the name: a conflict known before probing.
      throw conflictError(spec.name, fullName);
    }
    const now = this.#ctx.context.clock.now();
    const delay = this.probeDelay(now);
    const host = this.#hostFor(options, now, delay);
    const entry = new ServiceEntry(this.#ctx, spec, host);
    host.users++;
    if (options.onEvent) entry.listeners.add(options.onEvent);
    this.#services.push(entry);
    this.#index(entry);
    const handle = new PublishedServiceHandle(entry, () => this.#unpublish(entry));
    const done = new Promise<PublishedService>((resolve, reject) => {
      entry.settle = (error) => error ? reject(error) : resolve(handle);
    });
    entry.claim.startProbing(now, delay);
    entry.emit({ type: "probing", name: spec.name });
    options.signal?.addEventListener("abort", () => handle.unpublish(), { once: true });
    this.#ctx.context.wake();
    return done;
  }

  /** A service limited to links the stack does not have would be visible nowhere. */
  #checkInterfaces(spec: ServiceSpec): void {
    const have = this.#ctx.context.links().map((l) => l.name);
    for (const name of spec.interfaces ?? []) {
      if (have.includes(name)) continue;
      const names = have.join(", ") || "none";
      throw new TypeError(
        `Cannot publish "${spec.name}": unknown interface "${name}" (the stack has: ${names})`,
      );
    }
  }

  /**
   * How long a probe series starting at `now` waits before its first probe.
   * When a series already has a probe due within the §8.1 wait (0-250 ms),
   * the new one starts then, so its names ride in the same packets (§8.1:
   * several records are probed "in a single query"; mDNSResponder's probe
   * window does the same: a record registered while a probe is scheduled
   * within the window takes that time). Otherwise a random 0-250 ms (§8.1).
   * Names joined this way still have their own question, records, step
   * count, tie-break (§8.2) and conflicts (§9): only their times align.
   * `except` (a claim starting again) is not joined to its own series.
   */
  probeDelay(now: number, except?: Claim): number {
    let at: number | undefined;
    for (const entry of this.entries()) {
      if (entry.claim === except) continue;
      for (const run of entry.claim.runs) {
        // A run whose next step is a probe, due within the window.
        if (run.phase !== "probing" || run.step >= PROBE_COUNT) continue;
        if (run.at > now + PROBE_WAIT_MAX_MS) continue; // a deferred loser, a back-off
        if (at === undefined || run.at < at) at = run.at;
      }
    }
    if (at !== undefined) return Math.max(0, at - now);
    return Math.floor(this.#ctx.context.random() * PROBE_WAIT_MAX_MS);
  }

  /** How far the claim of a name (key) is; undefined before its first probe (RFC 6762 §8.1). */
  claimState(key: string): ClaimState | undefined {
    const claim = this.byKey(key)?.claim;
    if (claim === undefined) return undefined;
    if (claim.established) return "established";
    return claim.probeSent ? "probing" : undefined;
  }

  /** The entry claiming a name (key). */
  byKey(key: string): ClaimEntry | undefined {
    return this.#byKey.get(key);
  }

  /** Our proposed records for a name (key) on a link. */
  proposedRecords(key: string, interfaceName: string): LocalRecord[] {
    return this.byKey(key)?.proposed(interfaceName) ?? [];
  }

  /** Restarts probing a name (key) after `delayMs` (the §8.2 tie-break loser). */
  deferProbe(key: string, now: number, delayMs: number): void {
    this.byKey(key)?.claim.startProbing(now, delayMs);
  }

  /** Whether a record may be told on a link (services limited to some interfaces). */
  readonly visible = (record: LocalRecord, interfaceName: string): boolean => {
    if (record.service !== undefined) {
      const entry = this.#byFullName.get(record.service);
      return entry === undefined || entry.onLink(interfaceName);
    }
    if (record.type === RecordType.PTR && /^_services\._dns-sd\._udp\./i.test(record.name)) {
      const type = nameKey(record.record.data as string);
      return this.#services.some((s) =>
        nameKey(`${s.service.type}.${s.service.domain}`) === type && s.onLink(interfaceName)
      );
    }
    return true;
  };

  /** Earliest due time of any claim, `Infinity` when none. */
  nextDeadline(): number {
    let at = Infinity;
    for (const e of this.entries()) at = Math.min(at, e.claim.nextDeadline());
    return at;
  }

  /** Unpublishes everything and withdraws the hosts, with goodbyes (stack close). */
  closeAll(): void {
    for (const s of this.#services) {
      // A publish still probing learns why it ends (not "unpublished first").
      s.settle?.(new TypeError(`Cannot publish "${s.spec.name}": the stack closed`));
      s.settle = undefined;
    }
    this.#ctx.sender.batchGoodbyes(() => {
      for (const s of [...this.#services]) this.#unpublish(s);
      for (const h of this.#hosts) {
        h.remove();
        if (!h.targetOnly) this.#unindex(h);
      }
    });
    this.#hosts = [];
    this.#ownHost = undefined;
  }

  /**
   * A service that may not be renamed lost its name (RFC 6762 §9): a pending
   * `publish()` rejects with {@linkcode NameConflictError}, and the service
   * is withdrawn (goodbyes for what was announced).
   */
  withdrawConflicted(entry: ServiceEntry): void {
    entry.settle?.(conflictError(entry.spec.name, entry.claim.name));
    entry.settle = undefined;
    this.#unpublish(entry);
  }

  #unpublish(entry: ServiceEntry): void {
    if (entry.removed) return;
    this.#ctx.sender.batchGoodbyes(() => this.#withdraw(entry));
  }

  #withdraw(entry: ServiceEntry): void {
    entry.unpublish();
    entry.settle?.(new TypeError(`Cannot publish "${entry.spec.name}": unpublished first`));
    entry.settle = undefined;
    this.#services.splice(this.#services.indexOf(entry), 1);
    this.#unindex(entry);
    const host = entry.host;
    host.users--;
    // The last service using a host takes it along, ours too: its address
    // records and reverse PTRs get their goodbyes (RFC 6762 §10.1) and the
    // name is released, so the next publish probes it again (§8.1).
    if (host.users === 0) {
      host.remove();
      this.#hosts.splice(this.#hosts.indexOf(host), 1);
      if (!host.targetOnly) this.#unindex(host);
      if (host === this.#ownHost) this.#ownHost = undefined;
    }
  }

  #hostFor(options: PublishOptions, now: number, delay: number): HostEntry {
    // `host` naming our own host name (as configured, or as renamed) is our host.
    const own = options.host === undefined ||
      (options.addresses === undefined && this.#isOwnHostName(options.host));
    if (own && this.#ownHost !== undefined) return this.#ownHost;
    const name = own ? this.#resolveHostName() : options.host!;
    const key = nameKey(name);
    const existing = this.#hosts.find((h) => nameKey(h.name) === key);
    if (existing !== undefined) return existing; // ours, a proxy, or a target: as it is
    if (!own && options.addresses === undefined) {
      // Another device's name: the SRV target alone, never claimed (see HostEntry).
      const target = new HostEntry(this.#ctx, name, undefined, { targetOnly: true });
      this.#hosts.push(target);
      return target;
    }
    const host = new HostEntry(this.#ctx, name, options.addresses);
    let current = host.name;
    host.onRename = (next) => {
      const from = current;
      current = next;
      // ciao's `hostname-change`: each service, then the stack, hears where it went.
      for (const s of this.#services) {
        if (s.host !== host) continue;
        s.retarget();
        s.emit({ type: "host-renamed", name: s.spec.name, from, host: next });
      }
      this.#onHostRenamed(from, next);
    };
    if (own) this.#ownHost = host;
    this.#hosts.push(host);
    this.#index(host);
    host.sync();
    host.claim.startProbing(now, delay);
    return host;
  }

  /**
   * Whether `name` is our host name: as configured, or as held now (after a
   * rename). A name still to be read from the system is not read for this
   * (that may need a permission the caller avoided by giving `host`).
   */
  #isOwnHostName(name: string): boolean {
    const key = nameKey(name);
    const source = this.#hostNameSource;
    return (typeof source === "string" && key === nameKey(source)) ||
      (this.#ownHost !== undefined && key === nameKey(this.#ownHost.name));
  }

  #index(entry: ClaimEntry): void {
    const claim = entry.claim;
    this.#byKey.set(nameKey(claim.name), entry);
    if (entry instanceof ServiceEntry) this.#byFullName.set(claim.name, entry);
    claim.onRename = (previous) => {
      if (this.#byKey.get(nameKey(previous)) === entry) this.#byKey.delete(nameKey(previous));
      if (this.#byFullName.get(previous) === entry) this.#byFullName.delete(previous);
      this.#byKey.set(nameKey(claim.name), entry);
      if (entry instanceof ServiceEntry) this.#byFullName.set(claim.name, entry);
    };
  }

  #unindex(entry: ClaimEntry): void {
    const claim = entry.claim;
    if (this.#byKey.get(nameKey(claim.name)) === entry) this.#byKey.delete(nameKey(claim.name));
    if (this.#byFullName.get(claim.name) === entry) this.#byFullName.delete(claim.name);
    claim.onRename = undefined;
  }

  #resolveHostName(): string {
    const source = this.#hostNameSource;
    return typeof source === "function" ? source() : source;
  }
}

function validate(options: PublishOptions): ServiceSpec {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Cannot publish: options must be an object");
  }
  const { name, type, port, txt, subtypes, host, addresses, interfaces, rename } = options;
  if (typeof type !== "string") throw new TypeError("Cannot publish: type must be a string");
  if (parseServiceType(type).subtype !== undefined) {
    throw new TypeError(`Cannot publish: type "${type}" is a subtype, use subtypes`);
  }
  if (addresses !== undefined && host === undefined) {
    throw new TypeError("Cannot publish: addresses need a host");
  }
  if (subtypes !== undefined && !Array.isArray(subtypes)) {
    throw new TypeError("Cannot publish: subtypes must be an array");
  }
  if (interfaces !== undefined) {
    if (!Array.isArray(interfaces) || interfaces.some((i) => typeof i !== "string")) {
      throw new TypeError("Cannot publish: interfaces must be an array of names");
    }
  }
  if (rename !== undefined && typeof rename !== "boolean") {
    throw new TypeError("Cannot publish: rename must be a boolean");
  }
  // The record builders check the instance (≤ 63 bytes), type, port, TXT (≤ 255 bytes a string).
  const records = serviceRecords({
    name: name,
    type,
    host: host ?? "placeholder.local",
    port,
    txt,
    subtypes,
  });
  // RFC 6762 §17: the instance name's probe (SRV and TXT) must fit one datagram.
  checkProbeFits(`"${name}"`, records.fullName, [records.srv, records.txt]);
  if (addresses !== undefined) hostRecords(host!, addresses);
  return {
    name,
    type,
    port,
    txt: txt ?? {},
    subtypes: [...(subtypes ?? [])],
    interfaces: interfaces === undefined ? undefined : new Set(interfaces),
    rename: rename ?? true,
  };
}

function conflictError(name: string, fullName: string): NameConflictError {
  return new NameConflictError(`Cannot publish "${name}": the name is in use`, { fullName });
}
