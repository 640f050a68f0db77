/**
 * What the querier learns from other hosts' queries (RFC 6762 §7.3, §10.5):
 * which QM questions were just asked (so ours can be suppressed), and which
 * cached records others asked for without any answer coming (passive
 * observation of failures, POOF). Both tables hold at most
 * `OBSERVATION_LIMIT` entries, the oldest dropped first.
 *
 * Only what the whole link will see answered teaches anything: a
 * non-truncated query sent to the multicast group from port 5353, and of it
 * only the QM questions ({@linkcode answeredInTheOpen}). Internal.
 *
 * @module
 */

import { type MessageReader, nameKey, readerRecordKey, RecordType } from "../codec/mod.ts";
import type { PeerRecord } from "../cache/peer_record.ts";
import { type Datagram, MDNS_PORT } from "../transport/transport.ts";
import {
  DUPLICATE_QUESTION_WINDOW_MS,
  OBSERVATION_LIMIT,
  POOF_ANSWER_QUIET_MS,
  POOF_QUERY_COUNT,
  POOF_WINDOW_MS,
} from "./_constants.ts";

/**
 * One question of another host's query, with its Known Answers for that question.
 */
export interface HeardQuestion {
  /** Name asked about. */
  readonly name: string;
  /** Type asked for. */
  readonly type: number;
  /** True for a QU question. */
  readonly unicast: boolean;
  /** The Known Answers listed for it, by the codec's `recordKey` (RFC 6762 §16). */
  readonly known: ReadonlySet<string>;
}

// Shared by every question heard without Known Answers; never added to.
const NO_KNOWN_ANSWERS: Set<string> = new Set();

/**
 * Reads the questions of a query and, for each, the Known Answers it lists.
 * Malformed rdata in a Known Answer leaves that answer out.
 */
export function readQuery(reader: MessageReader): HeardQuestion[] {
  const questions: { name: string; type: number; unicast: boolean; known: Set<string> }[] = [];
  while (reader.nextQuestion()) {
    questions.push({
      name: reader.name(),
      type: reader.type,
      unicast: reader.unicastResponse,
      known: NO_KNOWN_ANSWERS, // most queries list none: a set is made for the first
    });
  }
  // Known Answers are read in place, as the answer planner reads them.
  while (reader.nextRecord()) {
    try {
      const type = reader.type;
      const name = nameKey(reader.name());
      const q = questions.find((q) => knownAnswerFor(q, name, type));
      if (q === undefined) continue;
      if (q.known === NO_KNOWN_ANSWERS) q.known = new Set();
      q.known.add(readerRecordKey(reader));
    } catch {
      // A malformed name or rdata: not an answer we could hold.
    }
  }
  return questions;
}

/**
 * Whether a Known Answer at `name` (a name key) of `type` answers question
 * `q` (same name; same type, or a question for ANY: RFC 6762 §7.1).
 */
export function knownAnswerFor(
  q: { readonly name: string; readonly type: number },
  name: string,
  type: number,
): boolean {
  return nameKey(q.name) === name && (q.type === RecordType.ANY || q.type === type);
}

/**
 * True when a query's answers will be multicast for everyone to hear, so that
 * silence after it means something (RFC 6762 §7.3, §10.5). Not so for a query
 * sent to our unicast address or from a port other than 5353 (a legacy query:
 * its answers go by unicast to it, §6.7), nor for one with TC (more Known
 * Answers follow, and may suppress the answer, §7.2). The QM bit of each
 * question is the caller's to check: a QU question is answered by unicast
 * too (§5.4). mDNSResponder draws the same line ("For any query generating a
 * unicast response we don't do this because we can't assume we will see the
 * response"); a continuation packet carries no question, so nothing counts.
 */
export function answeredInTheOpen(reader: MessageReader, datagram: Datagram): boolean {
  return !datagram.unicast && datagram.source.port === MDNS_PORT && !reader.truncated;
}

interface Asked {
  at: number;
  known: ReadonlySet<string>;
}

/**
 * QM questions other hosts asked lately, per link (RFC 6762 §7.3).
 */
export class QuestionHistory {
  #asked = new Map<string, Asked>();
  #lastQuestion: HeardQuestion | undefined;
  #lastIface = "";
  #lastKey = "";

