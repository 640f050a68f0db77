/**
 * A lazy, zero-copy reader of DNS messages, shaped like Go's `dnsmessage.Parser`:
 * it walks questions and then records in order, exposes each item's header
 * through getters without allocating, and decodes a body or a name only when
 * asked. Rdata comes out as views (`subarray`) into the packet, valid while the
 * packet is; whatever a caller keeps, it copies.
 *
 * @module
 */

import { CLASS_TOP_BIT, Limits, RecordType } from "./constants.ts";
import { parseError, readQuietly } from "./_parse_failure.ts";
import type { ParseFailure } from "./errors.ts";
import { checkName, NameMemo, namesEqual, readName, skipName } from "./name_reader.ts";
import { rdataCodec } from "./rdata/mod.ts";
import { aCodec } from "./rdata/a.ts";
import { aaaaCodec } from "./rdata/aaaa.ts";
import { ptrCodec } from "./rdata/ptr.ts";
import { srvCodec } from "./rdata/srv.ts";
import { txtCodec } from "./rdata/txt.ts";
import type { Question, ResourceRecord } from "./types.ts";

/**
 * Which section the reader is in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Section } from "./reader.ts";
 * assert.equal(Section.Authority, 2);
 * ```
 */
export const Section = {
  Question: 0,
  Answer: 1,
  Authority: 2,
  Additional: 3,
  Done: 4,
} as const;

/**
 * A value of {@linkcode Section}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Section, type SectionValue } from "./reader.ts";
 * const s: SectionValue = Section.Additional;
 * assert.equal(s, 3);
 * ```
 */
export type SectionValue = typeof Section[keyof typeof Section];

/**
 * Reads one DNS message in place.
 *
 * @example Scanning a packet without building a string
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeMessage, MessageReader, RecordType } from "./mod.ts";
 * const packet = encodeMessage({
 *   id: 0, flags: 0x8400, questions: [], authorities: [], additionals: [],
 *   answers: [{ name: "host.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" }],
 * });
 * const reader = new MessageReader(packet);
 * const found: string[] = [];
 * while (reader.nextRecord()) {
 *   if (reader.type === RecordType.A) found.push(`${reader.name()} ${reader.data()}`);
 * }
 * assert.deepEqual(found, ["host.local 198.18.0.2"]);
 * ```
 */
export class MessageReader {
  #packet: Uint8Array;
  #id = 0;
  #flags = 0;
  #questionCount = 0;
  #answerCount = 0;
  #authorityCount = 0;
  #additionalCount = 0;

  // Suffixes decoded from this packet, the reader's own (begun on first use).
  #memo = new NameMemo();
  #memoBegun = false;
  #next: number = Limits.HEADER_BYTES; // offset of the next item
  #section: SectionValue = Section.Question;
  #left = 0; // items left in #section, including none read yet
  #nameOffset = -1;
  #type = 0;
  #class = 0;
  #topBit = false;
  #ttl = 0;
  #rdataOffset = 0;
  #rdataLength = 0;

  /**
   * Starts reading `packet`; reads the 12-byte header only.
   *
   * @throws {DnsParseError} When the packet is shorter than a header.
   */
  constructor(packet: Uint8Array) {
    this.#packet = packet;
    this.reset(packet);
  }

  /**
   * Starts over on another packet, so a hot loop can read every datagram with
   * one reader and allocate nothing.
   *
   * @throws {DnsParseError} When the packet is shorter than a header.
   */
  reset(packet: Uint8Array): this {
    if (packet.length < Limits.HEADER_BYTES) {
      throw parseError(`header truncated (${packet.length} of 12 bytes)`, packet.length);
    }
    this.#packet = packet;
    this.#id = (packet[0] << 8) | packet[1];
    this.#flags = (packet[2] << 8) | packet[3];
    this.#questionCount = (packet[4] << 8) | packet[5];
    this.#answerCount = (packet[6] << 8) | packet[7];
    this.#authorityCount = (packet[8] << 8) | packet[9];
    this.#additionalCount = (packet[10] << 8) | packet[11];
    this.#memoBegun = false;
    this.#next = Limits.HEADER_BYTES;
    this.#section = Section.Question;
    this.#left = this.#questionCount;
    this.#nameOffset = -1;
    this.#type =
      this.#class =
      this.#ttl =
      this.#rdataOffset =
      this.#rdataLength =
        0;
    this.#topBit = false;
    return this;
  }

