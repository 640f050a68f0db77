/**
 * A published service: its claim on the instance name, its listeners and
 * handle state, its links (all, or those `interfaces` names), and the rename
 * to `Name (2)`, `Name (3)`… after a lost conflict (RFC 6762 §9).
 *
 * @module
 */

import { RecordType, type ResourceRecord } from "../codec/mod.ts";
import type { LocalService } from "../cache/local_cache.ts";
import type { LocalRecord } from "../cache/local_record.ts";
import { serviceInstanceName } from "../dnssd/service_name.ts";
import { encodeTxt, type TxtInput } from "../dnssd/txt.ts";
import type { NetworkLink } from "../transport/transport.ts";
import { Claim } from "./_claim.ts";
import { advance, type ClaimEntry, type EntryContext, sayGoodbye } from "./_entry.ts";
import type { HostEntry } from "./_host_entry.ts";
import { checkProbeFits } from "./_packets.ts";
import { nextInstanceName } from "./_renamer.ts";
import type { PublishEvent } from "./publish_options.ts";

/**
 * What a service was published with, validated.
 */
export interface ServiceSpec {
  /** Instance label. */
  name: string;
  /** `_http._tcp` or with a domain. */
  readonly type: string;
  /** Port. */
  readonly port: number;
  /** TXT now. */
  txt: TxtInput;
  /** Subtypes. */
  readonly subtypes: readonly string[];
  /** Links it is limited to. */
  readonly interfaces?: ReadonlySet<string>;
  /** Take the next free name on a conflict (`PublishOptions.rename`); true when absent. */
  readonly rename?: boolean;
}

/**
 * A published service.
 */
export class ServiceEntry implements ClaimEntry {
  /** Its claim on the instance name. */
  readonly claim: Claim;
  /** What it was published with (instance and TXT follow renames and updates). */
  readonly spec: ServiceSpec;
  /** The host its SRV points to. */
  host: HostEntry;
  /** Event listeners. */
  readonly listeners: Set<(event: PublishEvent) => void> = new Set();
  /** Settles the `publish()` promise. */
  settle: ((error?: Error) => void) | undefined;
  /** True once unpublished. */
  removed = false;
  #ctx: EntryContext;
  // TXT updates waiting for their announcement (RFC 6762 §8.4): settled by
  // the next announcement of this service, or rejected when it is withdrawn.
  #txtWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #txtChanged = false;

