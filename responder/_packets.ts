/**
 * Serialises the responder's messages (probes, announcements, answers,
 * goodbyes) into one or more packets: a record that does not fit is rolled
 * back by the writer and starts the next packet, so nothing is silently
 * truncated (RFC 6762 §7.2 for probes' authority records, §6 for answers).
 *
 * @module
 */

import {
  MessageFlags,
  MessageWriter,
  type Question,
  type ResourceRecord,
  Section,
  type SectionValue,
} from "../codec/mod.ts";

/**
 * RFC 6762 §18.4: the AA bit is set in every response.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RESPONSE_FLAGS } from "./_packets.ts";
 * assert.equal(RESPONSE_FLAGS, 0x8400);
 * ```
 */
export const RESPONSE_FLAGS: number = MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE;

/**
 * One message to serialise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { OutgoingMessage } from "./_packets.ts";
 * const m: OutgoingMessage = { flags: 0x8400, answers: [] };
 * assert.equal(m.flags, 0x8400);
 * ```
 */
export interface OutgoingMessage {
  /** Message ID (0 except in legacy unicast replies, RFC 6762 §6.7). */
  readonly id?: number;
  /** Flags word. */
  readonly flags: number;
  /** Questions, repeated in every packet (probes, legacy replies). */
  readonly questions?: readonly Question[];
  /** Answer records. */
  readonly answers?: readonly ResourceRecord[];
  /** Authority records (a probe's proposed records, RFC 6762 §8.2). */
  readonly authorities?: readonly ResourceRecord[];
  /** Additional records: optional, dropped when no room is left for them. */
  readonly additionals?: readonly ResourceRecord[];
  /** Compress names inside rdata (off for legacy replies, RFC 6762 §6.7). @default {true} */
  readonly compressRdataNames?: boolean;
}

const writers = new Map<boolean, MessageWriter>();

function writerFor(compress: boolean): MessageWriter {
  let w = writers.get(compress);
  if (w === undefined) {
    w = new MessageWriter({ compressRdataNames: compress });
    writers.set(compress, w);
  }
  return w;
}

/**
 * Writes a message as few packets as the writer's size limit allows. Answers
 * and authority records always go out (a record too big for an empty packet
 * throws); additionals fill what room the last packet has left.
 *
 * @throws {RangeError} When one record alone does not fit a packet.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildPackets, RESPONSE_FLAGS } from "./_packets.ts";
 * import { type ARecord, decodeMessage } from "../codec/mod.ts";
 * const a: ARecord = { name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" };
 * const [packet] = buildPackets({ flags: RESPONSE_FLAGS, answers: [a] });
 * assert.equal(decodeMessage(packet).answers[0].data, "198.18.0.2");
 * ```
 */
export function buildPackets(message: OutgoingMessage): Uint8Array[] {
  const writer = writerFor(message.compressRdataNames ?? true);
  const out: Uint8Array[] = [];
  const start = (): void => {
    writer.reset(message.id ?? 0, message.flags);
    for (const q of message.questions ?? []) {
      if (!writer.question(q)) throw new RangeError("Cannot build packet: questions do not fit");
    }
  };
  const put = (section: SectionValue, r: ResourceRecord): void => {
    if (writer.record(section, r)) return;
    out.push(writer.finishCopy());
    start();
    if (!writer.record(section, r)) {
      throw new RangeError(`Cannot build packet: record "${r.name}" does not fit one packet`);
    }
  };
  start();
  for (const r of message.answers ?? []) put(Section.Answer, r);
  for (const r of message.authorities ?? []) put(Section.Authority, r);
  for (const r of message.additionals ?? []) {
    if (!writer.record(Section.Additional, r)) break;
  }
  if (writer.recordCount > 0 || out.length === 0) out.push(writer.finishCopy());
  return out;
}
