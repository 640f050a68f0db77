/**
 * Records split over as many messages as they need: the writer's rollback
 * used in a loop, for a responder's announcement or a querier's known answers
 * that do not fit one packet (RFC 6762 §17).
 *
 * @module
 */

import { MessageWriter, type WriterOptions } from "./writer.ts";
import type { ResourceRecord } from "./types.ts";

/** Options for {@linkcode writeAll}. */
export interface WriteAllOptions extends WriterOptions {
  /** Header id of every message. Default 0 (RFC 6762 §18.1). */
  id?: number;
  /** Header flags word of every message. Default 0 (a query). */
  flags?: number;
}

/**
 * Writes `records` as answers into as few messages as they fit, in order,
 * each at most `maxSize` bytes (default `Limits.LINK_MESSAGE_BYTES`). Each
 * message is a copy the caller owns.
 *
 * @throws {RangeError} When one record alone does not fit `maxSize`, or a value
 * is out of range.
 */
export function writeAll(
  records: readonly ResourceRecord[],
  options: WriteAllOptions = {},
): Uint8Array[] {
  const writer = new MessageWriter(options);
  const packets: Uint8Array[] = [];
  writer.reset(options.id, options.flags);
  for (const record of records) {
    if (writer.answer(record)) continue;
    if (writer.recordCount === 0) {
      throw new RangeError(`Cannot write record "${record.name}": larger than one message`);
    }
    packets.push(writer.finishCopy());
    writer.reset(options.id, options.flags);
    if (!writer.answer(record)) {
      throw new RangeError(`Cannot write record "${record.name}": larger than one message`);
    }
  }
  if (writer.recordCount > 0) packets.push(writer.finishCopy());
  return packets;
}
