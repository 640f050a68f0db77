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

/** A cached record as it was when the reconfirmation began. */
interface Watched {
  readonly record: PeerRecord;
  readonly heard: number;
}

interface Reconfirm {
  readonly records: Watched[];
  /** Each question with the records that answer it. */
  readonly questions: { name: string; type: number; iface: string; records: Watched[] }[];
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
    const byQuestion = new Map<string, Reconfirm["questions"][number]>();
    const watched = records.map((record) => ({ record, heard: record.receivedAt }));
    for (const w of watched) {
      const r = w.record;
      const key = `${r.interfaceName}\u0000${nameKey(r.name)}\u0000${r.type}`;
      const question = byQuestion.get(key) ??
        { name: r.name, type: r.type, iface: r.interfaceName, records: [] };
      question.records.push(w);
      byQuestion.set(key, question);
    }
    this.#running.push({
      records: watched,
      questions: [...byQuestion.values()],
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
        // Once the peer has answered every record of a question, asking
        // again only costs the link a packet (in mDNSResponder a re-heard
        // record gets a fresh TTL, which ends its reconfirmation too).
        for (const q of r.questions) {
          if (q.records.some(unconfirmed)) ask(q.iface, q.name, q.type);
        }
      }
      if (r.start + RECONFIRM_WINDOW_MS > now) continue;
      this.#running.splice(this.#running.indexOf(r), 1);
      for (const w of r.records) if (unconfirmed(w)) this.#cache.purgeRecord(w.record);
      if (this.#cache.lookup(r.instance, RecordType.SRV, { now }).length > 0) continue;
      const parsed = parseServiceInstanceName(r.instance);
      for (const ptr of this.#cache.lookup(serviceTypeName(parsed.type), RecordType.PTR, { now })) {
        if (nameKey(ptr.data as string) === nameKey(r.instance)) {
          this.#cache.purgeRecord(ptr);
        }
      }
    }
  }
}

/** Still as it was: live, and not heard again since the reconfirmation began. */
function unconfirmed(w: Watched): boolean {
  return w.record.live && w.record.receivedAt === w.heard;
}
