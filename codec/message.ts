/**
 * Whole-message conveniences over the reader and writer, for callers who want
 * plain objects rather than a cursor.
 *
 * @module
 */

import { MessageReader, Section, type SectionValue } from "./reader.ts";
import { MessageWriter, type WriterOptions } from "./writer.ts";
import type { DnsMessage, ResourceRecord } from "./types.ts";

// decodeMessage() runs to completion synchronously, so one reader serves every call.
const sharedReader = new MessageReader(new Uint8Array(12));

/**
 * Decodes a whole message into plain objects: every name a string, every
 * rdata decoded for its type (unknown types as raw bytes). TXT strings and
 * unknown rdata are views into `packet`.
 *
 * @throws {DnsParseError} When the packet is malformed anywhere.
 *
 * @example Reading a query
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeMessage } from "./message.ts";
 * const packet = new Uint8Array([
 *   0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
 *   5, 95, 104, 116, 116, 112, 4, 95, 116, 99, 112, 5, 108, 111, 99, 97, 108, 0,
 *   0, 12, 0, 1,
 * ]);
 * assert.equal(decodeMessage(packet).questions[0].name, "_http._tcp.local");
 * ```
 */
export function decodeMessage(packet: Uint8Array): DnsMessage {
  const reader = sharedReader.reset(packet);
  const message: DnsMessage = {
    id: reader.id,
    flags: reader.flags,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
  };
  while (reader.nextQuestion()) message.questions.push(reader.question());
  while (reader.nextRecord()) {
    const record = reader.record();
    const section = reader.section;
    if (section === Section.Answer) message.answers.push(record);
    else if (section === Section.Authority) message.authorities.push(record);
    else message.additionals.push(record);
  }
  return message;
}

const sharedWriter = new MessageWriter({ maxSize: 0xffff });

/**
 * Encodes a message from plain objects, compressing names (pass
 * `{ compressRdataNames: false }` for legacy unicast replies). Returns an
 * array the caller owns; a small one is a view into a shared slab (as Node's
 * `Buffer` pool does), so use `.slice()` if you need a standalone `ArrayBuffer`.
 *
 * @throws {RangeError} When the message passes `maxSize` (default 65535) or a
 * value is out of range (label over 63 bytes, TXT string over 255).
 * @throws {TypeError} When a value is malformed (an address that does not parse).
 *
 * @example Encoding a PTR query
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeMessage } from "./message.ts";
 * const packet = encodeMessage({
 *   id: 0, flags: 0,
 *   questions: [{ name: "_http._tcp.local", type: 12, class: 1, unicastResponse: false }],
 *   answers: [], authorities: [], additionals: [],
 * });
 * assert.equal(packet.length, 34);
 * ```
 */
export function encodeMessage(message: DnsMessage, options?: WriterOptions): Uint8Array {
  const writer = options === undefined ? sharedWriter : new MessageWriter({
    maxSize: 0xffff,
    ...options,
  });
  writer.reset(message.id, message.flags);
  let fits = true;
  for (let i = 0; fits && i < message.questions.length; i++) {
    fits = writer.question(message.questions[i]);
  }
  fits &&= writeAll(writer, Section.Answer, message.answers);
  fits &&= writeAll(writer, Section.Authority, message.authorities);
  fits &&= writeAll(writer, Section.Additional, message.additionals);
  if (!fits) {
    throw new RangeError(`Cannot encode message: larger than ${options?.maxSize ?? 65535} bytes`);
  }
  return writer.finishCopy();
}

function writeAll(
  writer: MessageWriter,
  section: SectionValue,
  records: ResourceRecord[],
): boolean {
  for (let i = 0; i < records.length; i++) {
    if (!writer.record(section, records[i])) return false;
  }
  return true;
}
