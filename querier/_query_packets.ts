/**
 * Builds the query packets for one link: the questions, then the Known
 * Answers (RFC 6762 §7.1), split over several packets when they do not fit
 * (§7.2): the first packet holds the questions and as many answers as fit,
 * the next ones only answers, and every packet but the last has the TC bit.
 * Internal: not exported from `mod.ts`.
 *
 * @module
 */

import {
  MessageFlags,
  type MessageWriter,
  type Question,
  type ResourceRecord,
} from "../codec/mod.ts";

/**
 * What a Known Answer must tell: its remaining TTL and the record. A cached
 * `PeerRecord` is one; so is one of our own registered records (§7.1: every
 * answer the querier already knows).
 */
export interface KnownAnswer {
  /** Seconds left at `now`. */
  remainingTtl(now: number): number;
  /** The record as it would go out at `now`. */
  toResourceRecord(now: number): ResourceRecord;
}

/**
 * The packets of one query, in sending order.
 */
export function queryPackets(
  writer: MessageWriter,
  questions: readonly Question[],
  knownAnswers: readonly KnownAnswer[],
  now: number,
): Uint8Array[] {
  const packets: Uint8Array[] = [];
  writer.reset(0, 0);
  for (const q of questions) {
    if (writer.question(q)) continue;
    // More questions than one packet holds: send these, go on in the next.
    packets.push(writer.finishCopy());
    writer.reset(0, 0);
    writer.question(q);
  }
  let empty = questions.length === 0;
  for (const record of knownAnswers) {
    const ttl = record.remainingTtl(now);
    if (ttl <= 0) continue;
    // RFC 6762 §7.1: the remaining TTL; §10.2: never the cache-flush bit in a query.
    const answer = { ...record.toResourceRecord(now), cacheFlush: false };
    if (writer.answer(answer)) {
      empty = false;
      continue;
    }
    if (empty) continue; // larger than a whole packet: leave it out
    writer.setFlags(MessageFlags.TRUNCATED);
    packets.push(writer.finishCopy());
    writer.reset(0, 0);
    empty = !writer.answer(answer);
  }
  packets.push(writer.finishCopy());
  return packets;
}

/**
 * How many of `extra` (in order) fit, after `questions`, in the packets
 * `questions` need or in `maxPackets`, whichever is more: the questions are
 * written as `queryPackets` writes them, each packet filled to the writer's
 * size (RFC 6762 §5.3).
 */
export function questionsThatFit(
  writer: MessageWriter,
  questions: readonly Question[],
  extra: readonly Question[],
  maxPackets: number,
): number {
  writer.reset(0, 0);
  let packets = 1;
  for (const q of questions) {
    if (writer.question(q)) continue;
    packets++;
    writer.reset(0, 0);
    writer.question(q);
  }
  const limit = Math.max(packets, maxPackets);
  for (const [i, q] of extra.entries()) {
    if (writer.question(q)) continue;
    if (packets >= limit) return i;
    packets++;
    writer.reset(0, 0);
    writer.question(q);
  }
  return extra.length;
}
