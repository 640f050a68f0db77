/**
 * The record store behind the local service cache: our records indexed by
 * owner name (any case), their byte count against the budget, the
 * `_services._dns-sd._udp` PTR that services of one type share, and the
 * records removed after they were announced, kept (and counted) until their
 * goodbyes are sent (RFC 6762 §10.1). `local_cache.ts` keeps the services and
 * hosts; this file keeps the records they are made of.
 *
 * Our own records are never evicted: {@linkcode LocalRecordStore.reserve}
 * refuses what does not fit before anything changes.
 *
 * @module
 */

import { nameKey, type PtrRecord, RecordType } from "../codec/mod.ts";
import { NameEntry, NameInterner } from "./_interner.ts";
import type { LocalRecord } from "./local_record.ts";
import { forgetState, observeState } from "./_local_state.ts";

class LocalOwner extends NameEntry {
  records: LocalRecord[] = [];
}

/** Records by owner name, with their bytes, shared PTRs and pending goodbyes. */
export class LocalRecordStore {
  // Each cache has its own interner: the local and the peer cache share no names.
  #names = new NameInterner<LocalOwner>({ create: (n, k, b) => new LocalOwner(n, k, b) });
  #shared = new Map<LocalRecord, number>();
  #goodbyes = new Set<LocalRecord>();
  #listeners: ((name: string) => void)[] = [];
  #onState = (record: LocalRecord) => this.#changed(record.name);
  #maxBytes: number;
  #recordBytes = 0;
  #size = 0;

  /** A store with a budget of `maxBytes` (already checked). */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Records held (those awaiting a goodbye included). */
  get size(): number {
    return this.#size;
  }
  /** Bytes counted: records plus names. */
  get bytes(): number {
    return this.#recordBytes + this.#names.bytes;
  }
  /** The byte budget. */
  get capacity(): number {
    return this.#maxBytes;
  }

  /**
   * Throws a `RangeError` starting with `what` unless `records` fit the
   * budget once `freed` bytes are released; changes nothing either way.
   */
  reserve(records: readonly LocalRecord[], what: string, freed = 0): void {
    let need = -freed;
    const newNames = new Set<string>();
    for (const r of records) {
      need += r.bytes;
      const key = nameKey(r.name);
      if (this.#names.getByKey(key) === undefined && !newNames.has(key)) {
        newNames.add(key);
        need += this.#names.costOf(r.name, key);
      }
    }
    if (this.bytes + need > this.#maxBytes) {
      throw new RangeError(
        `${what}: needs ${need} bytes, ${this.#maxBytes - this.bytes} of the budget of ` +
          `${this.#maxBytes} left`,
      );
    }
  }

  /** Indexes a record and counts it; listeners hear its name, and each state change after. */
  insert(record: LocalRecord): void {
    this.#names.acquire(record.name).records.push(record);
    this.#recordBytes += record.bytes;
    this.#size++;
    observeState(record, this.#onState);
    this.#changed(record.name);
  }

  /** Takes a record out at once, bytes and all (no goodbye). */
  drop(record: LocalRecord): void {
    this.#unindex(record);
    this.#recordBytes -= record.bytes;
    this.#size--;
    this.#names.release(this.#names.get(record.name)!);
  }

  /**
   * Retires records: a shared PTR loses one user (it goes with the last); a
   * record never announced (still probing) goes at once, since nobody has it
   * cached; the others move to `goodbye`, wait in the store and are returned.
   */
  retire(records: readonly LocalRecord[]): LocalRecord[] {
    const goodbyes: LocalRecord[] = [];
    for (const r of records) {
      const users = this.#shared.get(r);
      if (users !== undefined) {
        if (users > 2) this.#shared.set(r, users - 1);
        else this.#shared.delete(r);
        continue;
      }
      if (r.state === "probing") {
        this.drop(r);
        continue;
      }
      this.#unindex(r);
      r.setState("goodbye");
      this.#goodbyes.add(r);
      goodbyes.push(r);
    }
    return goodbyes;
  }

  /** The PTR already held with the same name and target (any case), if any. */
  findPtr(ptr: PtrRecord): LocalRecord | undefined {
    const target = nameKey(ptr.data);
    return this.lookup(ptr.name, RecordType.PTR).find((r) =>
      nameKey(r.record.data as string) === target
    );
  }

  /** One more service uses the shared PTR `record`. */
  share(record: LocalRecord): void {
    this.#shared.set(record, (this.#shared.get(record) ?? 1) + 1);
  }

  /** Records at `name` of `type` (every type for ANY), goodbyes excluded, scoped to `interfaceName`. */
  lookup(name: string, type: number, interfaceName?: string): LocalRecord[] {
    const owner = this.#names.get(name);
    if (owner === undefined) return [];
    return owner.records.filter((r) =>
      (type === RecordType.ANY || r.type === type) &&
      (interfaceName === undefined || r.interfaceName === undefined ||
        r.interfaceName === interfaceName)
    );
  }

  /** True when any record is held at `name`. */
  owns(name: string): boolean {
    return (this.#names.get(name)?.records.length ?? 0) > 0;
  }

  /** Every record held, goodbyes excluded. */
  records(): LocalRecord[] {
    const out: LocalRecord[] = [];
    for (const owner of this.#names) out.push(...owner.records);
    return out;
  }

  /** Adds a change listener; returns its removal. */
  onChange(listener: (name: string) => void): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Records whose goodbyes are still to be sent. */
  pendingGoodbyes(): LocalRecord[] {
    return [...this.#goodbyes];
  }

  /** Forgets records whose goodbyes have been sent, releasing their bytes. */
  completeGoodbyes(records: Iterable<LocalRecord>): void {
    for (const r of records) {
      if (!this.#goodbyes.delete(r)) continue;
      this.#recordBytes -= r.bytes;
      this.#size--;
      this.#names.release(this.#names.get(r.name)!);
    }
  }

  /** Takes a record out of the index; its name reference stays while a goodbye is pending. */
  #unindex(record: LocalRecord): void {
    const owner = this.#names.get(record.name)!;
    owner.records.splice(owner.records.indexOf(record), 1);
    forgetState(record);
    this.#changed(record.name);
  }

  #changed(name: string): void {
    for (const listener of this.#listeners) listener(name);
  }
}
