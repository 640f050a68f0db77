/**
 * What the querier learns from other hosts' queries: duplicate question
 * suppression (RFC 6762 §7.3: a QM question another host just asked, with
 * nothing in its Known Answers that we would leave out, counts as ours) and
 * POOF (§10.5: records others asked for, without listing them as known,
 * that nobody answered in ten seconds, are purged). Both learn only from
 * the QM questions of a query whose answers everyone will hear
 * ({@linkcode answeredInTheOpen}); §7.3 also from a query whose Known
 * Answers span several packets (§7.2), once its last packet came
 * (`ContinuedQueries`). "Ours" is the Known-Answer list we would send: the
 * cached records and the records we publish that answer the question.
 *
 * @module
 */

import { type MessageReader, recordKey, RecordType } from "../codec/mod.ts";
import type { PeerServiceCache } from "../cache/peer_cache.ts";
import type { PeerRecord } from "../cache/peer_record.ts";
import type { Datagram } from "../transport/transport.ts";
import { MDNS_PORT } from "../transport/transport.ts";
import {
  answeredInTheOpen,
  FailureObserver,
  type HeardQuestion,
  QuestionHistory,
  readQuery,
} from "./_observations.ts";
import { ContinuedQueries } from "./_continued_queries.ts";

/** The identity keys (`recordKey`) of the records we publish that answer `name`/`type` on `iface`. */
export type OwnAnswerKeys = (name: string, type: number, iface: string) => Iterable<string>;

/** Other hosts' recent questions and the records they asked for in vain. */
export class OtherQueries {
  #cache: PeerServiceCache;
  #ownKeys: OwnAnswerKeys;
  #history = new QuestionHistory();
  #poof = new FailureObserver();
  #continued = new ContinuedQueries();
  #last: { iface: string; bytes: Uint8Array; questions: HeardQuestion[] } | undefined;

  /**
   * Learns against the records of `cache`; `ownKeys` names the records we
   * publish, which our queries list as Known Answers too.
   */
  constructor(cache: PeerServiceCache, ownKeys: OwnAnswerKeys = () => []) {
    this.#cache = cache;
    this.#ownKeys = ownKeys;
  }

  /**
   * A query from another host arrived at `now`. Returns true when it may
   * have moved a POOF deadline (the only deadline it can move): the caller
   * re-arms the scheduler then, not for every query of a flood.
   */
  heard(reader: MessageReader, datagram: Datagram, now: number): boolean {
    if (!answeredInTheOpen(reader, datagram) || reader.questionCount === 0) {
      this.#heardInParts(reader, datagram, now);
      return false; // §7.3 moves no deadline: it is read when our question is due
    }
    const iface = datagram.interfaceName;
    let watched = false;
    for (const q of this.#questions(reader, iface)) {
      if (q.unicast) continue; // QU: answered by unicast (§5.4), unseen by us
      this.#history.heard(iface, q, now);
      for (const r of this.#cache.lookup(q.name, q.type, { interfaceName: iface, now })) {
        if (r.type === RecordType.NSEC || r.pending !== undefined) continue;
        if (q.known.size === 0 || !q.known.has(recordKey(r.name, r.type, r.rdata))) {
          this.#poof.asked(r, now);
          watched = true;
        }
      }
    }
    return watched;
  }

  // A packet of a query whose Known Answers span several (§7.2; TC on all but
  // the last, no question after the first), sent to the group from port 5353:
  // once the last came, §7.3 may judge the whole list. POOF stays out, as
  // mDNSResponder's does: a lost continuation would make a listed record look
  // unanswered.
  #heardInParts(reader: MessageReader, datagram: Datagram, now: number): void {
    if (datagram.unicast || datagram.source.port !== MDNS_PORT) return;
    for (const q of this.#continued.take(reader, datagram, now) ?? []) {
      if (!q.unicast) this.#history.heard(datagram.interfaceName, q, now);
    }
  }

  // A flood, or a querier's repeats, sends one packet again and again: with
  // no Known Answers its questions depend on its bytes alone, so the last
  // such query's questions are read once and kept (one entry, bytes compared).
  #questions(reader: MessageReader, iface: string): HeardQuestion[] {
    const packet = reader.packet;
    const last = this.#last;
    if (reader.answerCount > 0) return readQuery(reader);
    if (last !== undefined && last.iface === iface && sameAfterId(last.bytes, packet)) {
      return last.questions;
    }
    const questions = readQuery(reader);
    this.#last = { iface, bytes: packet.slice(2), questions };
    return questions;
  }

  /**
   * RFC 6762 §7.3: another host just asked this QM question with nothing in
   * its Known Answers that we would leave out; ours counts as sent. Our own
   * list is built only when someone did ask it.
   */
  askedByOthers(name: string, type: number, iface: string, now: number): boolean {
    if (this.#history.recent(iface, name, type, now) === undefined) return false;
    const ours = new Set(
      this.#cache.knownAnswers(name, type, { interfaceName: iface, now }).map((r) =>
        recordKey(r.name, r.type, r.rdata)
      ),
    );
    for (const key of this.#ownKeys(name, type, iface)) ours.add(key);
    return this.#history.suppresses(iface, name, type, ours, now);
  }

  /** The records whose POOF window closed unanswered by `now` (§10.5): to purge. */
  failed(now: number): PeerRecord[] {
    return this.#poof.due(now);
  }

  /** When the next POOF window closes, `Infinity` when none. */
  nextDeadline(): number {
    return this.#poof.nextDeadline();
  }

  /** Forgets questions older than the suppression window, and unfinished truncated queries. */
  prune(now: number): void {
    this.#history.prune(now);
    this.#continued.prune(now);
  }
}

/** True when `bytes` is `packet` past its ID (the ID changes per query, the question does not). */
function sameAfterId(bytes: Uint8Array, packet: Uint8Array): boolean {
  if (bytes.length !== packet.length - 2) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== packet[i + 2]) return false;
  return true;
}
