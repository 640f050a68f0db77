/**
 * Plain-object shapes of messages, questions and records, as
 * `decodeMessage()` returns them and `encodeMessage()` and the writer take them.
 *
 * @module
 */
import type { HinfoData, NsecData, SrvData } from "./rdata/mod.ts";

/**
 * A question. `unicastResponse` is the QU bit (RFC 6762 §5.4).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Question } from "./types.ts";
 * const q: Question = { name: "_http._tcp.local", type: 12, class: 1, unicastResponse: false };
 * assert.equal(q.name, "_http._tcp.local");
 * ```
 */
export interface Question {
  /** Name asked about, in presentation form. */
  name: string;
  /** Record type asked for (255 for ANY). */
  type: number;
  /** Class without the QU bit (1 for IN). */
  class: number;
  /** True when the querier asks for a unicast reply (the class's top bit). */
  unicastResponse: boolean;
}

/**
 * Fields every record has.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RecordFields } from "./types.ts";
 * const f: RecordFields = { name: "host.local", class: 1, cacheFlush: true, ttl: 120 };
 * assert.equal(f.ttl, 120);
 * ```
 */
export interface RecordFields {
  /** Owner name in presentation form. */
  name: string;
  /** Class without the cache-flush bit (1 for IN). */
  class: number;
  /** True when the class's top bit (cache-flush, RFC 6762 §10.2) is set. */
  cacheFlush: boolean;
  /** Time to live in seconds. */
  ttl: number;
}

/**
 * An A record: `data` is dotted-quad text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ARecord } from "./types.ts";
 * const a: ARecord = { name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" };
 * assert.equal(a.data, "198.18.0.2");
 * ```
 */
export interface ARecord extends RecordFields {
  /** Type 1. */
  type: 1;
  /** IPv4 address. */
  data: string;
}
/**
 * An AAAA record: `data` is RFC 5952 text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { AaaaRecord } from "./types.ts";
 * const r: AaaaRecord = { name: "h.local", type: 28, class: 1, cacheFlush: true, ttl: 120, data: "fd00::2" };
 * assert.equal(r.data, "fd00::2");
 * ```
 */
export interface AaaaRecord extends RecordFields {
  /** Type 28. */
  type: 28;
  /** IPv6 address. */
  data: string;
}
/**
 * A PTR (or NS, CNAME) record: `data` is the name pointed to.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PtrRecord } from "./types.ts";
 * const r: PtrRecord = { name: "_http._tcp.local", type: 12, class: 1, cacheFlush: false, ttl: 4500, data: "A._http._tcp.local" };
 * assert.equal(r.data, "A._http._tcp.local");
 * ```
 */
export interface PtrRecord extends RecordFields {
  /** Type 12 (or 2 for NS, 5 for CNAME). */
  type: 12 | 2 | 5;
  /** Target name. */
  data: string;
}
/**
 * An SRV record.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SrvRecord } from "./types.ts";
 * const r: SrvRecord = { name: "A._http._tcp.local", type: 33, class: 1, cacheFlush: true, ttl: 120,
 *   data: { priority: 0, weight: 0, port: 80, target: "h.local" } };
 * assert.equal(r.data.port, 80);
 * ```
 */
export interface SrvRecord extends RecordFields {
  /** Type 33. */
  type: 33;
  /** Priority, weight, port, target. */
  data: SrvData;
}
/**
 * A TXT record: `data` is its character-strings as bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TxtRecord } from "./types.ts";
 * const r: TxtRecord = { name: "A._http._tcp.local", type: 16, class: 1, cacheFlush: true, ttl: 4500,
 *   data: [new TextEncoder().encode("path=/")] };
 * assert.equal(r.data.length, 1);
 * ```
 */
export interface TxtRecord extends RecordFields {
  /** Type 16. */
  type: 16;
  /** Character-strings, each at most 255 bytes. */
  data: Uint8Array[];
}
/**
 * An NSEC record.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { NsecRecord } from "./types.ts";
 * const r: NsecRecord = { name: "h.local", type: 47, class: 1, cacheFlush: true, ttl: 120,
 *   data: { nextName: "h.local", types: [1, 28] } };
 * assert.deepEqual(r.data.types, [1, 28]);
 * ```
 */
export interface NsecRecord extends RecordFields {
  /** Type 47. */
  type: 47;
  /** Next name and type bitmap. */
  data: NsecData;
}
/**
 * An HINFO record.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { HinfoRecord } from "./types.ts";
 * const r: HinfoRecord = { name: "h.local", type: 13, class: 1, cacheFlush: true, ttl: 120,
 *   data: { cpu: "X86_64", os: "LINUX" } };
 * assert.equal(r.data.os, "LINUX");
 * ```
 */
export interface HinfoRecord extends RecordFields {
  /** Type 13. */
  type: 13;
  /** CPU and OS. */
  data: HinfoData;
}
/**
 * A record of any other type, kept as raw rdata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { UnknownRecord } from "./types.ts";
 * const r: UnknownRecord = { name: "h.local", type: 99, class: 1, cacheFlush: false, ttl: 10, data: new Uint8Array([1]) };
 * assert.equal(r.data.length, 1);
 * ```
 */
export interface UnknownRecord extends RecordFields {
  /** Any type number the codec does not model. */
  type: number;
  /** Raw rdata. */
  data: Uint8Array;
}

/**
 * Any resource record. Narrow on `type` (`RecordType.SRV` and so on); types the
 * codec does not model carry raw bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResourceRecord } from "./types.ts";
 * const r: ResourceRecord = {
 *   name: "host.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2",
 * };
 * assert.equal(r.data, "198.18.0.2");
 * ```
 */
export type ResourceRecord =
  | ARecord
  | AaaaRecord
  | PtrRecord
  | SrvRecord
  | TxtRecord
  | NsecRecord
  | HinfoRecord
  | UnknownRecord;

/**
 * A whole DNS message as plain objects.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { DnsMessage } from "./types.ts";
 * const query: DnsMessage = {
 *   id: 0, flags: 0,
 *   questions: [{ name: "_http._tcp.local", type: 12, class: 1, unicastResponse: false }],
 *   answers: [], authorities: [], additionals: [],
 * };
 * assert.equal(query.questions.length, 1);
 * ```
 */
export interface DnsMessage {
  /** Message id; 0 in mDNS multicast (RFC 6762 §18.1). */
  id: number;
  /** The 16-bit flags word (see `MessageFlags`), opcode and rcode included. */
  flags: number;
  /** Question section. */
  questions: Question[];
  /** Answer section. */
  answers: ResourceRecord[];
  /** Authority section (probes put their proposed records here, RFC 6762 §8.2). */
  authorities: ResourceRecord[];
  /** Additional section. */
  additionals: ResourceRecord[];
}
