/**
 * Reconfirmation (RFC 6762 §10.4): when a user saw a service fail, ask again
 * for its records (at least twice) and flush those nobody confirms within
 * ten seconds. The querier also doubts, by itself, the PTRs that named an
 * instance whose SRV never came (`DOUBT_AFTER_QUERIES`): those are asked for
 * in rounds, one per service type at a time, back to back (a flood of fake
 * instances costs two PTR queries every three seconds, not three per
 * instance), each doubted PTR left out of the Known Answers so that its
 * responder, if any, answers.
 * Internal.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import type { PeerServiceCache } from "../cache/peer_cache.ts";
import type { PeerRecord } from "../cache/peer_record.ts";
import { nameKey } from "../codec/mod.ts";
import { parseServiceInstanceName, serviceTypeName } from "../dnssd/service_name.ts";
import { RECONFIRM_QUERY_TIMES_MS, RECONFIRM_WINDOW_MS } from "./_constants.ts";

// The records a reconfirmation watches, and when each was last heard as it
// began (a record heard again since is confirmed): two arrays, no object per
// record. A round of doubted PTRs under a flood holds thousands, and two or
// three rounds overlap (RECONFIRM_WINDOW_MS against the rounds' last query);
// an object and a boxed time per record cost ~60 bytes each.
interface Watched {
  readonly records: PeerRecord[];
  readonly heard: number[];
}

/** A question and the indexes (in its reconfirmation's `records`) of those that answer it. */
interface Asked {
  readonly name: string;
  readonly type: number;
  readonly iface: string;
  readonly answers: number[];
}

interface Reconfirm extends Watched {
  /** Each question with the records that answer it. */
  readonly questions: Asked[];
  /** The instance reconfirmed (a user's), or undefined for a round of doubted PTRs. */
  readonly fullName: string | undefined;
  readonly start: number;
  sent: number;
}

/** Doubted PTRs of one service type: the round asking, and those waiting for the next. */
interface DoubtRounds {
  readonly ptrName: string;
  round: Reconfirm | undefined;
  readonly waiting: Set<string>; // instances (name keys) doubted since the round began
}

/**
 * What `ask` is told to leave out of the question's Known Answers: every
 * answer (`"all"`, a reconfirmation of unique records wants them all) or the
 * doubted records.
 */
export type LeaveOut = "all" | ReadonlySet<PeerRecord>;

/**
 * The reconfirmations running.
 */