  /** The packet being read. */
  get packet(): Uint8Array {
    return this.#packet;
  }
  /** Header id. */
  get id(): number {
    return this.#id;
  }
  /** Header flags word (QR, opcode, AA, TC, RD, RA, Z, rcode). */
  get flags(): number {
    return this.#flags;
  }
  /** Header QDCOUNT. */
  get questionCount(): number {
    return this.#questionCount;
  }
  /** Header ANCOUNT. */
  get answerCount(): number {
    return this.#answerCount;
  }
  /** Header NSCOUNT. */
  get authorityCount(): number {
    return this.#authorityCount;
  }
  /** Header ARCOUNT. */
  get additionalCount(): number {
    return this.#additionalCount;
  }

  /** True for a response (QR bit). */
  get isResponse(): boolean {
    return (this.#flags & 0x8000) !== 0;
  }
  /** Opcode (0 is a standard query; RFC 6762 §18.3 says to ignore the rest). */
  get opcode(): number {
    return (this.#flags >> 11) & 0xf;
  }
  /** True when the AA bit is set. */
  get authoritative(): boolean {
    return (this.#flags & 0x0400) !== 0;
  }
  /** True when the TC bit is set (more known answers follow, RFC 6762 §7.2). */
  get truncated(): boolean {
    return (this.#flags & 0x0200) !== 0;
  }
  /** Response code (RFC 6762 §18.11 says to ignore messages where it is not 0). */
  get rcode(): number {
    return this.#flags & 0xf;
  }

  /** Section of the current item. */
  get section(): SectionValue {
    return this.#section;
  }
  /** Offset of the current item's owner name (for {@linkcode namesEqual}). */
  get nameOffset(): number {
    return this.#nameOffset;
  }
  /** Type of the current item. */
  get type(): number {
    return this.#type;
  }
  /** Class of the current item, without the top bit. */
  get class(): number {
    return this.#class;
  }
  /** QU bit of the current question (RFC 6762 §5.4). */
  get unicastResponse(): boolean {
    return this.#topBit && this.#section === Section.Question;
  }
  /** Cache-flush bit of the current record (RFC 6762 §10.2). */
  get cacheFlush(): boolean {
    return this.#topBit && this.#section !== Section.Question;
  }
  /** TTL of the current record, in seconds. */
  get ttl(): number {
    return this.#ttl;
  }
  /** Offset of the current record's rdata. */
  get rdataOffset(): number {
    return this.#rdataOffset;
  }
  /** Length of the current record's rdata. */
  get rdataLength(): number {
    return this.#rdataLength;
  }
  /** Offset just past the last item read. */
  get offset(): number {
    return this.#next;
  }

  /**
   * Moves to the next question. Returns false when the questions are done.
   *
   * @throws {DnsParseError} When the question is malformed or missing.
   */
  nextQuestion(): boolean {
    if (this.#section !== Section.Question || this.#left === 0) return false;
    const start = this.#next;
    if (start >= this.#packet.length) {
      throw parseError(
        `question count ${this.#questionCount} larger than questions present`,
        start,
      );
    }
    const end = skipName(this.#packet, start);
    if (end + 4 > this.#packet.length) throw parseError("question truncated", end);
    const p = this.#packet;
    this.#nameOffset = start;
    this.#type = (p[end] << 8) | p[end + 1];
    const cls = (p[end + 2] << 8) | p[end + 3];
    this.#class = cls & ~CLASS_TOP_BIT;
    this.#topBit = (cls & CLASS_TOP_BIT) !== 0;
    this.#ttl = 0;
    this.#rdataOffset = 0;
    this.#rdataLength = 0;
    this.#next = end + 4;
    this.#left--;
    return true;
  }

  /**
   * Moves to the next record, skipping any questions not yet read and crossing
   * from answers to authorities to additionals. Returns false at the end.
   *
   * @throws {DnsParseError} When a record is malformed or missing.
   */
  nextRecord(): boolean {
    while (this.#left === 0 || this.#section === Section.Question) {
      if (this.#section === Section.Question) {
        while (this.nextQuestion());
      }
      if (this.#section === Section.Done) return false;
      this.#section = (this.#section + 1) as SectionValue;
      this.#left = this.#countOf(this.#section);
      if (this.#section === Section.Done) return false;
    }
    const p = this.#packet;
    const start = this.#next;
    if (start >= p.length) {
      throw parseError(
        `${sectionName(this.#section)} count ${this.#countOf(this.#section)} ` +
          "larger than records present",
        start,
      );
    }
    const end = skipName(p, start);
    if (end + 10 > p.length) throw parseError("record header truncated", end);
    this.#nameOffset = start;
    this.#type = (p[end] << 8) | p[end + 1];
    const cls = (p[end + 2] << 8) | p[end + 3];
    this.#class = cls & ~CLASS_TOP_BIT;
    this.#topBit = (cls & CLASS_TOP_BIT) !== 0;
    this.#ttl = ((p[end + 4] << 24) | (p[end + 5] << 16) | (p[end + 6] << 8) | p[end + 7]) >>> 0;
    const rdlength = (p[end + 8] << 8) | p[end + 9];
    const rdata = end + 10;
    if (rdata + rdlength > p.length) {
      throw parseError(`rdlength ${rdlength} runs past the end`, end + 8);
    }
    this.#rdataOffset = rdata;
    this.#rdataLength = rdlength;
    this.#next = rdata + rdlength;
    this.#left--;
    return true;
  }

  /**
   * Walks the whole packet from the start and throws at the first problem any
   * later read could hit: framing, every owner name, every name inside rdata
   * (followed through its pointers, which must not land in the header), and
   * each known type's rdata shape (A is 4 bytes, AAAA 16, SRV 6 plus a target
   * that fills it, ...). Builds no strings. Afterwards the reader is back at
   * the start, so a packet that passes can be handed to every handler, and a
   * packet that fails is dropped whole (never half applied).
   *
   * Bytes after the last counted record are ignored, as every read ignores them.
   *
   * @throws {DnsParseError} At the first problem, with its offset.
   *
   * @example A PTR whose name points into the header fails, the A before it too
   * ```ts
   * import assert from "node:assert/strict";
   * import { DnsParseError, encodeMessage, MessageReader } from "./mod.ts";
   * const good = encodeMessage({
   *   id: 0, flags: 0x8400, questions: [], authorities: [], additionals: [],
   *   answers: [{ name: "h.local", type: 12, class: 1, cacheFlush: false, ttl: 120, data: "x.local" }],
   * });
   * const reader = new MessageReader(good);
   * assert.equal(reader.validate().nextRecord(), true); // back at the start
   * const bad = good.slice();
   * bad.set([0xc0, 2], bad.length - 2); // the PTR target now points at the flags
   * assert.throws(() => new MessageReader(bad).validate(), DnsParseError);
   * ```
   */
  validate(): this {
    const p = this.#packet;
    this.reset(p);
    try {
      while (this.nextQuestion()) checkName(p, this.#nameOffset, Limits.HEADER_BYTES);
      while (this.nextRecord()) {
        checkName(p, this.#nameOffset, Limits.HEADER_BYTES);
        const at = this.#rdataOffset, len = this.#rdataLength, floor = Limits.HEADER_BYTES;
        switch (this.#type) {
          case RecordType.A:
            aCodec.check(p, at, len, floor);
            break;
          case RecordType.AAAA:
            aaaaCodec.check(p, at, len, floor);
            break;
          case RecordType.PTR:
            ptrCodec.check(p, at, len, floor);
            break;
          case RecordType.SRV:
            srvCodec.check(p, at, len, floor);
            break;
          case RecordType.TXT:
            txtCodec.check(p, at, len, floor);
            break;
          default:
            rdataCodec(this.#type).check(p, at, len, floor);
        }
      }
    } finally {
      this.reset(p);
    }
    return this;
  }

  /**
   * {@linkcode reset}, reporting a packet shorter than a header as a plain
   * `{ reason, offset }` record instead of throwing: for a receive loop that
   * drops malformed packets by the thousand, where constructing a
   * `DnsParseError` (an Error, ~800 bytes with its stack) would cost more
   * than the packet. Undefined when the header was read.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { MessageReader } from "./mod.ts";
   * const reader = new MessageReader(new Uint8Array(12));
   * const failure = reader.tryReset(new Uint8Array(5));
   * assert.deepEqual({ ...failure }, { reason: "header truncated (5 of 12 bytes)", offset: 5 });
   * assert.equal(failure instanceof Error, false);
   * assert.equal(reader.tryReset(new Uint8Array(12)), undefined);
   * ```
   */
  tryReset(packet: Uint8Array): ParseFailure | undefined {
    return readQuietly(this, packet, resetReader);
  }

  /**
   * {@linkcode validate}, reporting the first problem as a plain
   * `{ reason, offset }` record (the same reason and offset the
   * `DnsParseError` would carry) instead of throwing. Undefined when the
   * packet is valid; the reader is back at the start either way.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { DnsParseError, encodeMessage, MessageReader } from "./mod.ts";
   * const good = encodeMessage({
   *   id: 0, flags: 0x8400, questions: [], authorities: [], additionals: [],
   *   answers: [{ name: "h.local", type: 12, class: 1, cacheFlush: false, ttl: 120, data: "x.local" }],
   * });
   * assert.equal(new MessageReader(good).tryValidate(), undefined);
   * const bad = good.slice();
   * bad.set([0xc0, 2], bad.length - 2); // the PTR target now points at the flags
   * const failure = new MessageReader(bad).tryValidate()!;
   * assert.equal(failure instanceof Error, false);
   * assert.throws(() => new MessageReader(bad).validate(), (e) => {
   *   assert.ok(e instanceof DnsParseError);
   *   assert.deepEqual([e.reason, e.offset], [failure.reason, failure.offset]);
   *   return true;
   * });
   * ```
   */
  tryValidate(): ParseFailure | undefined {
    return readQuietly(this, undefined, validateReader);
  }

  #countOf(section: SectionValue): number {
    switch (section) {
      case Section.Question:
        return this.#questionCount;
      case Section.Answer:
        return this.#answerCount;
      case Section.Authority:
        return this.#authorityCount;
      case Section.Additional:
        return this.#additionalCount;
      default:
        return 0;
    }
  }

  /** The current item's owner name as a presentation string. */
  name(): string {
    return readName(this.#packet, this.#nameOffset, this.#begunMemo());
  }

  /**
   * Compares the current item's name with a name in another (or the same)
   * buffer, case-insensitively, without building strings.
   */
  nameEquals(other: Uint8Array, otherOffset = 0): boolean {
    return namesEqual(this.#packet, this.#nameOffset, other, otherOffset);
  }

  /** The current record's rdata, as a view into the packet. */
  rdata(): Uint8Array {
    return this.#packet.subarray(this.#rdataOffset, this.#rdataOffset + this.#rdataLength);
  }

  /**
   * The current record's rdata decoded for its type (see `ResourceRecord`).
   *
   * @throws {DnsParseError} When the rdata is malformed for its type.
   */
  data(): ResourceRecord["data"] {
    const scope = this.#begunMemo();
    const p = this.#packet, at = this.#rdataOffset, len = this.#rdataLength;
    // A switch keeps each call site monomorphic; the table lookup made one
    // megamorphic call for every record.
    switch (this.#type) {
      case RecordType.A:
        return aCodec.decode(p, at, len, scope);
      case RecordType.AAAA:
        return aaaaCodec.decode(p, at, len, scope);
      case RecordType.PTR:
        return ptrCodec.decode(p, at, len, scope);
      case RecordType.SRV:
        return srvCodec.decode(p, at, len, scope);
      case RecordType.TXT:
        return txtCodec.decode(p, at, len, scope);
      default:
        return rdataCodec(this.#type).decode(p, at, len, scope);
    }
  }

  #begunMemo(): NameMemo {
    if (!this.#memoBegun) {
      this.#memo.begin(this.#packet.length);
      this.#memoBegun = true;
    }
    return this.#memo;
  }

  /** The current question as a plain object. */
  question(): Question {
    return {
      name: this.name(),
      type: this.#type,
      class: this.#class,
      unicastResponse: this.unicastResponse,
    };
  }

  /** The current record as a plain object. */
  record(): ResourceRecord {
    return {
      name: this.name(),
      type: this.#type,
      class: this.#class,
      cacheFlush: this.cacheFlush,
      ttl: this.#ttl,
      data: this.data(),
    } as ResourceRecord;
  }
}

function resetReader(reader: MessageReader, packet: Uint8Array): void {
  reader.reset(packet);
}

function validateReader(reader: MessageReader): void {
  reader.validate();
}

function sectionName(section: SectionValue): string {
  return ["question", "answer", "authority", "additional", "done"][section];
}
