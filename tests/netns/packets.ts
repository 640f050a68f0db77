/**
 * Hand-built mDNS packets for transport tests (the codec is tested on its own;
 * these tests must not depend on it). Only what the tests need: a query with
 * one question, a response with PTR/SRV/TXT/A/AAAA records, and a few readers.
 *
 * @module
 */

/** DNS record types used here. */
export const TYPE = { A: 1, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, ANY: 255 } as const;

/**
 * Encodes a dotted name (no escapes) as uncompressed labels.
 *
 * @example
 * ```ts
 * import { encodeName } from "./packets.ts";
 * console.log(encodeName("a.local").length); // 9
 * ```
 */
export function encodeName(name: string): Uint8Array {
  const out: number[] = [];
  for (const label of name.replace(/\.$/, "").split(".")) {
    const bytes = new TextEncoder().encode(label);
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
  return new Uint8Array(out);
}

/**
 * A query with one question (RFC 6762 §18: id 0, flags 0).
 *
 * @example
 * ```ts
 * import { buildQuery, TYPE } from "./packets.ts";
 * console.log(buildQuery("x.local", TYPE.A).length); // 12 + 9 + 4
 * ```
 */
export function buildQuery(name: string, type: number, options: { qu?: boolean } = {}): Uint8Array {
  const q = encodeName(name);
  const out = new Uint8Array(12 + q.length + 4);
  const v = new DataView(out.buffer);
  v.setUint16(4, 1); // QDCOUNT
  out.set(q, 12);
  v.setUint16(12 + q.length, type);
  v.setUint16(12 + q.length + 2, (options.qu ? 0x8000 : 0) | 1); // RFC 6762 §5.4 QU bit
  return out;
}

/** One resource record for {@linkcode buildResponse}. */
export interface TestRecord {
  readonly name: string;
  readonly type: number;
  readonly ttl?: number;
  readonly cacheFlush?: boolean;
  readonly rdata: Uint8Array;
}

/**
 * An authoritative response (QR|AA) with the records as answers.
 *
 * @example
 * ```ts
 * import { aRecord, buildResponse } from "./packets.ts";
 * console.log(buildResponse([aRecord("h.local", "198.18.1.1")])[2]); // 0x84
 * ```
 */
export function buildResponse(records: readonly TestRecord[]): Uint8Array {
  const parts: number[] = [0, 0, 0x84, 0, 0, 0, 0, records.length, 0, 0, 0, 0];
  for (const r of records) {
    parts.push(...encodeName(r.name));
    const cls = (r.cacheFlush ? 0x8000 : 0) | 1;
    const ttl = r.ttl ?? 120;
    parts.push(r.type >> 8, r.type & 0xff, cls >> 8, cls & 0xff);
    parts.push((ttl >>> 24) & 0xff, (ttl >>> 16) & 0xff, (ttl >>> 8) & 0xff, ttl & 0xff);
    parts.push(r.rdata.length >> 8, r.rdata.length & 0xff, ...r.rdata);
  }
  return new Uint8Array(parts);
}

/**
 * Records describing one service, as an announcement carries them.
 *
 * @example
 * ```ts
 * import { serviceRecords } from "./packets.ts";
 * console.log(serviceRecords({ instance: "X", type: "_http._tcp.local", host: "h.local", port: 80, ipv4: "198.18.1.1" }).length); // 4
 * ```
 */
export function serviceRecords(s: {
  instance: string;
  type: string;
  host: string;
  port: number;
  ipv4?: string;
  txt?: readonly string[];
}): TestRecord[] {
  const full = `${s.instance}.${s.type}`;
  const srv = new Uint8Array([0, 0, 0, 0, s.port >> 8, s.port & 0xff, ...encodeName(s.host)]);
  const txtParts = (s.txt ?? []).flatMap((t) => {
    const b = new TextEncoder().encode(t);
    return [b.length, ...b];
  });
  const records: TestRecord[] = [
    { name: s.type, type: TYPE.PTR, ttl: 4500, rdata: encodeName(full) },
    { name: full, type: TYPE.SRV, cacheFlush: true, rdata: srv },
    {
      name: full,
      type: TYPE.TXT,
      ttl: 4500,
      cacheFlush: true,
      rdata: new Uint8Array(txtParts.length ? txtParts : [0]),
    },
  ];
  if (s.ipv4) records.push(aRecord(s.host, s.ipv4));
  return records;
}

/**
 * An A record.
 *
 * @example
 * ```ts
 * import { aRecord } from "./packets.ts";
 * console.log(aRecord("h.local", "1.2.3.4").rdata); // Uint8Array(4) [1, 2, 3, 4]
 * ```
 */
export function aRecord(name: string, ipv4: string): TestRecord {
  return {
    name,
    type: TYPE.A,
    cacheFlush: true,
    rdata: new Uint8Array(ipv4.split(".").map(Number)),
  };
}

/**
 * Whether the packet is a response (QR bit).
 *
 * @example
 * ```ts
 * import { buildQuery, isResponse, TYPE } from "./packets.ts";
 * console.log(isResponse(buildQuery("a.local", TYPE.A))); // false
 * ```
 */
export function isResponse(packet: Uint8Array): boolean {
  return packet.length >= 12 && (packet[2] & 0x80) !== 0;
}

/**
 * Whether `label` occurs in the packet as a length-prefixed label, as it does
 * in any name that contains it, compressed or not.
 *
 * @example
 * ```ts
 * import { buildQuery, hasLabel, TYPE } from "./packets.ts";
 * console.log(hasLabel(buildQuery("tag1.local", TYPE.A), "tag1")); // true
 * ```
 */
export function hasLabel(packet: Uint8Array, label: string): boolean {
  const needle = new TextEncoder().encode(label);
  outer: for (let i = 12; i + needle.length < packet.length; i++) {
    if (packet[i] !== needle.length) continue;
    for (let j = 0; j < needle.length; j++) {
      if ((packet[i + 1 + j] | 0x20) !== (needle[j] | 0x20)) continue outer;
    }
    return true;
  }
  return false;
}

/**
 * Hex encoding, for passing packets through JSON lines.
 *
 * @example
 * ```ts
 * import { fromHex, toHex } from "./packets.ts";
 * console.log(fromHex(toHex(new Uint8Array([1, 255])))); // Uint8Array(2) [1, 255]
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Hex decoding; see {@linkcode toHex}. */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