  /** Adds the service to the local cache (all records `probing`). */
  constructor(ctx: EntryContext, spec: ServiceSpec, host: HostEntry) {
    this.#ctx = ctx;
    this.spec = spec;
    this.host = host;
    let instance = spec.name;
    while (ctx.localCache.getService(serviceInstanceName(instance, spec.type))) {
      instance = nextInstanceName(instance);
    }
    spec.name = instance;
    this.claim = new Claim("service", this.#add().fullName);
  }

  /** The service in the local cache. */
  get service(): LocalService {
    return this.#ctx.localCache.getService(this.claim.name)!;
  }

  /** Reports an event to every listener; a throwing listener is ignored. */
  emit(event: PublishEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not stop the responder.
      }
    }
  }

  /** True when it may be told on `interfaceName`. */
  onLink(interfaceName: string): boolean {
    return this.spec.interfaces === undefined || this.spec.interfaces.has(interfaceName);
  }

  /** Its links now. */
  links(): NetworkLink[] {
    return this.#ctx.context.links().filter((l) => this.onLink(l.name));
  }

  /** SRV and TXT (RFC 6762 §8.2: the records proposed for the instance name). */
  proposed(_interfaceName: string): LocalRecord[] {
    return this.service.records.filter((r) =>
      r.type === RecordType.SRV || r.type === RecordType.TXT
    );
  }

  /** Every record: PTRs (subtypes and `_services` included), SRV, TXT, NSEC. */
  records(_interfaceName: string): LocalRecord[] {
    return [...this.service.records];
  }

  /** Probing succeeded: answerable now; the first time, `publish()` resolves. */
  probed(_now: number, links?: ReadonlySet<string>): void {
    if (links !== undefined) return;
    advance(this.service.records, "probing", "announcing");
    this.emit({ type: "registered", name: this.spec.name });
    this.settle?.();
    this.settle = undefined;
  }

  /** Announcing ended. */
  announced(): void {
    advance(this.service.records, "announcing", "announced");
    this.claim.announced = true;
  }

  /** Reports the conflict. */
  conflicted(): void {
    this.emit({ type: "conflict", name: this.spec.name });
  }

  /**
   * Takes the next name. Shared PTRs that were announced get their goodbye
   * (RFC 6762 §8.4); the unique records go silently (the name is another's).
   */
  rename(_now: number): void {
    const from = this.spec.name;
    if (this.claim.announced) {
      for (const r of this.service.records) if (!r.unique) r.setState("announced");
    }
    this.#remove();
    let next = nextInstanceName(from);
    while (this.#ctx.localCache.getService(serviceInstanceName(next, this.spec.type))) {
      next = nextInstanceName(next);
    }
    this.spec.name = next;
    this.claim.name = this.#add().fullName;
    this.claim.announced = false;
    this.emit({ type: "renamed", from, name: next });
  }

  /**
   * Points the SRV at the host's new name, keeping the records' states: the
   * new SRV is announced with the cache-flush bit, which replaces the old one
   * (RFC 6762 §8.4), so no goodbye goes out (it would make browsers drop the
   * service for a moment).
   */
  retarget(): void {
    const before = new Map(this.service.records.map((r) => [r, r.state]));
    const states = new Map(this.service.records.map((r) => [recordSlot(r), r.state]));
    for (const r of before.keys()) r.setState("probing"); // withdrawn silently
    this.#remove();
    for (const r of this.#add().records) {
      const kept = before.get(r); // a shared PTR other services still hold
      const was = kept ?? states.get(recordSlot(r));
      if (kept !== undefined) r.setState(kept);
      else if (was === "announced" || was === "announcing") r.setState("announcing");
    }
    if (this.claim.established) this.claim.announceUpdate(this.#ctx.context.clock.now());
  }

  /**
   * Replaces the TXT; announces it if the name is ours (RFC 6762 §8.4), or
   * with the first announcement once probing ends. Resolves when an
   * announcement carrying it went out, at once when nothing changed.
   *
   * @throws {RangeError} When the TXT does not fit a probe (§17) or the budget.
   */
  updateTxt(txt: TxtInput): Promise<void> {
    const srv = this.proposed("").find((r) => r.type === RecordType.SRV)!.record;
    const record = { ...srv, type: RecordType.TXT, data: encodeTxt(txt) } as ResourceRecord;
    checkProbeFits(`"${this.spec.name}"`, this.claim.name, [srv, record]); // §17
    const before = this.service.records.find((r) => r.type === RecordType.TXT);
    const after = this.#ctx.localCache.updateTxt(this.claim.name, txt);
    this.spec.txt = txt;
    if (after === before) return Promise.resolve(); // the same TXT: nothing to announce
    this.#txtChanged = true;
    const sent = new Promise<void>((resolve, reject) => this.#txtWaiters.push({ resolve, reject }));
    if (this.claim.established) {
      this.claim.announceUpdate(this.#ctx.context.clock.now());
      this.#ctx.context.wake();
    }
    return sent;
  }

  /** An announcement went out: a TXT update waiting for it is on the wire. */
  announcementSent(): void {
    if (!this.#txtChanged) return;
    this.#txtChanged = false;
    const waiters = this.#txtWaiters;
    this.#txtWaiters = [];
    this.emit({ type: "updated", name: this.spec.name });
    for (const w of waiters) w.resolve();
  }

  /** Withdraws it with goodbyes on its links. */
  unpublish(): void {
    if (this.removed) return;
    this.removed = true;
    this.claim.runs = [];
    this.#remove();
    const waiters = this.#txtWaiters;
    this.#txtWaiters = [];
    this.#txtChanged = false;
    for (const w of waiters) {
      w.reject(new TypeError(`Cannot update TXT of "${this.spec.name}": unpublished`));
    }
    this.emit({ type: "goodbye", name: this.spec.name });
  }

  #add(): LocalService {
    return this.#ctx.localCache.addService({
      name: this.spec.name,
      type: this.spec.type,
      host: this.host.name,
      port: this.spec.port,
      txt: this.spec.txt,
      subtypes: this.spec.subtypes,
    });
  }

  #remove(): void {
    const records = this.service.records;
    this.#ctx.forget(records);
    const gone = this.#ctx.localCache.removeService(this.claim.name);
    sayGoodbye(this.#ctx, gone, this.links());
  }
}

function recordSlot(r: LocalRecord): string {
  return `${r.type}\u0000${r.name}`;
}
