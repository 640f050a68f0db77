/**
 * A DNS message writer that appends into a reusable buffer, shaped like Go's
 * `dnsmessage.Builder` with hickory's rollback: sections go in order, counts
 * and rdlength are back-patched, names are compressed through a bounded suffix
 * table, and a record that does not fit the size limit is rolled back (its
 * compression entries too) so the caller can put it in the next packet.
 *
 * @module
 */

import { CLASS_TOP_BIT, Limits, RecordClass } from "./constants.ts";
import { allocPooled } from "./_byte_pool.ts";
import { NameTable, type SuffixNode } from "./name_parser.ts";
import { hasNameInRdata, rdataCodec, type RdataSink } from "./rdata/mod.ts";
import { Section, type SectionValue } from "./reader.ts";
import type { Question, ResourceRecord } from "./types.ts";

/** Offsets past 14 bits cannot be the target of a pointer (RFC 1035 §4.1.4). */
const MAX_POINTER_TARGET = 0x3fff;
/**
 * Bound on remembered suffixes, so a message with thousands of distinct names
 * costs bounded memory; 25 services on 25 hosts need about 130.
 */
const COMPRESSION_TABLE_LIMIT = 512;

/**
 * Options for {@linkcode MessageWriter}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { WriterOptions } from "./writer.ts";
 * const legacy: WriterOptions = { compressRdataNames: false };
 * assert.equal(legacy.compressRdataNames, false);
 * ```
 */
export interface WriterOptions {
  /**
   * Largest message in bytes; a record that would pass it is rolled back and
   * its `answer()`/`additional()` call returns false. Default
   * `Limits.LINK_MESSAGE_BYTES` (1440, a 1500-byte link; RFC 6762 §17); at
   * most 9000 minus IP and UDP headers on links that carry jumbo frames.
   */
  maxSize?: number;
  /**
   * Compress names inside PTR, SRV and NSEC rdata (RFC 6762 §18.14). Turn off
   * for replies to legacy unicast queriers (RFC 6762 §6.7). Default true.
   */
  compressRdataNames?: boolean;
}

/**
 * A position to roll back to, from {@linkcode MessageWriter.mark}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MessageWriter } from "./writer.ts";
 * const w = new MessageWriter();
 * w.reset();
 * const mark = w.mark();
 * w.rollback(mark);
 * assert.equal(w.size, 12);
 * ```
 */
export interface WriterMark {
  /** Bytes written. */
  readonly size: number;
  /** Compression entries. */
  readonly entries: number;
  /** Section and its count. */
  readonly section: SectionValue;
  /** Count of the section at the mark. */
  readonly count: number;
}

/** Thrown inside the writer when the size limit is hit; never escapes. */
const OVERFLOW = Symbol("overflow");

/**
 * Builds DNS messages.
 *
 * @example An announcement that compresses names
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeMessage, MessageWriter, RecordType, MessageFlags } from "./mod.ts";
 * const w = new MessageWriter();
 * w.reset(0, MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE);
 * w.answer({ name: "_http._tcp.local", type: RecordType.PTR, class: 1, cacheFlush: false,
 *   ttl: 4500, data: "Printer._http._tcp.local" });
 * w.answer({ name: "Printer._http._tcp.local", type: RecordType.SRV, class: 1, cacheFlush: true,
 *   ttl: 120, data: { priority: 0, weight: 0, port: 631, target: "host.local" } });
 * const packet = w.finish(); // a view: copy it to keep it past the next reset()
 * assert.equal(decodeMessage(packet).answers[1].name, "Printer._http._tcp.local");
 * ```
 */
export class MessageWriter implements RdataSink {
  #buf: Uint8Array;
  #pos = 0;
  #maxSize: number;
  #compressRdata: boolean;
  #names = new NameTable(); // this writer's parsed names and suffix nodes
  #stamp = 0; // marks the suffix nodes this message wrote
  #written: SuffixNode[] = []; // those nodes, in order, for rollback
  #section: SectionValue = Section.Question;
  #counts = [0, 0, 0, 0];

