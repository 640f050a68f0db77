/**
 * Text forms of types, classes and rdata for the command-line tools, in the
 * style of `dig`.
 *
 * @module
 */
import { type Question, RecordType, type ResourceRecord } from "../codec/mod.ts";
import type { HinfoData, NsecData, SrvData } from "../codec/mod.ts";

const TYPE_NAMES = new Map(Object.entries(RecordType).map(([k, v]) => [v as number, k]));
const decoder = new TextDecoder();

/** `SRV` for 33, `TYPE99` for a type without a name. */
export function typeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `TYPE${type}`;
}

/** `IN` for 1, `CLASS3` otherwise. */
export function className(cls: number): string {
  return cls === 1 ? "IN" : `CLASS${cls}`;
}

/** A TXT string as a quoted, escaped string. */
export function quote(bytes: Uint8Array): string {
  return JSON.stringify(decoder.decode(bytes));
}

/** Rdata in presentation form (RFC 3597 `\# len hex` for types without one). */
export function rdataText(r: Pick<ResourceRecord, "type" | "data">): string {
  switch (r.type) {
    case RecordType.A:
    case RecordType.AAAA:
      return r.data as string;
    case RecordType.PTR:
    case RecordType.NS:
    case RecordType.CNAME:
      return `${r.data}.`;
    case RecordType.SRV: {
      const d = r.data as SrvData;
      return `${d.priority} ${d.weight} ${d.port} ${d.target}.`;
    }
    case RecordType.TXT:
      return (r.data as Uint8Array[]).map(quote).join(" ");
    case RecordType.NSEC: {
      const d = r.data as NsecData;
      return `${d.nextName}. ${d.types.map(typeName).join(" ")}`;
    }
    case RecordType.HINFO: {
      const d = r.data as HinfoData;
      return `${JSON.stringify(d.cpu)} ${JSON.stringify(d.os)}`;
    }
    default: {
      const raw = r.data as Uint8Array;
      return `\\# ${raw.length} ${[...raw].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
    }
  }
}

/** Rdata as a JSON-friendly value: TXT strings as text, raw bytes as hex. */
export function rdataJson(r: Pick<ResourceRecord, "type" | "data">): unknown {
  if (r.type === RecordType.TXT) return (r.data as Uint8Array[]).map((b) => decoder.decode(b));
  if (r.data instanceof Uint8Array) {
    return [...r.data].map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  return r.data;
}

/** A question in dig's layout: `;name.  IN (QU)  PTR`. */
export function questionLine(q: Question): string {
  return `;${q.name}.\t\t${className(q.class)}${q.unicastResponse ? " (QU)" : ""}\t${
    typeName(q.type)
  }`;
}

/** A record in dig's layout, `(flush)` after the class when the cache-flush bit is set. */
export function recordLine(r: ResourceRecord): string {
  const flush = r.cacheFlush ? " (flush)" : "";
  return `${r.name}.\t${r.ttl}\t${className(r.class)}${flush}\t${typeName(r.type)}\t${
    rdataText(r)
  }`;
}
