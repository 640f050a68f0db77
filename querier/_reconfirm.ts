/**
 * Reconfirmation (RFC 6762 §10.4): when a user saw a service fail, ask again
 * for its records (at least twice) and flush those nobody confirms within
 * ten seconds. Internal.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import type { PeerServiceCache } from "../cache/peer_cache.ts";
import type { PeerRecord } from "../cache/peer_record.ts";
import { nameKey } from "../codec/mod.ts";
import { parseServiceInstanceName, serviceTypeName } from "../dnssd/service_name.ts";
import { RECONFIRM_QUERY_TIMES_MS, RECONFIRM_WINDOW_MS } from "./_constants.ts";

interface Reconfirm {
  readonly records: { record: PeerRecord; heard: number }[];
  readonly questions: { name: string; type: number; iface: string }[];
  readonly instance: string;
  readonly start: number;
  sent: number;
}

/**
 * The reconfirmations running.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Reconfirmations } from "./_reconfirm.ts";
 * import { PeerServiceCache } from "../cache/peer_cache.ts";
 * const cache = new PeerServiceCache();
 * cache.insertRecord({
 *   name: "Den._http._tcp.local", type: 33, class: 1, cacheFlush: true, ttl: 120,
 *   data: { priority: 0, weight: 0, port: 80, target: "den.local" },
 * }, { interfaceName: "eth0", now: 0 });
 * const reconfirms = new Reconfirmations(cache);
 * reconfirms.start("Den._http._tcp.local", 0);
 * const asked: string[] = [];
 * reconfirms.run(0, (iface, name, type) => asked.push(`${iface} ${name} ${type}`));
 * assert.deepEqual(asked, ["eth0 Den._http._tcp.local 33"]);
 * reconfirms.run(10_000, () => {});
 * assert.equal(cache.size, 0); // nobody confirmed it
 * ```
 */
export class Reconfirmations {
  #cache: PeerServiceCache;
  #running: Reconfirm[] = [];

  /** Reconfirms records of `cache`. */
  constructor(cache: PeerServiceCache) {
    this.#cache = cache;
  }

  /**
   * Starts reconfirming an instance: its SRV and TXT and its host's
   * addresses. False when the cache holds none of them.
   *
   * @throws {TypeError} When the name is not a service instance name.
   */
  start(instance: string, now: number): boolean {
    parseServiceInstanceName(instance);
    const records: PeerRecord[] = [];
    for (const r of this.#cache.lookup(instance, RecordType.ANY, { now })) {
      if (r.type !== RecordType.SRV && r.type !== RecordType.TXT) continue;
      records.push(r);
      if (r.type === RecordType.SRV) {
        const target = (r.data as { target: string }).target;
        for (const t of [RecordType.A, RecordType.AAAA]) {
          records.push(...this.#cache.lookup(target, t, { now, interfaceName: r.interfaceName }));
        }
      }
    }
    if (records.length === 0) return false;
    const seen = new Set<string>();
    const questions: Reconfirm["questions"] = [];
    for (const r of records) {
      const key = `${r.interfaceName}\u0000${nameKey(r.name)}\u0000${r.type}`;
      if (seen.has(key)) continue;
      seen.add(key);
      questions.push({ name: r.name, type: r.type, iface: r.interfaceName });
    }
    this.#running.push({
      records: records.map((record) => ({ record, heard: record.receivedAt })),
      questions,
      instance,
      start: now,
      sent: 0,
    });
    return true;
  }

  /** When the next query or flush is due, `Infinity` when none. */
  nextDeadline(): number {
    let next = Infinity;
    for (const r of this.#running) {
      const at = r.sent < RECONFIRM_QUERY_TIMES_MS.length
        ? r.start + RECONFIRM_QUERY_TIMES_MS[r.sent]
        : r.start + RECONFIRM_WINDOW_MS;
      if (at < next) next = at;
    }
    return next;
  }

  /**
   * Asks (through `ask`) the questions due at `now` and flushes what went
   * unconfirmed, with the PTRs that list an instance left without an SRV.
   */
  run(now: number, ask: (iface: string, name: string, type: number) => void): void {
    for (const r of [...this.#running]) {
      while (
        r.sent < RECONFIRM_QUERY_TIMES_MS.length &&
        r.start + RECONFIRM_QUERY_TIMES_MS[r.sent] <= now
      ) {
        r.sent++;
        for (const q of r.questions) ask(q.iface, q.name, q.type);
      }
      if (r.start + RECONFIRM_WINDOW_MS > now) continue;
      this.#running.splice(this.#running.indexOf(r), 1);
      for (const { record, heard } of r.records) {
        if (record.live && record.receivedAt === heard) this.#cache.flushRecord(record);
      }
      if (this.#cache.lookup(r.instance, RecordType.SRV, { now }).length > 0) continue;
      const parsed = parseServiceInstanceName(r.instance);
      for (const ptr of this.#cache.lookup(serviceTypeName(parsed.type), RecordType.PTR, { now })) {
        if (nameKey(ptr.data as string) === nameKey(r.instance)) {
          this.#cache.flushRecord(ptr);
        }
      }
    }
  }
}