export class Reconfirmations {
  #cache: PeerServiceCache;
  #running: Reconfirm[] = [];
  #doubts = new Map<string, DoubtRounds>(); // by the type's PTR name key

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
    const byQuestion = new Map<string, Asked>();
    records.forEach((r, i) => {
      const key = `${r.interfaceName}\u0000${nameKey(r.name)}\u0000${r.type}`;
      const question = byQuestion.get(key) ??
        { name: r.name, type: r.type, iface: r.interfaceName, answers: [] };
      question.answers.push(i);
      byQuestion.set(key, question);
    });
    this.#running.push({
      records,
      heard: records.map((r) => r.receivedAt),
      questions: [...byQuestion.values()],
      fullName: instance,
      start: now,
      sent: 0,
    });
    return true;
  }

  /**
   * The PTRs that name `instance` are in doubt: its SRV was asked for
   * `DOUBT_AFTER_QUERIES` times in vain. They are asked about in the next
   * round of their service type: at the next `run` when none is asking, else
   * when the one asking has sent its last query (§10.4: "two or more
   * queries", here three). False when `instance` is not a service instance
   * name.
   */
  doubt(instance: string): boolean {
    let ptrName: string;
    try {
      ptrName = serviceTypeName(parseServiceInstanceName(instance).type);
    } catch {
      return false; // not an instance name: no browse lists it
    }
    const typeKey = nameKey(ptrName);
    let rounds = this.#doubts.get(typeKey);
    if (rounds === undefined) {
      this.#doubts.set(typeKey, rounds = { ptrName, round: undefined, waiting: new Set() });
    }
    rounds.waiting.add(nameKey(instance));
    return true;
  }

  // Starts a round with the waiting instances of a type: one pass over the
  // type's PTRs, at most once a round (every few seconds under a flood of
  // fakes), however many instances wait.
  #startRound(rounds: DoubtRounds, now: number): void {
    const round: Reconfirm = {
      records: [],
      heard: [],
      questions: [],
      fullName: undefined,
      start: now,
      sent: 0,
    };
    rounds.round = round;
    this.#running.push(round);
    for (const record of this.#cache.lookup(rounds.ptrName, RecordType.PTR, { now })) {
      const instance = record.data as string;
      if (!rounds.waiting.has(nameKey(instance))) continue;
      // Its SRV came meanwhile (a browse doubts what it cannot follow at
      // once, before the rest of an answer arrived): not in doubt any more.
      if (this.#cache.lookup(instance, RecordType.SRV, { now }).length > 0) continue;
      let question = round.questions.find((q) => q.iface === record.interfaceName);
      if (question === undefined) {
        question = {
          name: rounds.ptrName,
          type: RecordType.PTR,
          iface: record.interfaceName,
          answers: [],
        };
        round.questions.push(question);
      }
      question.answers.push(round.records.length);
      round.records.push(record);
      round.heard.push(record.receivedAt);
    }
    rounds.waiting.clear();
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
  run(
    now: number,
    ask: (iface: string, name: string, type: number, leaveOut: LeaveOut) => void,
  ): void {
    for (const rounds of this.#doubts.values()) {
      if (rounds.round === undefined && rounds.waiting.size > 0) this.#startRound(rounds, now);
    }
    // By index: a round started on the way (the next round of doubts) asks
    // its first query in this same run, with the last query of the one before.
    for (let i = 0; i < this.#running.length; i++) {
      const r = this.#running[i];
      while (
        r.sent < RECONFIRM_QUERY_TIMES_MS.length &&
        r.start + RECONFIRM_QUERY_TIMES_MS[r.sent] <= now
      ) {
        r.sent++;
        // Once the peer has answered every record of a question, asking
        // again only costs the link a packet (in mDNSResponder a re-heard
        // record gets a fresh TTL, which ends its reconfirmation too).
        for (const q of r.questions) {
          const open = q.answers.filter((i) => unconfirmed(r, i));
          if (open.length === 0) continue;
          ask(q.iface, q.name, q.type, r.fullName === undefined ? doubted(r, open) : "all");
        }
        if (r.fullName === undefined && r.sent === RECONFIRM_QUERY_TIMES_MS.length) {
          this.#nextRound(r, now);
        }
      }
      if (r.start + RECONFIRM_WINDOW_MS > now) continue;
      this.#running.splice(i--, 1);
      if (r.fullName === undefined) {
        // A doubted PTR goes unless it was heard again or its instance's SRV came.
        for (let j = 0; j < r.records.length; j++) {
          if (!unconfirmed(r, j)) continue;
          const ptr = r.records[j];
          if (this.#cache.lookup(ptr.data as string, RecordType.SRV, { now }).length > 0) {
            continue;
          }
          this.#cache.purgeRecord(ptr);
        }
        continue;
      }
      for (let j = 0; j < r.records.length; j++) {
        if (unconfirmed(r, j)) this.#cache.purgeRecord(r.records[j]);
      }
      if (this.#cache.lookup(r.fullName, RecordType.SRV, { now }).length > 0) continue;
      const parsed = parseServiceInstanceName(r.fullName);
      for (const ptr of this.#cache.lookup(serviceTypeName(parsed.type), RecordType.PTR, { now })) {
        if (nameKey(ptr.data as string) === nameKey(r.fullName)) {
          this.#cache.purgeRecord(ptr);
        }
      }
    }
  }

  // A doubt round sent its last query: the instances doubted meanwhile start
  // the next round of their type now.
  #nextRound(done: Reconfirm, now: number): void {
    for (const [key, rounds] of this.#doubts) {
      if (rounds.round !== done) continue;
      rounds.round = undefined;
      if (rounds.waiting.size === 0) this.#doubts.delete(key);
      else this.#startRound(rounds, now);
      return;
    }
  }
}

/** Record `i` of `w` is still as it was: live, and not heard again since the reconfirmation began. */
function unconfirmed(w: Watched, i: number): boolean {
  const record = w.records[i];
  return record.live && record.receivedAt === w.heard[i];
}

/** The doubted records a round's question leaves out of its Known Answers. */
function doubted(w: Watched, open: number[]): ReadonlySet<PeerRecord> {
  return new Set(open.map((i) => w.records[i]));
}
