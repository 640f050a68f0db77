/**
 * Serialises the responder's messages (probes, announcements, answers,
 * goodbyes) into one or more packets: a record that does not fit is rolled
 * back by the writer and starts the next packet, so nothing is silently
 * truncated (RFC 6762 §7.2 for probes' authority records, §6 for answers).
 *
 * Packets fit the link MTU (`Limits.LINK_MESSAGE_BYTES`). A record too big
 * for that goes alone in one datagram of up to {@linkcode JUMBO_MESSAGE_BYTES}
 * (RFC 6762 §17: "a single resource record ... larger than the interface MTU
 * ... sent in a single datagram", at most 9000 bytes with IP and UDP
 * headers). What cannot be built even so is left out, alone: the rest of the
 * message still goes out (one oversized record must never silence the other
 * names; `publish()` rejects such records first, so this is a last defence).
 * Probes are packed by name: each packet carries whole names, the question
 * and every proposed record of it, so a peer's §8.2.1 tie-break sees our
 * whole set. A legacy reply (§6.7) is one packet of the resolver's size, with
 * TC when cut.
 *
 * @module
 */

import {
  Limits,
  MessageFlags,
  MessageWriter,
  type Question,
  RecordType,
  type ResourceRecord,
  Section,
  type SectionValue,
} from "../codec/mod.ts";

/**
 * RFC 6762 §18.4: the AA bit is set in every response.
 */
export const RESPONSE_FLAGS: number = MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE;

/**
 * One message to serialise.
 */
export interface OutgoingMessage {
  /** Message ID (0 except in legacy unicast replies, RFC 6762 §6.7). */
  readonly id?: number;
  /** Flags word. */
  readonly flags: number;
  /** Questions, repeated in every packet (legacy replies; probes use `buildProbePackets`). */
  readonly questions?: readonly Question[];
  /** Answer records. */
  readonly answers?: readonly ResourceRecord[];
  /** Authority records (a probe's proposed records, RFC 6762 §8.2). */
  readonly authorities?: readonly ResourceRecord[];
  /** Additional records: optional, dropped when no room is left for them. */
  readonly additionals?: readonly ResourceRecord[];
  /** Compress names inside rdata (off for legacy replies, RFC 6762 §6.7). @default {true} */
  readonly compressRdataNames?: boolean;
}

/** IPv6 (40) and UDP (8) headers: what a datagram spends beyond the DNS message. */
const IP_UDP_HEADER_BYTES = 48;

/**
 * RFC 6762 §17: the largest DNS message we send, a record too big for the link
 * MTU alone in one datagram of at most 9000 bytes, IPv6 and UDP headers
 * included (the IPv4 header is smaller).
 */
export const JUMBO_MESSAGE_BYTES: number = Limits.MDNS_PACKET_BYTES - IP_UDP_HEADER_BYTES;

/**
 * One name of a probe (RFC 6762 §8.1, §8.2): its ANY question and the records
 * proposed for it, which travel together.
 */
export interface ProbeName {
  /** The ANY question for the name. */
  readonly question: Question;
  /** Every record proposed for the name (no cache-flush bit). */
  readonly authorities: readonly ResourceRecord[];
}

/**
 * Packets of a probe, and the names that could not be written even alone in
 * a 9000-byte datagram (they were not probed).
 */
export interface ProbePackets {
  /** The packets, each holding whole names. */
  readonly packets: Uint8Array[];
  /** Names left out. */
  readonly failed: ProbeName[];
}

/** Additionals that did not fit, in a row, after which the packet counts as full. */
const ADDITIONAL_MISSES_MAX = 3;

/** Writers by rdata compression (index 1: on) and size limit; the hot path is one lookup. */
const linkWriters: (MessageWriter | undefined)[] = [];
const otherWriters = new Map<string, MessageWriter>();

function writerFor(compress: boolean, maxSize: number = Limits.LINK_MESSAGE_BYTES): MessageWriter {
  if (maxSize === Limits.LINK_MESSAGE_BYTES) {
    const i = compress ? 1 : 0;
    return linkWriters[i] ??= new MessageWriter({ compressRdataNames: compress, maxSize });
  }
  const key = `${compress}/${maxSize}`;
  let w = otherWriters.get(key);
  if (w === undefined) {
    w = new MessageWriter({ compressRdataNames: compress, maxSize });
    otherWriters.set(key, w);
  }
  return w;
}

/** Writes `questions` into a fresh message; false when they do not fit. */
function start(writer: MessageWriter, message: OutgoingMessage): boolean {
  writer.reset(message.id ?? 0, message.flags);
  for (const q of message.questions ?? []) if (!writer.question(q)) return false;
  return true;
}

