/**
 * Replies to legacy unicast queries (RFC 6762 §6.7), remembered by the bytes
 * of the query. A legacy resolver (a port other than 5353) asks the same few
 * questions again and again, and the reply depends only on those questions,
 * the arrival link and what we publish: so it is planned and encoded once,
 * and later the same query gets the same bytes with its own ID. Nothing is
 * kept for a query carrying known answers or authority records (a reply
 * then depends on them), nor for one longer than {@linkcode LEGACY_QUERY_BYTES_MAX}.
 *
 * "Nothing to say" is remembered too (a query for names that are not ours).
 * Every change to the local cache (a record added, removed, updated or
 * moving between probing, announcing and announced) forgets everything, and
 * the table holds at most {@linkcode LEGACY_REPLIES_MAX} queries: a flood of
 * distinct questions costs what it cost before, never more memory.
 *
 * A reply is as large as the resolver takes: 512 bytes (RFC 1035 §4.2.1),
 * or what the query's EDNS0 OPT record advertises (RFC 6891), at most one
 * link-sized packet (`_edns.ts`, which also says when the OPT draws an
 * error instead). Both are read from the query's bytes, which are the key:
 * a remembered reply fits its query.
 *
 * @module
 */

import type { MessageReader } from "../codec/mod.ts";
import { QueryTable } from "./_query_table.ts";

/** Queries remembered at most; the table starts over when full. */
export const LEGACY_REPLIES_MAX = 64;
/** Longest query remembered (a legacy resolver's question fits many times). */
export const LEGACY_QUERY_BYTES_MAX = 512;

/** Bytes of each slab replies are copied into (a legacy reply is at most one packet). */
const SLAB_BYTES = 64 * 1024;

/**
 * Encoded legacy replies by query (its bytes after the ID) and arrival link.
 */
export class LegacyReplies {
  #replies = new QueryTable<Uint8Array | null>(LEGACY_REPLIES_MAX);
  // Each reply sent is a copy (an asynchronous send may read it after the
  // next one), carved from a slab: a typed array with its own backing store
  // costs Deno ~250 ns, a view ~15 ns (as codec's writer does for packets).
  #slab = new ArrayBuffer(SLAB_BYTES);
  #used = 0;

  /** True when the reply to this query may be remembered (it depends on its questions alone). */
  remembers(reader: MessageReader): boolean {
    return reader.answerCount === 0 && reader.authorityCount === 0 &&
      reader.packet.length <= LEGACY_QUERY_BYTES_MAX;
  }

  /**
   * The reply remembered for `query` on `interfaceName`, as a new packet
   * with `id`; `null` when the query draws no reply; `undefined` when it is
   * not known.
   */
  reply(query: Uint8Array, interfaceName: string, id: number): Uint8Array | null | undefined {
    const packet = this.#replies.get(query, interfaceName);
    if (packet === undefined || packet === null) return packet;
    const n = packet.length;
    if (this.#used + n > SLAB_BYTES) {
      this.#slab = new ArrayBuffer(SLAB_BYTES);
      this.#used = 0;
    }
    const out = new Uint8Array(this.#slab, this.#used, n);
    this.#used = (this.#used + n + 7) & ~7;
    out.set(packet);
    out[0] = id >> 8;
    out[1] = id;
    return out;
  }

  /** Remembers the reply to `query` on `interfaceName` (a copy of `packet`), or that there is none. */
  set(query: Uint8Array, interfaceName: string, packet: Uint8Array | null): void {
    this.#replies.set(query, interfaceName, packet === null ? null : packet.slice());
  }

  /** Forgets every reply (what we publish changed). */
  clear(): void {
    this.#replies.clear();
  }
}
