/**
 * The records of the cache-poisoning attack (issue 16, item 3), one home for
 * the netns flood agent and the in-process memory bench: of `records` unique
 * records, the first quarter are PTR-only fake instances of `type`, the rest
 * alternate unique A records at fake hosts and TXT records at fake instance
 * names. Pure: no I/O.
 *
 * @module
 */

import { encodeMessage, MessageFlags, type ResourceRecord } from "../../codec/mod.ts";

/** What {@linkcode poisonRecord} builds. */
export interface PoisonOptions {
  /** How many records the attack sends in all. */
  readonly records: number;
  /** The browsed type the fake instances claim (`_http._tcp.local`). */
  readonly type: string;
  /** TTL of the A and TXT records (the PTRs keep 4,500 s). */
  readonly ttl: number;
}

/** The attack's record number `i` (0 ≤ i < records). */
export function poisonRecord(i: number, options: PoisonOptions): ResourceRecord {
  if (i < Math.floor(options.records / 4)) {
    return {
      name: options.type,
      type: 12,
      class: 1,
      cacheFlush: false,
      ttl: 4500,
      data: `Fake ${i}.${options.type}`,
    };
  }
  return i % 2 === 0
    ? {
      name: `p${i}.local`,
      type: 1,
      class: 1,
      cacheFlush: true,
      ttl: options.ttl,
      data: `10.${i >> 16 & 255}.${i >> 8 & 255}.${i & 255}`,
    }
    : {
      name: `n${i}._x._tcp.local`,
      type: 16,
      class: 1,
      cacheFlush: true,
      ttl: options.ttl,
      data: [new TextEncoder().encode(`k=${i}`)],
    };
}

/** Records the attack sends in one packet. */
export const POISON_RECORDS_PER_PACKET = 40;

/**
 * The attack's packet that begins with record `first`: the next
 * {@linkcode POISON_RECORDS_PER_PACKET} records (fewer at the end), encoded
 * as an unsolicited response.
 */
export function poisonPacket(first: number, options: PoisonOptions): Uint8Array {
  const answers: ResourceRecord[] = [];
  const end = Math.min(options.records, first + POISON_RECORDS_PER_PACKET);
  for (let i = first; i < end; i++) answers.push(poisonRecord(i, options));
  return encodeMessage({
    id: 0,
    flags: MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE,
    questions: [],
    answers,
    authorities: [],
    additionals: [],
  });
}
