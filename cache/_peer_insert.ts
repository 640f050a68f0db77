/**
 * The insert path of the peer cache: how a record heard from the network
 * changes the cache (RFC 6762 §10). A new record is added; one heard again is
 * refreshed (or rescued from a pending goodbye or flush); a TTL of 0 is a
 * goodbye that removes the record a second later (§10.1); the cache-flush bit
 * sets the rest of the rrset to leave in a second (§10.2), once per packet
 * and rrset when a whole response is inserted. Internal to the cache.
 *
 * @module
 */

import {
  copyRdataInto,
  encodeRdata,
  hasNameInRdata,
  type MessageReader,
  nameKey,
  RecordType,
  type ResourceRecord,
} from "../codec/mod.ts";
import { MAX_TTL } from "../dnssd/service_records.ts";
import type { PeerEvents } from "./_peer_events.ts";
import type { PeerStore } from "./_peer_store.ts";
import { find, forEachInSet } from "./_owner_index.ts";
import {
  CACHE_FLUSH_DELAY_MS,
  CACHE_FLUSH_GRACE_MS,
  GOODBYE_DELAY_MS,
  type InsertContext,
  type InsertResult,
  type PeerRecordInput,
} from "./peer_cache_options.ts";
import {
  CACHE_FLUSH_BIT,
  CLASS_MASK,
  LIVE_BIT,
  PeerEntry,
  type PeerOwner,
  PENDING_FLUSHED,
  PENDING_GOODBYE,
  PENDING_MASK,
  REFRESH_MASK,
} from "./peer_record.ts";
import { bytesToBinary, rdataKey } from "./_rdata_key.ts";

// Expanded rdata on its way to a binary string, reused record after record
// (a Uint8Array per heard record would cost more than the rest of the copy).
const rdataScratch = new Uint8Array(0xffff + 512);

/**
 * Applies heard records to a {@linkcode PeerStore} (internal). It keeps the
 * rrsets a packet being inserted asked to flush, as parallel arrays reused
 * from packet to packet.
 */
export class PeerInserter {
  #store: PeerStore;
  #events: PeerEvents;
  // The rrsets a packet being inserted asked to flush (RFC 6762 §10.2), as
  // parallel arrays reused from packet to packet: owner, interface, type, class.
  #flushCount = 0;
  #flushOwners: PeerOwner[] = [];
  #flushIfaces: string[] = [];
  #flushTypes: number[] = [];
  #flushClasses: number[] = [];

  /** Inserts into `store`, telling `events` what was added or updated. */
  constructor(store: PeerStore, events: PeerEvents) {
    this.#store = store;
    this.#events = events;
  }

  /**
   * Inserts one record given as canonical rdata, heard at `now`.
   *
   * @throws {RangeError} When the TTL is not a whole number of seconds, 0 or more.
   */
  insert(input: PeerRecordInput, now: number): InsertResult {
    checkTtl(input.ttl);
    if (isPseudo(input.type)) return "ignored";
    const binary = bytesToBinary(input.rdata);
    return this.#insert(input.interfaceName, input.name, input.type, input, binary, now);
  }