  /** Creates a writer; call {@linkcode MessageWriter.reset} before each message. */
  constructor(options: WriterOptions = {}) {
    this.#maxSize = options.maxSize ?? Limits.LINK_MESSAGE_BYTES;
    if (!Number.isInteger(this.#maxSize) || this.#maxSize < 12 || this.#maxSize > 0xffff) {
      throw new RangeError(`Cannot create writer: maxSize ${this.#maxSize} not in 12..65535`);
    }
    this.#compressRdata = options.compressRdataNames ?? true;
    this.#buf = new Uint8Array(Math.min(this.#maxSize, 1500));
    this.reset();
  }

  /** Bytes written so far, header included. */
  get size(): number {
    return this.#pos;
  }

  /** Number of records written to answers, authorities and additionals. */
  get recordCount(): number {
    return this.#counts[1] + this.#counts[2] + this.#counts[3];
  }

  /** Starts a new message with this id and flags word; forgets the last one. */
  reset(id = 0, flags = 0): this {
    this.#pos = 12;
    // Stamps only need to differ between this writer's messages: the nodes are its own.
    this.#stamp = (this.#stamp + 1) | 0 || 1;
    this.#written.length = 0;
    this.#names.trim();
    this.#section = Section.Question;
    const c = this.#counts;
    c[0] =
      c[1] =
      c[2] =
      c[3] =
        0;
    const b = this.#buf;
    b[0] = id >> 8;
    b[1] = id;
    b[2] = flags >> 8;
    b[3] = flags;
    return this;
  }

  /** Sets the flags word of the message being written (the TC bit, say). */
  setFlags(flags: number): void {
    this.#buf[2] = flags >> 8;
    this.#buf[3] = flags;
  }

  /**
   * Appends a question. Returns false (and writes nothing) if it does not fit.
   *
   * @throws {TypeError} When called after a record was added.
   */
  question(q: Question): boolean {
    if (this.#section !== Section.Question) {
      throw new TypeError("Cannot add a question after records");
    }
    return this.#guard(Section.Question, () => {
      this.name(q.name, true);
      this.u16(q.type);
      this.u16((q.class ?? RecordClass.IN) | (q.unicastResponse ? CLASS_TOP_BIT : 0));
    });
  }

  /** Appends an answer record; false if it does not fit (nothing is left of it). */
  answer(record: ResourceRecord): boolean {
    return this.record(Section.Answer, record);
  }
  /** Appends an authority record; false if it does not fit. */
  authority(record: ResourceRecord): boolean {
    return this.record(Section.Authority, record);
  }
  /** Appends an additional record; false if it does not fit. */
  additional(record: ResourceRecord): boolean {
    return this.record(Section.Additional, record);
  }

  /**
   * Appends a record to `section`. Returns false, with the message as it was,
   * when it would pass `maxSize`.
   *
   * @throws {TypeError} When `section` comes before one already written to.
   * @throws {RangeError} When a value is out of range (label over 63 bytes,
   * TXT string over 255, rdata over 65535); the message is left as it was.
   */
  record(section: SectionValue, record: ResourceRecord): boolean {
    if (section < this.#section || section === Section.Question || section === Section.Done) {
      throw new TypeError(
        `Cannot add a record to section ${section} after section ${this.#section}`,
      );
    }
    return this.#guard(section, () => {
      this.name(record.name, true);
      this.u16(record.type);
      this.u16((record.class ?? RecordClass.IN) | (record.cacheFlush ? CLASS_TOP_BIT : 0));
      this.u32(record.ttl);
      const lengthAt = this.#pos;
      this.u16(0);
      const compress = this.#compressRdata && hasNameInRdata(record.type);
      rdataCodec(record.type).encode(this, record.data, compress);
      const rdlength = this.#pos - lengthAt - 2;
      if (rdlength > Limits.RDATA_BYTES) {
        throw new RangeError(`Cannot encode record: rdata of ${rdlength} bytes, at most 65535`);
      }
      this.#buf[lengthAt] = rdlength >> 8;
      this.#buf[lengthAt + 1] = rdlength;
    });
  }

  #guard(section: SectionValue, write: () => void): boolean {
    const mark = this.mark();
    this.#section = section;
    try {
      write();
    } catch (e) {
      this.rollback(mark);
      if (e === OVERFLOW) return false;
      throw e;
    }
    this.#counts[section]++;
    return true;
  }

  /** Remembers the current position, to {@linkcode MessageWriter.rollback} to. */
  mark(): WriterMark {
    return {
      size: this.#pos,
      entries: this.#written.length,
      section: this.#section,
      count: this.#counts[this.#section],
    };
  }

  /** Undoes everything written since `mark`, compression entries included. */
  rollback(mark: WriterMark): void {
    this.#pos = mark.size;
    while (this.#written.length > mark.entries) {
      const node = this.#written.pop()!;
      if (node.stamp === this.#stamp) node.stamp = 0;
    }
    for (let s = mark.section + 1; s < 4; s++) this.#counts[s] = 0;
    this.#section = mark.section;
    this.#counts[mark.section] = mark.count;
  }

  /**
   * Writes the counts into the header and returns the message: a view into the
   * writer's buffer, valid until the next {@linkcode MessageWriter.reset}.
   */
  finish(): Uint8Array {
    this.#writeCounts();
    return this.#buf.subarray(0, this.#pos);
  }

  /**
   * Like {@linkcode MessageWriter.finish}, but returns a copy the caller owns.
   * A small copy is a view into a shared slab (see `_byte_pool.ts`).
   */
  finishCopy(): Uint8Array {
    this.#writeCounts();
    const n = this.#pos, b = this.#buf;
    const out = allocPooled(n);
    if (n > 512) out.set(b.subarray(0, n));
    else for (let i = 0; i < n; i++) out[i] = b[i];
    return out;
  }

  #writeCounts(): void {
    const b = this.#buf;
    for (let i = 0; i < 4; i++) {
      b[4 + 2 * i] = this.#counts[i] >> 8;
      b[5 + 2 * i] = this.#counts[i];
    }
  }

  #ensure(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    if (need > this.#maxSize) throw OVERFLOW;
    const grown = new Uint8Array(Math.min(this.#maxSize, Math.max(need, this.#buf.length * 2)));
    grown.set(this.#buf.subarray(0, this.#pos));
    this.#buf = grown;
  }

  /** Appends one byte (part of {@linkcode RdataSink}). */
  u8(value: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = value;
  }
  /** Appends a 16-bit big-endian integer. */
  u16(value: number): void {
    this.#ensure(2);
    const b = this.#buf;
    b[this.#pos++] = value >> 8;
    b[this.#pos++] = value;
  }
  /** Appends a 32-bit big-endian integer. */
  u32(value: number): void {
    this.#ensure(4);
    const b = this.#buf;
    b[this.#pos++] = value >>> 24;
    b[this.#pos++] = value >>> 16;
    b[this.#pos++] = value >>> 8;
    b[this.#pos++] = value;
  }
  /** Appends raw bytes. */
  bytes(value: Uint8Array): void {
    this.#ensure(value.length);
    this.#buf.set(value, this.#pos);
    this.#pos += value.length;
  }

  /**
   * Appends a presentation name. With `compress`, the longest suffix already in
   * the message becomes a pointer (RFC 1035 §4.1.4), and the new suffixes are
   * remembered for later names. Matching is exact (case included), so a name
   * always reads back as it was written.
   */
  name(value: string, compress: boolean): void {
    const { wire, labelStarts, nodes } = this.#names.parse(value);
    const stamp = this.#stamp;
    let hit = nodes.length; // index of the longest suffix already written
    if (compress) {
      for (let i = 0; i < nodes.length; i++) {
        if (nodes[i].stamp === stamp) {
          hit = i;
          break;
        }
      }
    }
    const copyEnd = hit < nodes.length ? labelStarts[hit] : wire.length;
    this.#ensure(copyEnd + (hit < nodes.length ? 2 : 0));
    const start = this.#pos;
    const b = this.#buf;
    for (let i = 0; i < copyEnd; i++) b[start + i] = wire[i];
    this.#pos += copyEnd;
    if (hit < nodes.length) {
      const target = nodes[hit].offset;
      b[this.#pos++] = 0xc0 | (target >> 8);
      b[this.#pos++] = target;
    }
    if (!compress) return;
    for (let i = 0; i < hit; i++) {
      const at = start + labelStarts[i];
      if (at > MAX_POINTER_TARGET || this.#written.length >= COMPRESSION_TABLE_LIMIT) break;
      nodes[i].stamp = stamp;
      nodes[i].offset = at;
      this.#written.push(nodes[i]);
    }
  }
}
