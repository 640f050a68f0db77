// deno-lint-ignore-file no-console -- this file prints for a person, as only cli/, bench/ and tests may
/**
 * Prints DNS packets the way `dig` does, for looking at captures:
 *
 *   deno run --allow-read cli/decode.ts FILE...
 *
 * Each FILE holds one raw DNS message (for example a payload saved from a
 * capture). A malformed packet prints the offset and reason and sets exit code 1.
 */
import {
  decodeMessage,
  type DnsMessage,
  DnsParseError,
  MessageFlags,
  type Question,
  RecordType,
  type ResourceRecord,
} from "../codec/mod.ts";

const TYPE_NAMES = new Map(Object.entries(RecordType).map(([k, v]) => [v as number, k]));
const typeName = (t: number) => TYPE_NAMES.get(t) ?? `TYPE${t}`;
const className = (c: number) => (c === 1 ? "IN" : `CLASS${c}`);
const decoder = new TextDecoder();

function quote(bytes: Uint8Array): string {
  return JSON.stringify(decoder.decode(bytes));
}

function rdataText(r: ResourceRecord): string {
  switch (r.type) {
    case RecordType.A:
    case RecordType.AAAA:
      return r.data as string;
    case RecordType.PTR:
    case RecordType.NS:
    case RecordType.CNAME:
      return `${r.data}.`;
    case RecordType.SRV: {
      const d = r.data as { priority: number; weight: number; port: number; target: string };
      return `${d.priority} ${d.weight} ${d.port} ${d.target}.`;
    }
    case RecordType.TXT:
      return (r.data as Uint8Array[]).map(quote).join(" ");
    case RecordType.NSEC: {
      const d = r.data as { nextName: string; types: number[] };
      return `${d.nextName}. ${d.types.map(typeName).join(" ")}`;
    }
    case RecordType.HINFO: {
      const d = r.data as { cpu: string; os: string };
      return `${JSON.stringify(d.cpu)} ${JSON.stringify(d.os)}`;
    }
    default: {
      const raw = r.data as Uint8Array;
      return `\\# ${raw.length} ${[...raw].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
    }
  }
}

function questionLine(q: Question): string {
  return `;${q.name}.\t\t${className(q.class)}${q.unicastResponse ? " (QU)" : ""}\t${
    typeName(q.type)
  }`;
}

function recordLine(r: ResourceRecord): string {
  const flush = r.cacheFlush ? " (flush)" : "";
  return `${r.name}.\t${r.ttl}\t${className(r.class)}${flush}\t${typeName(r.type)}\t${
    rdataText(r)
  }`;
}

/** Renders a message in dig's layout. */
export function formatMessage(m: DnsMessage): string {
  const flags = [
    m.flags & MessageFlags.RESPONSE ? "qr" : "",
    m.flags & MessageFlags.AUTHORITATIVE ? "aa" : "",
    m.flags & MessageFlags.TRUNCATED ? "tc" : "",
  ].filter(Boolean).join(" ");
  const lines = [
    `;; opcode: ${(m.flags >> 11) & 0xf}, rcode: ${m.flags & 0xf}, id: ${m.id}`,
    `;; flags: ${flags}; QUERY: ${m.questions.length}, ANSWER: ${m.answers.length}, ` +
    `AUTHORITY: ${m.authorities.length}, ADDITIONAL: ${m.additionals.length}`,
  ];
  const section = (title: string, rows: string[]) => {
    if (rows.length) lines.push("", `;; ${title} SECTION:`, ...rows);
  };
  section("QUESTION", m.questions.map(questionLine));
  section("ANSWER", m.answers.map(recordLine));
  section("AUTHORITY", m.authorities.map(recordLine));
  section("ADDITIONAL", m.additionals.map(recordLine));
  return lines.join("\n");
}

if (import.meta.main) {
  if (Deno.args.length === 0) {
    console.error("usage: deno run --allow-read cli/decode.ts FILE...");
    Deno.exit(2);
  }
  let status = 0;
  for (const file of Deno.args) {
    if (Deno.args.length > 1) console.log(`\n;; ${file}`);
    try {
      console.log(formatMessage(decodeMessage(Deno.readFileSync(file))));
    } catch (e) {
      if (!(e instanceof DnsParseError) && !(e instanceof Deno.errors.NotFound)) throw e;
      console.error(`${file}: ${e.message}`);
      status = 1;
    }
  }
  Deno.exit(status);
}
