/**
 * A small table of what the responder worked out for a query, found again by
 * the query's bytes after its ID (flags, counts, questions) and its arrival
 * link. A querier, a flood or a legacy resolver sends the same few packets
 * again and again; what the responder decides from the questions alone (the
 * records they match, a legacy reply) then costs one hash of the bytes and
 * one compare instead of parsing names, building strings and looking them up.
 *
 * The key is hashed from the packet in place (FNV-1a), with no string or
 * view made per lookup, and a hit is confirmed byte for byte: a collision
 * costs a miss, never a wrong answer. The table holds at most `max` entries
 * and starts over when full, so a flood of distinct queries costs what it cost
 * before, never more memory. Its owner clears it whenever what the answers
 * depend on changes (what we publish, the links).
 *
 * @module
 */

/** Bytes of the header before what a key covers: the ID (a legacy resolver's changes per query). */
const ID_BYTES = 2;

interface Slot<V> {
  readonly interfaceName: string;
  readonly bytes: Uint8Array;
  readonly value: V;
  readonly next: Slot<V> | undefined;
}

/**
 * Values by query bytes (after the ID) and arrival link.
 */
export class QueryTable<V> {
  #max: number;
  #slots = new Map<number, Slot<V>>();
  #size = 0;

  /** A table of at most `max` queries. */
  constructor(max: number) {
    this.#max = max;
  }

  /** Number of queries held. */
  get size(): number {
    return this.#size;
  }

  /** What was stored for this query on this link, or `undefined`. */
  get(packet: Uint8Array, interfaceName: string): V | undefined {
    if (this.#size === 0) return undefined;
    for (let s = this.#slots.get(hashQuery(packet)); s !== undefined; s = s.next) {
      if (s.interfaceName === interfaceName && sameTail(s.bytes, packet)) return s.value;
    }
    return undefined;
  }

  /** Stores `value` for this query on this link (a copy of its bytes is kept). */
  set(packet: Uint8Array, interfaceName: string, value: V): void {
    if (this.#size >= this.#max) this.clear();
    const hash = hashQuery(packet);
    const bytes = packet.slice(ID_BYTES);
    this.#slots.set(hash, { interfaceName, bytes, value, next: this.#slots.get(hash) });
    this.#size++;
  }

  /** Forgets everything. */
  clear(): void {
    if (this.#size === 0) return;
    this.#slots.clear();
    this.#size = 0;
  }
}

function hashQuery(packet: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = ID_BYTES; i < packet.length; i++) h = Math.imul(h ^ packet[i], 0x01000193);
  return h >>> 0;
}

function sameTail(bytes: Uint8Array, packet: Uint8Array): boolean {
  if (bytes.length !== packet.length - ID_BYTES) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== packet[i + ID_BYTES]) return false;
  return true;
}