/**
 * Writes a record, false when it does not fit (in the writer, or within
 * `budget` bytes, room kept for a record to come); a value out of range is
 * "does not fit".
 */
function tryRecord(
  writer: MessageWriter,
  section: SectionValue,
  r: ResourceRecord,
  budget: number = Infinity,
): boolean {
  const mark = budget === Infinity ? undefined : writer.mark();
  try {
    if (!writer.record(section, r)) return false;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
  if (mark === undefined || writer.size <= budget) return true;
  writer.rollback(mark);
  return false;
}

/**
 * Writes a message as few packets as the link MTU allows. Answers and
 * authority records always go out: one too big for an MTU-sized packet goes
 * alone (with the questions) in a datagram of up to
 * {@linkcode JUMBO_MESSAGE_BYTES}; one too big even for that is left out, and
 * the rest still goes. Additionals fill what room the last packet has left,
 * each that fits (one that does not is skipped, not the rest); `written`
 * hears the index of each one written.
 */
export function buildPackets(
  message: OutgoingMessage,
  written?: (additional: number) => void,
): Uint8Array[] {
  const compress = message.compressRdataNames ?? true;
  const writer = writerFor(compress);
  const out: Uint8Array[] = [];
  if (!start(writer, message)) return []; // questions alone overflow: nothing sensible to send
  const put = (section: SectionValue, r: ResourceRecord): void => {
    if (tryRecord(writer, section, r)) return;
    if (writer.recordCount > 0) {
      out.push(writer.finishCopy());
      start(writer, message);
      if (tryRecord(writer, section, r)) return;
    }
    // §17: too big for the link MTU, so alone in one larger datagram.
    const jumbo = writerFor(compress, JUMBO_MESSAGE_BYTES);
    if (start(jumbo, message) && tryRecord(jumbo, section, r)) out.push(jumbo.finishCopy());
  };
  for (const r of message.answers ?? []) put(Section.Answer, r);
  for (const r of message.authorities ?? []) put(Section.Authority, r);
  fillAdditionals(writer, message.additionals, Infinity, written);
  if (writer.recordCount > 0 || out.length === 0) out.push(writer.finishCopy());
  return out;
}

/**
 * Writes each additional that fits (within `budget`): one too big for the
 * room left (a large TXT) must not push out the small ones after it (the
 * SRV's addresses); a run of misses means the packet is full, and trying the
 * rest would only cost time. `written` hears the index of each one written.
 */
function fillAdditionals(
  writer: MessageWriter,
  additionals: readonly ResourceRecord[] | undefined,
  budget: number = Infinity,
  written?: (additional: number) => void,
): void {
  if (additionals === undefined) return;
  let misses = 0;
  for (let i = 0; i < additionals.length; i++) {
    if (tryRecord(writer, Section.Additional, additionals[i], budget)) {
      misses = 0;
      written?.(i);
    } else if (++misses === ADDITIONAL_MISSES_MAX) break;
  }
}

/** How a legacy reply is sized (RFC 6762 §6.7). */
export interface LegacyPacketOptions {
  /** The largest message the resolver takes (512 without EDNS0, RFC 1035 §4.2.1). */
  readonly maxBytes: number;
  /** A record written last whatever else was cut, its room kept (the EDNS0 OPT, RFC 6891 §7). */
  readonly last?: ResourceRecord;
}

/**
 * Writes a legacy unicast reply (RFC 6762 §6.7) as one packet of at most
 * `maxBytes` (and never more than the link's): the answers that fit, each whole; when one does not, the rest
 * are cut and the TC bit set (RFC 1035 §4.2.1; mDNSResponder does the same,
 * a resolver keeps one datagram), and no additionals follow. Otherwise the
 * additionals fill what room is left. `last` goes in at the end either way.
 * `undefined` when not even the questions (and `last`) fit.
 */
export function buildLegacyPacket(
  message: OutgoingMessage,
  options: LegacyPacketOptions,
): Uint8Array | undefined {
  const compress = message.compressRdataNames ?? true;
  // The link's writer, `maxBytes` kept by budget: one writer whatever size
  // a resolver advertises (a writer per size would let queries grow memory).
  const writer = writerFor(compress);
  if (!start(writer, message) || writer.size > options.maxBytes) return undefined;
  const last = options.last;
  let budget = Math.min(options.maxBytes, Limits.LINK_MESSAGE_BYTES);
  if (last !== undefined) {
    // The room `last` takes, kept back from everything before it.
    const mark = writer.mark();
    if (!tryRecord(writer, Section.Additional, last, budget)) return undefined;
    budget -= writer.size - mark.size;
    writer.rollback(mark);
  }
  let cut = false;
  for (const r of message.answers ?? []) {
    if (!tryRecord(writer, Section.Answer, r, budget)) {
      cut = true;
      writer.setFlags(message.flags | MessageFlags.TRUNCATED);
      break;
    }
  }
  if (!cut) fillAdditionals(writer, message.additionals, budget);
  if (last !== undefined) tryRecord(writer, Section.Additional, last);
  return writer.finishCopy();
}

/**
 * Writes a probe (RFC 6762 §8.1) packed by name: each packet holds whole
 * names, every question first, then every proposed record of those names in
 * Authority. A name too big for an MTU-sized packet goes alone in a datagram
 * of up to {@linkcode JUMBO_MESSAGE_BYTES} (§17); one too big even for that is
 * reported in `failed`, and the other names still go out.
 */
export function buildProbePackets(flags: number, names: readonly ProbeName[]): ProbePackets {
  const packets: Uint8Array[] = [];
  const failed: ProbeName[] = [];
  const writer = writerFor(true);
  let group: ProbeName[] = [];
  // The sum of the group's names written alone: an upper bound of the group
  // written together (compression only shortens), so most names join without
  // writing the group again; only near the limit is it tried for real.
  let bound: number = Limits.HEADER_BYTES;
  const flush = (): void => {
    if (group.length === 0) return;
    if (write(writer, flags, group)) packets.push(writer.finishCopy());
    else { // the compression table ran out: one name a packet
      for (const n of group) if (write(writer, flags, [n])) packets.push(writer.finishCopy());
    }
    group = [];
    bound = Limits.HEADER_BYTES;
  };
  for (const name of names) {
    if (!write(writer, flags, [name])) {
      flush();
      // §17: too big for the link MTU, so alone in one larger datagram.
      const jumbo = writerFor(true, JUMBO_MESSAGE_BYTES);
      if (write(jumbo, flags, [name])) packets.push(jumbo.finishCopy());
      else failed.push(name);
      continue;
    }
    const alone = writer.size - Limits.HEADER_BYTES;
    if (bound + alone <= Limits.LINK_MESSAGE_BYTES) {
      group.push(name);
      bound += alone;
    } else if (write(writer, flags, [...group, name])) {
      group.push(name);
      bound = writer.size;
    } else {
      flush();
      group = [name];
      bound = Limits.HEADER_BYTES + alone;
    }
  }
  flush();
  return { packets, failed };
}

/** Writes `names` into one message of `writer`; false when they do not fit. */
function write(writer: MessageWriter, flags: number, names: readonly ProbeName[]): boolean {
  writer.reset(0, flags);
  for (const n of names) if (!writer.question(n.question)) return false;
  for (const n of names) {
    for (const r of n.authorities) if (!tryRecord(writer, Section.Authority, r)) return false;
  }
  return true;
}

/**
 * Room kept in {@linkcode checkProbeFits} for what can still change a name's
 * probe once published: the SRV target (a host rename, `box-2.local`) and the
 * instance label (`Den (2)`). One full name is more than either can grow.
 */
const PROBE_HEADROOM_BYTES = Limits.NAME_BYTES;

/**
 * Checks that the probe of `name` proposing `records` fits one datagram of
 * {@linkcode JUMBO_MESSAGE_BYTES} (RFC 6762 §17), with room for a rename.
 * Its records then fit too, each alone in an answer.
 *
 * @throws {RangeError} Naming `what` and the largest record's type when not.
 */
export function checkProbeFits(
  what: string,
  name: string,
  records: readonly ResourceRecord[],
): void {
  const writer = writerFor(true, JUMBO_MESSAGE_BYTES - PROBE_HEADROOM_BYTES);
  const question = { name, type: RecordType.ANY, class: 1, unicastResponse: true };
  const probe: ProbeName = { question, authorities: records };
  if (write(writer, 0, [probe])) return;
  let largest = records[0];
  let largestSize = 0;
  for (const r of records) {
    const single = writerFor(true, 0xffff);
    single.reset();
    const size = tryRecord(single, Section.Answer, r) ? single.size : Infinity;
    if (size >= largestSize) [largest, largestSize] = [r, size];
  }
  const type = Object.entries(RecordType).find(([, v]) => v === largest?.type)?.[0] ??
    `type ${largest?.type}`;
  const size = Number.isFinite(largestSize) ? `${largestSize - 12} bytes` : "over 65535 bytes";
  throw new RangeError(
    `Cannot publish ${what}: its ${type} record (${size}) does not fit one ${Limits.MDNS_PACKET_BYTES}-byte datagram (RFC 6762 §17)`,
  );
}
