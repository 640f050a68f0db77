/**
 * EDNS0 (RFC 6891) in the queries the responder receives. Only a legacy
 * unicast query (RFC 6762 §6.7: source port not 5353) is read for it; it is
 * plain DNS, and its OPT record sizes the reply (§6.2.3, §6.2.5: what it
 * advertises, 512 at least, the link's at most) or draws an error:
 *
 * - FORMERR (RCODE 1) for a malformed OPT: a second one (§6.1.1: "If a query
 *   message with more than one OPT RR is received, a FORMERR (RCODE=1) MUST
 *   be returned"), one outside the Additional section (§6.1.1: it "MAY be
 *   placed anywhere within the additional data section"), or one owned by a
 *   name other than the root (§6.1.2: "MUST be 0 (root domain)");
 * - BADVERS (extended RCODE 16) for a VERSION above 0 (§6.1.3: "If a
 *   responder does not implement the VERSION level of the request, then it
 *   MUST respond with RCODE=BADVERS").
 *
 * An error reply carries the ID and questions, no answers, and our OPT
 * (version 0; §7: "the response MUST include an OPT record"). It is sent
 * only where the reply would have gone: a legacy query to 224.0.0.251 is
 * heard by every responder on the link, and one with nothing to say about
 * the questions stays silent, whatever the OPT.
 *
 * An mDNS query (source port 5353) is not read for EDNS0 at all: its OPT,
 * well formed or not, is ignored and the questions answered. RFC 6762 §18.11
 * leaves no way to say an error ("In both multicast query and multicast
 * response messages, the Response Code MUST be zero on transmission"), a
 * multicast reply is sized for the link (§17), not for one querier, and the
 * peers do the same: mDNSResponder's ProcessQuery reads only an OPT's Owner
 * option, Avahi skips the Additional section of queries.
 *
 * @module
 */

import {
  Limits,
  type MessageReader,
  RecordType,
  type ResourceRecord,
  Section,
} from "../codec/mod.ts";
import type { LegacyPacketOptions } from "./_packets.ts";

/** RFC 1035 §4.1.1: the query is malformed. */
export const FORMERR = 1;
/** RFC 6891 §9: the query's EDNS VERSION is not implemented (an extended RCODE). */
export const BADVERS = 16;

/** RFC 1035 §4.2.1: a UDP message is at most 512 bytes, unless EDNS0 says more. */
export const LEGACY_REPLY_BYTES = 512;

/**
 * The OPT record a reply to a query with one carries (RFC 6891 §7: a
 * responder that reads OPT answers with one): root owner, our UDP payload
 * size in the class (the link's, RFC 6762 §17), extended RCODE 0, version 0,
 * no flags, no options.
 */
export const LEGACY_OPT_RECORD: ResourceRecord = optRecord(0);

/** What a legacy query's EDNS0 means for its reply. */
export interface QueryEdns {
  /** 0, or the error the query draws instead of answers: {@linkcode FORMERR}, {@linkcode BADVERS}. */
  readonly rcode: number;
  /** How large the reply may be, and the OPT record it ends with. */
  readonly size: LegacyPacketOptions;
}

const NO_EDNS: QueryEdns = { rcode: 0, size: { maxBytes: LEGACY_REPLY_BYTES } };
const MALFORMED: QueryEdns = errorEdns(FORMERR);
const BAD_VERSION: QueryEdns = errorEdns(BADVERS);

/**
 * Reads a legacy query's OPT record (see the module note). Reads the reader
 * from its position to the end (the stack validated the packet whole, so
 * this cannot throw).
 */
export function queryEdns(reader: MessageReader): QueryEdns {
  if (reader.answerCount + reader.authorityCount + reader.additionalCount === 0) return NO_EDNS;
  const packet = reader.packet;
  let found: QueryEdns | undefined;
  while (reader.nextRecord()) {
    if (reader.type !== RecordType.OPT) continue;
    if (found !== undefined || reader.section !== Section.Additional) return MALFORMED;
    if (packet[reader.nameOffset] !== 0) return MALFORMED; // one zero byte: the root
    // TTL: extended RCODE, VERSION, flags (§6.1.3).
    const version = packet[reader.rdataOffset - 5];
    if (version !== 0) {
      found = BAD_VERSION; // FORMERR still wins, should a second OPT follow
      continue;
    }
    // The class field holds the size, all 16 bits (the reader's class drops the top one).
    const at = reader.rdataOffset - 8;
    const advertised = (packet[at] << 8) | packet[at + 1];
    const maxBytes = Math.min(Math.max(advertised, LEGACY_REPLY_BYTES), Limits.LINK_MESSAGE_BYTES);
    found = { rcode: 0, size: { maxBytes, last: LEGACY_OPT_RECORD } };
  }
  return found ?? NO_EDNS;
}

function errorEdns(rcode: number): QueryEdns {
  return { rcode, size: { maxBytes: LEGACY_REPLY_BYTES, last: optRecord(rcode >> 4) } };
}

/** Our OPT record, with the upper 8 bits of the extended RCODE (RFC 6891 §6.1.3). */
function optRecord(extendedRcode: number): ResourceRecord {
  return {
    name: "",
    type: RecordType.OPT,
    class: Limits.LINK_MESSAGE_BYTES,
    cacheFlush: false,
    ttl: extendedRcode * 0x1000000,
    data: new Uint8Array(0),
  };
}
