/**
 * Puts back together another host's query whose Known Answers span several
 * packets (RFC 6762 §7.2: every packet but the last has TC; the ones after
 * the first carry Known Answers only), per sender, so that duplicate question
 * suppression (§7.3) can judge the whole Known-Answer list: a browse of a
 * few hundred services asks with such a list every time, and without this no
 * browser of the type ever counted another's query as its own (the LAN
 * simulation, issue 16 item 8: every browser of a 500-instance type sent its
 * own 8-packet query within the same second).
 *
 * A run ends with its packet that has no TC; one that waits more than
 * `CONTINUATION_WAIT_MS` for its next packet, grows past
 * `CONTINUED_KNOWN_ANSWER_LIMIT` Known Answers, or is followed by a new
 * query from the same sender is dropped, and teaches nothing. At most
 * `CONTINUED_QUERY_LIMIT` runs are open at once (the oldest dropped first),
 * so a flood of truncated queries holds bounded memory. Only a complete run
 * counts: a Known Answer in a lost continuation could be one we lack (§7.3
 * then says not to suppress); a run whose middle packet was lost looks
 * complete, and costs at most one query of ours skipped for a second.
 * Internal.
 *
 * @module
 */

import { type MessageReader, nameKey, readerRecordKey } from "../codec/mod.ts";
import type { Datagram } from "../transport/transport.ts";
import {
  CONTINUATION_WAIT_MS,
  CONTINUED_KNOWN_ANSWER_LIMIT,
  CONTINUED_QUERY_LIMIT,
} from "./_constants.ts";
import { type HeardQuestion, knownAnswerFor, readQuery } from "./_observations.ts";

interface RunQuestion extends HeardQuestion {
  readonly known: Set<string>;
}

interface Run {
  at: number; // when its last packet came
  known: number; // Known Answers so far, all questions
  readonly questions: readonly RunQuestion[];
}

/**
 * The truncated queries (§7.2) still waiting for their last packet, by sender.
 */
export class ContinuedQueries {
  #open = new Map<string, Run>();

  /**
   * Takes one multicast query packet from port 5353 (the caller checks);
   * returns the questions of a query that ends with this packet, each with
   * the Known Answers of all its packets, or undefined while more are to
   * come (or for a continuation that belongs to no open run).
   */
  take(reader: MessageReader, datagram: Datagram, now: number): HeardQuestion[] | undefined {
    if (reader.questionCount === 0 && this.#open.size === 0) return undefined;
    const key =
      `${datagram.interfaceName}\u0000${datagram.family}\u0000${datagram.source.address}\u0000${datagram.source.port}`;
    if (reader.questionCount > 0) {
      // A new query from this sender: whatever was open from it ends unfinished.
      this.#open.delete(key);
      const heard = readQuery(reader);
      if (!reader.truncated) return heard;
      // Sets of the run's own, to add the next packets' Known Answers to.
      const questions = heard.map((q) => ({ ...q, known: new Set(q.known) }));
      this.#open.set(key, { at: now, known: countKnown(questions), questions });
      if (this.#open.size > CONTINUED_QUERY_LIMIT) {
        this.#open.delete(this.#open.keys().next().value!);
      }
      return undefined;
    }
    const run = this.#open.get(key);
    if (run === undefined) return undefined;
    if (now - run.at > CONTINUATION_WAIT_MS) {
      this.#open.delete(key);
      return undefined;
    }
    run.at = now;
    run.known += addKnownAnswers(reader, run.questions);
    if (run.known > CONTINUED_KNOWN_ANSWER_LIMIT) {
      this.#open.delete(key);
      return undefined;
    }
    if (reader.truncated) return undefined;
    this.#open.delete(key);
    return [...run.questions];
  }

  /** Drops the runs that waited too long for their next packet. */
  prune(now: number): void {
    for (const [key, run] of this.#open) {
      if (now - run.at > CONTINUATION_WAIT_MS) this.#open.delete(key);
    }
  }
}

function countKnown(questions: readonly RunQuestion[]): number {
  let n = 0;
  for (const q of questions) n += q.known.size;
  return n;
}

// The Known Answers of a continuation packet, each added to the questions of
// its run it answers (`knownAnswerFor`), as `readQuery` does within one
// packet. Returns how many were read.
function addKnownAnswers(reader: MessageReader, questions: readonly RunQuestion[]): number {
  let n = 0;
  while (reader.nextRecord()) {
    n++;
    try {
      const type = reader.type;
      const name = nameKey(reader.name());
      let key: string | undefined;
      for (const q of questions) {
        if (!knownAnswerFor(q, name, type)) continue;
        key ??= readerRecordKey(reader);
        q.known.add(key);
      }
    } catch {
      // A malformed name or rdata: not an answer we could hold.
    }
  }
  return n;
}
