/**
 * Whole-packet validation before routing: framing, every owner name and every
 * name inside rdata, so that no part can meet a parse error halfway through a
 * packet (a packet is applied whole or not at all).
 *
 * Internal: not exported from `mod.ts`.
 *
 * @module
 */

import { copyRdata, hasNameInRdata, type MessageReader } from "./codec/mod.ts";

/**
 * Reads the whole packet; throws `DnsParseError` at the first defect and
 * leaves the reader at the start of the packet.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validatePacket } from "./_validate.ts";
 * import { DnsParseError, MessageReader } from "./codec/mod.ts";
 * assert.throws(() => validatePacket(new MessageReader(new Uint8Array([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]))), DnsParseError);
 * ```
 */
export function validatePacket(reader: MessageReader): void {
  while (reader.nextRecord()) {
    if (hasNameInRdata(reader.type)) {
      copyRdata(reader.packet, reader.type, reader.rdataOffset, reader.rdataLength);
    }
  }
  reader.reset(reader.packet);
}
