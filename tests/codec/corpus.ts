/**
 * Loads the packet corpus (tests/testdata/, copied from shared/corpus) and turns
 * each packet's dns-packet-style description into our DnsMessage shape, so
 * tests can compare what we decode with what the corpus says is inside.
 */
import type { DnsMessage, Question, ResourceRecord } from "../../codec/mod.ts";
import { MessageFlags, RecordType } from "../../codec/mod.ts";

const dir = new URL("../testdata/", import.meta.url);

interface CorpusRecord {
  name: string;
  type: string;
  class: string;
  flush?: boolean;
  ttl: number;
  // deno-lint-ignore no-explicit-any
  data: any;
}
interface CorpusPacket {
  id: string;
  file: string;
  description: string;
  encode: boolean;
  messageOf?: string;
  quQuestions: number[];
  message?: {
    type: "query" | "response";
    id: number;
    flags: number;
    questions: { name: string; type: string; class: string }[];
    answers: CorpusRecord[];
    authorities: CorpusRecord[];
    additionals: CorpusRecord[];
  };
}

/** One corpus packet: its bytes and the message it should decode to. */
export interface CorpusEntry {
  id: string;
  description: string;
  bytes: Uint8Array;
  /** True when our writer should reproduce `bytes` exactly (compressed packets). */
  encode: boolean;
  expected: DnsMessage;
}

const typeNumber = (t: string): number => {
  const n = (RecordType as Record<string, number>)[t];
  if (n === undefined) throw new Error(`corpus type ${t} unknown`);
  return n;
};
const encoder = new TextEncoder();

function record(r: CorpusRecord): ResourceRecord {
  const type = typeNumber(r.type);
  let data = r.data;
  if (type === RecordType.TXT) data = (r.data as string[]).map((s) => encoder.encode(s));
  if (type === RecordType.NSEC) {
    data = {
      nextName: r.data.nextDomain,
      types: r.data.rrtypes.map(typeNumber).sort((a: number, b: number) => a - b),
    };
  }
  return {
    name: r.name,
    type,
    class: 1,
    cacheFlush: r.flush ?? false,
    ttl: r.ttl,
    data,
  } as ResourceRecord;
}

/** Reads every corpus packet with the message it holds. */
export function loadCorpus(): CorpusEntry[] {
  const json = JSON.parse(Deno.readTextFileSync(new URL("corpus.json", dir))) as {
    packets: CorpusPacket[];
  };
  const byId = new Map(json.packets.map((p) => [p.id, p]));
  return json.packets.map((p) => {
    const m = p.message ?? byId.get(p.messageOf!)!.message!;
    const questions: Question[] = m.questions.map((q, i) => ({
      name: q.name,
      type: typeNumber(q.type),
      class: 1,
      unicastResponse: p.quQuestions.includes(i),
    }));
    return {
      id: p.id,
      description: p.description,
      bytes: Deno.readFileSync(new URL(p.file, dir)),
      encode: p.encode,
      expected: {
        id: m.id,
        flags: (m.type === "response" ? MessageFlags.RESPONSE : 0) | m.flags,
        questions,
        answers: m.answers.map(record),
        authorities: m.authorities.map(record),
        additionals: m.additionals.map(record),
      },
    };
  });
}

/** Deep-comparable form of a message: Uint8Arrays become plain arrays. */
export function plain(message: DnsMessage): unknown {
  return JSON.parse(
    JSON.stringify(message, (_k, v) => (v instanceof Uint8Array ? { bytes: [...v] } : v)),
  );
}
