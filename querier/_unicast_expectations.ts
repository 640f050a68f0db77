/**
 * The questions we asked for a unicast reply, so that the stack can tell an
 * answer we asked for from a unicast response nobody asked for. RFC 6762 §6:
 * "A Multicast DNS querier MUST only accept unicast responses if they answer
 * a recently sent query (e.g., sent within the last two seconds) that
 * explicitly requested unicast responses." mDNSResponder decides the same way
 * (a question remembers when it last went out with the QU bit, and a unicast
 * record is kept only if it answers such a question asked within two
 * seconds).
 *
 * The querier notes every query it sends; a question counts when it carried
 * the QU bit or the query went to a unicast address (answered by unicast,
 * §5.5). A unicast response is expected when a record of its Answer section
 * answers such a question, asked on the same interface and family within
 * `UNICAST_RESPONSE_WINDOW_MS`; the whole packet is then accepted, its
 * additional records with it. At most `OBSERVATION_LIMIT` names are
 * remembered, the oldest dropped first. Internal.
 *
 * @module
 */

import { type MessageReader, nameKey, RecordType, Section } from "../codec/mod.ts";
import type { Datagram, Destination } from "../transport/transport.ts";
import { OBSERVATION_LIMIT, UNICAST_RESPONSE_WINDOW_MS } from "./_constants.ts";

/**
 * What we asked for a unicast reply lately, per interface and family.
 */
export class UnicastExpectations {
  /** Per interface, family and name: when each type was last asked with QU. */
  #asked = new Map<string, { at: number; types: Map<number, number> }>();

  /** Notes the questions of a query we sent that ask for a unicast reply. */
  sent(reader: MessageReader, to: Destination, now: number): void {
    const direct = to.address !== undefined; // a query sent to an address is answered there
    while (reader.nextQuestion()) {
      if (!direct && !reader.unicastResponse) continue;
      const key = `${to.interfaceName}\u0000${to.family}\u0000${nameKey(reader.name())}`;
      const entry = this.#asked.get(key) ?? { at: now, types: new Map() };
      entry.at = now;
      entry.types.set(reader.type, now);
      this.#asked.delete(key); // re-inserted last: the map stays in time order
      this.#asked.set(key, entry);
    }
    this.#prune(now);
  }

  /**
   * True when a record of the response's Answer section answers a question
   * we asked for a unicast reply on its interface and family within the
   * window (an NSEC for the name answers any of its questions, §6.1).
   */
  expects(reader: MessageReader, datagram: Datagram, now: number): boolean {
    if (this.#asked.size === 0) return false;
    const prefix = `${datagram.interfaceName}\u0000${datagram.family}\u0000`;
    while (reader.nextRecord() && reader.section === Section.Answer) {
      const entry = this.#asked.get(prefix + nameKey(reader.name()));
      if (entry === undefined || now - entry.at > UNICAST_RESPONSE_WINDOW_MS) continue;
      for (const [type, at] of entry.types) {
        if (now - at > UNICAST_RESPONSE_WINDOW_MS) continue;
        if (type === reader.type || type === RecordType.ANY || reader.type === RecordType.NSEC) {
          return true;
        }
      }
    }
    return false;
  }

  #prune(now: number): void {
    for (const [key, entry] of this.#asked) {
      if (now - entry.at <= UNICAST_RESPONSE_WINDOW_MS && this.#asked.size <= OBSERVATION_LIMIT) {
        break; // time order: the rest is newer
      }
      this.#asked.delete(key);
    }
  }
}