  /** Notes a question another host asked on `iface` at `now`; QU questions never count. */
  heard(iface: string, q: HeardQuestion, now: number): void {
    if (q.unicast) return;
    // The same question heard again (a flood's) reuses its key.
    if (q !== this.#lastQuestion || iface !== this.#lastIface) {
      this.#lastKey = `${iface}\u0000${nameKey(q.name)}\u0000${q.type}`;
      this.#lastQuestion = q;
      this.#lastIface = iface;
    }
    const key = this.#lastKey;
    // A question asked again is updated in place: deleting and re-adding the
    // key on every query made V8 replace the long-lived map's table, old-space
    // garbage that grew RSS by ~20 MB under a 20,000/s query flood (issue 16
    // item 2). The entry keeps its place, so the map is only mostly in time
    // order: see prune().
    const asked = this.#asked.get(key);
    if (asked !== undefined) {
      asked.at = now;
      asked.known = q.known;
      return;
    }
    this.#asked.set(key, { at: now, known: q.known });
    if (this.#asked.size > OBSERVATION_LIMIT) {
      this.#asked.delete(this.#asked.keys().next().value!);
    }
  }

  /**
   * The Known Answers another host listed when it asked this QM question
   * on `iface` within the last second, undefined when nobody did.
   */
  recent(iface: string, name: string, type: number, now: number): ReadonlySet<string> | undefined {
    const asked = this.#asked.get(`${iface}\u0000${nameKey(name)}\u0000${type}`);
    return asked === undefined || now - asked.at > DUPLICATE_QUESTION_WINDOW_MS
      ? undefined
      : asked.known;
  }

  /**
   * True when our question was just asked by another host, with no Known
   * Answer that we would leave out of our own list (`ours`).
   */
  suppresses(
    iface: string,
    name: string,
    type: number,
    ours: ReadonlySet<string>,
    now: number,
  ): boolean {
    const theirs = this.recent(iface, name, type, now);
    if (theirs === undefined) return false;
    for (const k of theirs) if (!ours.has(k)) return false;
    return true;
  }

  /** Forgets what is too old to matter. */
  prune(now: number): void {
    for (const [key, asked] of this.#asked) {
      // Insertion order is first-asked order: a stale entry behind one asked
      // again waits for a later prune (recent() reads the time; the size cap
      // bounds what waits).
      if (now - asked.at <= DUPLICATE_QUESTION_WINDOW_MS) break;
      this.#asked.delete(key);
    }
  }
}

interface Watched {
  first: number;
  count: number;
  heard: number;
}

/**
 * Passive observation of failures (RFC 6762 §10.5): a cached record that
 * other hosts asked for at least twice, with no answer heard within ten
 * seconds of the first of those queries, is due to be flushed. A query heard
 * within `POOF_ANSWER_QUIET_MS` of the record itself does not count: §6 bars
 * its responder from multicasting it again so soon, so no answer is expected
 * (on a LAN of browsers, refreshes that follow another host's by a few ms
 * purged the same records in every cache at once).
 */
export class FailureObserver {
  #watched = new Map<PeerRecord, Watched>();

  /** Records that another host's query at `now` should have drawn `record` as an answer. */
  asked(record: PeerRecord, now: number): void {
    // §6: its responder may not multicast it again yet, so no answer is due.
    if (now - record.receivedAt < POOF_ANSWER_QUIET_MS) return;
    const w = this.#watched.get(record);
    if (w === undefined || now - w.first > POOF_WINDOW_MS || record.receivedAt !== w.heard) {
      this.#watched.delete(record);
      this.#watched.set(record, { first: now, count: 1, heard: record.receivedAt });
      if (this.#watched.size > OBSERVATION_LIMIT) {
        this.#watched.delete(this.#watched.keys().next().value!);
      }
    } else w.count++;
  }

  /** When the next record is due to be flushed, `Infinity` when none. */
  nextDeadline(): number {
    let next = Infinity;
    for (const w of this.#watched.values()) {
      if (w.count >= POOF_QUERY_COUNT && w.first + POOF_WINDOW_MS < next) {
        next = w.first + POOF_WINDOW_MS;
      }
    }
    return next;
  }

  /**
   * The records to flush at `now`: asked for enough and not heard since.
   * Forgets those and the ones whose window passed.
   */
  due(now: number): PeerRecord[] {
    const out: PeerRecord[] = [];
    for (const [record, w] of this.#watched) {
      if (!record.live || record.receivedAt !== w.heard) {
        this.#watched.delete(record);
      } else if (w.first + POOF_WINDOW_MS <= now) {
        this.#watched.delete(record);
        if (w.count >= POOF_QUERY_COUNT) out.push(record);
      }
    }
    return out;
  }
}
