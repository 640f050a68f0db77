/**
 * What the querier learns from other hosts' queries: duplicate question
 * suppression (RFC 6762 §7.3: a QM question another host just asked, with
 * nothing in its Known Answers that we would leave out, counts as ours) and
 * POOF (§10.5: records others asked for, without listing them as known,
 * that nobody answered in ten seconds, are purged). Both learn only from
 * the QM questions of a query whose answers everyone will hear
 * ({@linkcode answeredInTheOpen}).
 *
 * @module
 */

import { type MessageReader, recordKey, RecordType } from "../codec/mod.ts";
import type { PeerServiceCache } from "../cache/peer_cache.ts";
import type { PeerRecord } from "../cache/peer_record.ts";
import type { Datagram } from "../transport/transport.ts";
import {
  answeredInTheOpen,
  FailureObserver,
  type HeardQuestion,
  QuestionHistory,
  readQuery,
} from "./_observations.ts";

/** Other hosts' recent questions and the records they asked for in vain. */
export class OtherQueries {
  #cache: PeerServiceCache;
  #history = new QuestionHistory();
  #poof = new FailureObserver();
  #last: { iface: string; bytes: Uint8Array; questions: HeardQuestion[] } | undefined;

  /** Learns against the records of `cache`. */
  constructor(cache: PeerServiceCache) {
    this.#cache = cache;
  }

  /**
   * A query from another host arrived at `now`. Returns true when it may
   * have moved a POOF deadline (the only deadline it can move): the caller
   * re-arms the scheduler then, not for every query of a flood.
   */
  heard(reader: MessageReader, datagram: Datagram, now: number): boolean {
    if (!answeredInTheOpen(reader, datagram)) return false;
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

  /** Forgets questions older than the suppression window. */
  prune(now: number): void {
    this.#history.prune(now);
  }
}

/** True when `bytes` is `packet` past its ID (the ID changes per query, the question does not). */
function sameAfterId(bytes: Uint8Array, packet: Uint8Array): boolean {
  if (bytes.length !== packet.length - 2) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== packet[i + 2]) return false;
  return true;
}
