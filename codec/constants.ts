/**
 * Numbers the wire format uses, named.
 *
 * @module
 */

/**
 * Resource record types the codec knows (RFC 1035 §3.2.2, RFC 3596, RFC 2782,
 * RFC 4034), plus `ANY` for questions. Any other number is carried as raw bytes.
 *
 * @example Checking a record's type
 * ```ts
 * import assert from "node:assert/strict";
 * import { RecordType } from "./constants.ts";
 * assert.equal(RecordType.SRV, 33);
 * ```
 */
export const RecordType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  PTR: 12,
  HINFO: 13,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  NSEC: 47,
  ANY: 255,
} as const;

/**
 * The Internet class. In mDNS the class field's top bit is the QU bit in
 * questions and the cache-flush bit in records (RFC 6762 §5.4, §10.2); the codec
 * exposes those as booleans and the class without the bit.
 *
 * @example The class every mDNS record uses
 * ```ts
 * import assert from "node:assert/strict";
 * import { RecordClass } from "./constants.ts";
 * assert.equal(RecordClass.IN, 1);
 * ```
 */
export const RecordClass = {
  IN: 1,
  ANY: 255,
} as const;

/**
 * Bits of the 16-bit header flags word (RFC 1035 §4.1.1).
 *
 * @example Marking a message as an authoritative response
 * ```ts
 * import assert from "node:assert/strict";
 * import { MessageFlags } from "./constants.ts";
 * const flags = MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE;
 * assert.equal(flags, 0x8400);
 * ```
 */
export const MessageFlags = {
  RESPONSE: 0x8000,
  AUTHORITATIVE: 0x0400,
  TRUNCATED: 0x0200,
  RECURSION_DESIRED: 0x0100,
  RECURSION_AVAILABLE: 0x0080,
} as const;

/**
 * Size limits of the wire format.
 *
 * @example Checking a label
 * ```ts
 * import assert from "node:assert/strict";
 * import { Limits } from "./constants.ts";
 * assert.ok("printer".length <= Limits.LABEL_BYTES);
 * ```
 */
export const Limits = {
  /** RFC 1035 §2.3.4: labels are 63 octets or less. */
  LABEL_BYTES: 63,
  /** RFC 1035 §2.3.4: names are 255 octets or less on the wire. */
  NAME_BYTES: 255,
  /** Largest rdata (the rdlength field is 16 bits). */
  RDATA_BYTES: 0xffff,
  /** RFC 1035 §3.3: a character-string is at most 255 octets. */
  STRING_BYTES: 255,
  /** RFC 6762 §17: a Multicast DNS packet is at most 9000 bytes, IP and UDP headers included. */
  MDNS_PACKET_BYTES: 9000,
  /**
   * RFC 6762 §17: a packet should fit the interface MTU. 1440 bytes of DNS
   * message fit a 1500-byte link under IPv6 (40) and UDP (8) headers with room
   * to spare; mDNSResponder uses the same figure (`NormalMaxDNSMessageData`).
   * The writer's default.
   */
  LINK_MESSAGE_BYTES: 1440,
  /** The DNS header is 12 bytes (RFC 1035 §4.1.1). */
  HEADER_BYTES: 12,
} as const;

/**
 * Top bit of the class field: QU in questions, cache-flush in records (RFC 6762 §5.4, §10.2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CLASS_TOP_BIT } from "./constants.ts";
 * assert.equal((0x8001 & CLASS_TOP_BIT) !== 0, true); // cache-flush set
 * ```
 */
export const CLASS_TOP_BIT = 0x8000;