  /**
   * Inserts a codec record (its data encoded to canonical rdata).
   *
   * @throws {RangeError} When the TTL is not a whole number of seconds, 0 or
   * more, or the data is out of range for its type.
   * @throws {TypeError} When the data is malformed for its type.
   */
  insertRecord(record: ResourceRecord, context: InsertContext): InsertResult {
    checkTtl(record.ttl);
    if (isPseudo(record.type)) return "ignored";
    const binary = bytesToBinary(encodeRdata(record.type, record.data));
    return this.#insert(
      context.interfaceName,
      record.name,
      record.type,
      record,
      binary,
      context.now,
    );
  }

  /**
   * Inserts the record a reader is on, copying only its name and rdata;
   * `perPacket` defers its cache-flush to the end of the packet.
   *
   * @throws {DnsParseError} When a name inside the rdata is malformed.
   */
  insertFromReader(
    reader: MessageReader,
    context: InsertContext,
    perPacket: boolean,
  ): InsertResult {
    const type = reader.type;
    if (isPseudo(type)) return "ignored";
    const off = reader.rdataOffset;
    const len = reader.rdataLength;
    // Names inside rdata may be compressed: expand them so equal data compares equal.
    const binary = hasNameInRdata(type)
      ? bytesToBinary(rdataScratch, 0, copyRdataInto(reader.packet, type, off, len, rdataScratch))
      : bytesToBinary(reader.packet, off, off + len);
    return this.#insert(
      context.interfaceName,
      reader.name(),
      type,
      reader,
      binary,
      context.now,
      perPacket,
    );
  }

  /**
   * Inserts every record left in a response, then applies the cache-flushes
   * it asked for, each rrset once (RFC 6762 §10.2).
   *
   * @returns How many records were added or refreshed.
   */
  insertMessage(reader: MessageReader, context: InsertContext): number {
    let count = 0;
    this.#flushCount = 0;
    try {
      while (reader.nextRecord()) {
        const result = this.insertFromReader(reader, context, true);
        if (result === "added" || result === "refreshed") count++;
      }
    } finally {
      if (this.#flushCount > 0) this.#applyFlushes(this.#store.rel(context.now));
    }
    return count;
  }

  /** Applies the flushes a packet asked for, each rrset once. */
  #applyFlushes(t: number): void {
    const owners = this.#flushOwners;
    for (let i = 0; i < this.#flushCount; i++) {
      this.#flushOthers(
        owners[i],
        this.#flushIfaces[i],
        this.#flushTypes[i],
        this.#flushClasses[i],
        "",
        t,
      );
    }
    // Drop the references so a flushed owner can be collected.
    owners.length = this.#flushIfaces.length = 0;
    this.#flushTypes.length = this.#flushClasses.length = 0;
    this.#flushCount = 0;
  }

  /** Notes an rrset to flush at the end of the packet (consecutive repeats once). */
  #deferFlush(owner: PeerOwner, iface: string, type: number, cls: number): void {
    const n = this.#flushCount;
    if (
      n > 0 && this.#flushOwners[n - 1] === owner && this.#flushTypes[n - 1] === type &&
      this.#flushIfaces[n - 1] === iface && this.#flushClasses[n - 1] === cls
    ) return;
    this.#flushOwners[n] = owner;
    this.#flushIfaces[n] = iface;
    this.#flushTypes[n] = type;
    this.#flushClasses[n] = cls;
    this.#flushCount = n + 1;
  }

  #insert(
    iface: string,
    name: string,
    type: number,
    header: { class: number; cacheFlush: boolean; ttl: number },
    binary: string,
    now: number,
    perPacket = false,
  ): InsertResult {
    const store = this.#store;
    const t = store.rel(now);
    const cls = header.class & CLASS_MASK;
    // RFC 2181 §8: a TTL with the most significant bit set counts as zero.
    const ttl = header.ttl > MAX_TTL ? 0 : header.ttl;
    const key = nameKey(name);
    const rkey = rdataKey(type, binary);
    const owner = store.names.getByKey(key);
    const existing = owner === undefined ? undefined : find(owner, iface, type, cls, rkey);
    if (ttl === 0) {
      if (existing === undefined) return "ignored";
      // RFC 6762 §10.1: keep it one more second, so a fresh announcement can rescue it.
      store.schedule.leaveSoon(existing, t + GOODBYE_DELAY_MS, PENDING_GOODBYE);
      store.leaving(existing);
      return "goodbye";
    }
    if (header.cacheFlush && owner !== undefined) {
      // A new owner has nothing older to flush.
      if (perPacket) this.#deferFlush(owner, iface, type, cls);
      else this.#flushOthers(owner, iface, type, cls, rkey, t);
    }
    if (existing !== undefined) {
      this.#refreshEntry(existing, ttl, header.cacheFlush, t);
      return "refreshed";
    }
    const bits = cls | (header.cacheFlush ? CACHE_FLUSH_BIT : 0) | LIVE_BIT;
    const entry = new PeerEntry(null!, iface, type, bits, binary, rkey, ttl, t);
    if (!store.add(owner, entry, name, key)) return "rejected";
    if (this.#events.active) this.#events.emit({ type: "added", record: entry });
    return "added";
  }

  #refreshEntry(entry: PeerEntry, ttl: number, cacheFlush: boolean, t: number): void {
    const previousTtl = entry.ttl;
    const wasPending = (entry.bits & PENDING_MASK) !== 0;
    entry.ttl = ttl;
    entry.bits = (entry.bits & ~(PENDING_MASK | REFRESH_MASK | CACHE_FLUSH_BIT)) |
      (cacheFlush ? CACHE_FLUSH_BIT : 0);
    this.#store.schedule.schedule(entry, t);
    this.#store.heard(entry, t);
    if (this.#events.active && (wasPending || previousTtl !== ttl)) {
      this.#events.emit({
        type: "updated",
        record: entry,
        reason: wasPending ? "rescued" : "refreshed",
        previousTtl,
      });
    }
  }

  // RFC 6762 §10.2: records of the same name, type and class on this interface
  // heard more than one second ago are set to expire one second from now; ones
  // heard within the last second (the rest of the same burst, and every record
  // of the packet being applied, heard at `t`) are kept.
  #flushOthers(
    owner: PeerOwner,
    iface: string,
    type: number,
    cls: number,
    rkey: string,
    t: number,
  ) {
    const schedule = this.#store.schedule;
    forEachInSet(owner, iface, type, cls, (e) => {
      if (e.key === rkey || t - e.heard <= CACHE_FLUSH_GRACE_MS) return;
      if (e.expires > t + CACHE_FLUSH_DELAY_MS || (e.bits & PENDING_MASK) === 0) {
        schedule.leaveSoon(e, t + CACHE_FLUSH_DELAY_MS, PENDING_FLUSHED);
      }
    });
  }
}

function checkTtl(ttl: number): void {
  if (!Number.isInteger(ttl) || ttl < 0) {
    throw new RangeError(`Invalid TTL: ${ttl}, must be a whole number of seconds, 0 or more`);
  }
}

function isPseudo(type: number): boolean {
  // OPT (RFC 6891) is per-message metadata and ANY only a question type: neither is a record.
  return type === RecordType.OPT || type === RecordType.ANY;
}
