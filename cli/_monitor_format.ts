/**
 * How `monitor` shows one datagram: pure functions from the decoded packet
 * (and where it came from) to lines of text or one JSON object, so they are
 * tested on the packet corpus without sockets.
 *
 * Human form: a header line per packet (time, interface, family, source,
 * query or response, id, flags, section counts, size), then one line per
 * question and record in `dig`'s layout, prefixed by its section, with `(QU)`
 * on questions that ask for a unicast reply and `(flush)` on records with the
 * cache-flush bit.
 *
 * @module
 */
import { type DnsMessage, MessageFlags, type ResourceRecord } from "../codec/mod.ts";
import { className, questionLine, rdataJson, recordLine, typeName } from "./format.ts";
import { paint } from "./_output.ts";

/**
 * Where a datagram came from, as the transport tags it.
 */
export interface PacketOrigin {
  /** Interface it arrived on. */
  readonly interfaceName: string;
  /** Address family. */
  readonly family: "IPv4" | "IPv6";
  /** Source address (IPv6 link-local with `%zone`). */
  readonly source: string;
  /** Source port (5353, or another port for a legacy unicast query). */
  readonly port: number;
  /** True when sent to our unicast address rather than the group. */
  readonly unicast: boolean;
  /** Size in bytes. */
  readonly size: number;
}

const SECTION_TAGS = [["an", "answers"], ["ns", "authorities"], ["ar", "additionals"]] as const;

/** `qr`, `aa`, `tc` as dig lists them. */
function flagList(flags: number): string[] {
  const out: string[] = [];
  if (flags & MessageFlags.RESPONSE) out.push("qr");
  if (flags & MessageFlags.AUTHORITATIVE) out.push("aa");
  if (flags & MessageFlags.TRUNCATED) out.push("tc");
  return out;
}

function sourceText(origin: PacketOrigin): string {
  return origin.family === "IPv6"
    ? `[${origin.source}]:${origin.port}`
    : `${origin.source}:${origin.port}`;
}

/**
 * The lines `monitor` prints for one decoded packet.
 */
export function formatPacket(
  message: DnsMessage,
  origin: PacketOrigin,
  time: string,
  color = false,
): string[] {
  const response = (message.flags & MessageFlags.RESPONSE) !== 0;
  const kind = response ? paint(color, "green", "response") : paint(color, "cyan", "query");
  const opcode = (message.flags >> 11) & 0xf;
  const rcode = message.flags & 0xf;
  const extra = [
    opcode !== 0 ? `opcode=${opcode}` : "",
    rcode !== 0 ? `rcode=${rcode}` : "",
  ].filter(Boolean);
  const header = [
    paint(color, "dim", time),
    origin.interfaceName,
    origin.family,
    sourceText(origin),
    kind,
    `id=${message.id}`,
    `flags=[${flagList(message.flags).join(" ")}]`,
    ...extra,
    `qd=${message.questions.length}`,
    `an=${message.answers.length}`,
    `ns=${message.authorities.length}`,
    `ar=${message.additionals.length}`,
    `${origin.size}B`,
    origin.unicast ? "unicast" : "multicast",
  ].join(" ");
  const lines = [header];
  for (const q of message.questions) lines.push(`  qd ${questionLine(q)}`);
  for (const [tag, key] of SECTION_TAGS) {
    for (const r of message[key]) lines.push(`  ${tag} ${recordLine(r)}`);
  }
  return lines;
}

/**
 * The line `monitor` prints for a packet that does not decode.
 */
export function formatMalformed(
  reason: string,
  origin: PacketOrigin,
  time: string,
  color = false,
): string {
  return `${paint(color, "dim", time)} ${origin.interfaceName} ${origin.family} ${
    sourceText(origin)
  } ${paint(color, "red", "malformed")} ${origin.size}B: ${reason}`;
}

function recordJson(r: ResourceRecord): Record<string, unknown> {
  return {
    name: r.name,
    type: typeName(r.type),
    class: className(r.class),
    cacheFlush: r.cacheFlush,
    ttl: r.ttl,
    data: rdataJson(r),
  };
}

/**
 * The JSON fields `monitor --json` prints for one packet (besides `event`,
 * which is `query` or `response`, and `ts`).
 */
export function packetJson(message: DnsMessage, origin: PacketOrigin): Record<string, unknown> {
  return {
    interface: origin.interfaceName,
    family: origin.family,
    source: origin.source,
    port: origin.port,
    unicast: origin.unicast,
    size: origin.size,
    id: message.id,
    opcode: (message.flags >> 11) & 0xf,
    rcode: message.flags & 0xf,
    authoritative: (message.flags & MessageFlags.AUTHORITATIVE) !== 0,
    truncated: (message.flags & MessageFlags.TRUNCATED) !== 0,
    questions: message.questions.map((q) => ({
      name: q.name,
      type: typeName(q.type),
      class: className(q.class),
      unicastResponse: q.unicastResponse,
    })),
    answers: message.answers.map(recordJson),
    authorities: message.authorities.map(recordJson),
    additionals: message.additionals.map(recordJson),
  };
}

/**
 * Whether a decoded packet is a response (the QR bit).
 */
export function isResponse(message: Pick<DnsMessage, "flags">): boolean {
  return (message.flags & MessageFlags.RESPONSE) !== 0;
}
