// A fake network of N services for the querier benches: one in-memory host
// that answers queries from a table of raw records (per service a PTR, SRV,
// TXT, A and optionally AAAA, from `_workload.ts`), the way a responder would:
// Known-Answer suppression (RFC 6762 §7.1), additionals (RFC 6763 §12),
// 20-120 ms delay when a shared answer is in the reply (§6), split over packets
// of at most 1440 bytes. `silent = true` makes every service stop answering.
// With `holdTruncatedMs`, a query with TC set waits that long (RFC 6762 §7.2:
// 400-500 ms) for the rest of its Known-Answer list from the same source.
// Runs on any Transport: the in-memory host of the simulations, or a
// UdpTransport in a namespace (bench/_fake_services_agent.ts).
import { decodeMessage, nameKey, RecordType, type ResourceRecord } from "../codec/mod.ts";
import { writeAll } from "../codec/_write_all.ts";
import type { Clock, Random } from "../clock.ts";
import type { Transport } from "../transport/transport.ts";
import { serviceAnnouncement } from "./_workload.ts";

export interface FakeServicesOptions {
  /** How many services. */
  readonly count: number;
  /** Publish AAAA records too (default false: SRV and A, as issue 15's arithmetic). */
  readonly ipv6?: boolean;
  /** RFC 6762 §7.2: hold a truncated query this long for its continuation (default: answer at once). */
  readonly holdTruncatedMs?: number;
}

interface HeldQuery {
  questions: { name: string; type: number }[];
  known: ResourceRecord[];
}

export class FakeServices {
  /** When true, nothing is answered (every service went silent). */
  silent = false;
  /** Queries heard and responses sent. */
  queries = 0;
  responses = 0;
  #byKey = new Map<string, ResourceRecord[]>();
  /** Each own record's identity, computed once: an answer to 1,000 services chooses 5,000. */
  #identity = new Map<ResourceRecord, string>();
  /** Replies to queries without known answers, by question list (see #reply). */
  #replies = new Map<string, { packets: Uint8Array[]; shared: boolean }>();
  #host: Transport;
  #holdMs: number | undefined;
  #held = new Map<string, HeldQuery>();
  #clock: Clock;
  #random: Random;

  constructor(host: Transport, clock: Clock, random: Random, options: FakeServicesOptions) {
    this.#host = host;
    this.#clock = clock;
    this.#random = random;
    this.#holdMs = options.holdTruncatedMs;
    for (let i = 0; i < options.count; i++) {
      for (const r of serviceAnnouncement(i)) {
        if (r.type === RecordType.AAAA && !options.ipv6) continue;
        this.#identity.set(r, recordKey(r));
        const key = `${nameKey(r.name)}\u0000${r.type}`;
        const list = this.#byKey.get(key);
        if (list === undefined) this.#byKey.set(key, [r]);
        else list.push(r);
      }
    }
  }

  start(): Promise<void> {
    // Every browser's first question, ready before it is asked (see #reply).
    for (const key of this.#byKey.keys()) {
      const [name, type] = key.split("\u0000");
      if (Number(type) === RecordType.PTR) this.#reply([{ name, type: RecordType.PTR }], []);
    }
    return this.#host.start({
      onDatagram: (d) => {
        if (this.silent) return;
        // Responses (our own, looped back: 100 or more per answer) are not decoded.
        if (d.data.length < 4 || (d.data[2] & 0x80) !== 0) return;
        const message = decodeMessage(d.data);
        this.queries++;
        if (this.#holdMs === undefined) {
          this.#answer(message.questions, message.answers, d.interfaceName, d.family);
          return;
        }
        const source = `${d.family} ${d.source.address} ${d.source.port}`;
        const held = this.#held.get(source);
        if (held !== undefined) {
          held.questions.push(...message.questions);
          held.known.push(...message.answers);
        }
        const truncated = (message.flags & 0x0200) !== 0;
        if (held === undefined && truncated) {
          const entry = { questions: [...message.questions], known: [...message.answers] };
          this.#held.set(source, entry);
          const iface = d.interfaceName, family = d.family;
          this.#clock.setTimer(this.#holdMs, () => {
            if (this.#held.get(source) !== entry) return;
            this.#held.delete(source);
            this.#answer(entry.questions, entry.known, iface, family);
          });
        } else if (held !== undefined && !truncated) {
          this.#held.delete(source);
          this.#answer(held.questions, held.known, d.interfaceName, d.family);
        } else if (held === undefined) {
          this.#answer(message.questions, message.answers, d.interfaceName, d.family);
        }
      },
      onEvent() {},
    });
  }

  #find(name: string, type: number): ResourceRecord[] {
    if (type !== RecordType.ANY) return this.#byKey.get(`${nameKey(name)}\u0000${type}`) ?? [];
    const out: ResourceRecord[] = [];
    for (const t of [RecordType.SRV, RecordType.TXT, RecordType.A, RecordType.AAAA]) {
      out.push(...this.#find(name, t));
    }
    return out;
  }

  /**
   * The packets that answer `questions` given `known`. Without known answers
   * (every first query) they are built once per question list: the fake
   * stands for N responders that would each answer at once, and one process
   * encoding 5,000 records per query (50-250 ms on the loaded machine) would
   * delay every browser's first answers by that much.
   */
  #reply(
    questions: readonly { name: string; type: number }[],
    known: readonly ResourceRecord[],
  ): { packets: Uint8Array[]; shared: boolean } | undefined {
    const cacheKey = known.length > 0
      ? undefined
      : questions.map((q) => `${nameKey(q.name)}\u0000${q.type}`).join("\u0001");
    const cached = cacheKey === undefined ? undefined : this.#replies.get(cacheKey);
    if (cached !== undefined) return cached;
    // RFC 6762 §7.1: a known answer suppresses ours only while it has half its TTL or more.
    const knownTtl = new Map(known.map((k) => [recordKey(k), k.ttl]));
    const identity = (r: ResourceRecord) => this.#identity.get(r) ?? recordKey(r);
    const isKnown = (r: ResourceRecord) =>
      knownTtl.size > 0 && (knownTtl.get(identity(r)) ?? -1) >= r.ttl / 2;
    const chosen = new Map<string, ResourceRecord>();
    let shared = false;
    for (const q of questions) {
      for (const r of this.#find(q.name, q.type)) {
        const key = identity(r);
        if (isKnown(r)) continue;
        chosen.set(key, r);
        if (!r.cacheFlush) shared = true;
      }
    }
    if (chosen.size === 0) return undefined;
    const extra: ResourceRecord[] = [];
    for (const r of chosen.values()) {
      const names = r.type === RecordType.PTR
        ? [[r.data as string, RecordType.SRV], [r.data as string, RecordType.TXT]] as const
        : [];
      for (const [n, t] of names) extra.push(...this.#find(n, t));
      const target = r.type === RecordType.SRV
        ? (r.data as { target: string }).target
        : r.type === RecordType.PTR
        ? (this.#find(r.data as string, RecordType.SRV)[0]?.data as { target: string })?.target
        : undefined;
      if (target !== undefined) {
        extra.push(...this.#find(target, RecordType.A), ...this.#find(target, RecordType.AAAA));
      }
    }
    for (const r of extra) {
      const key = identity(r);
      if (!chosen.has(key) && !isKnown(r)) chosen.set(key, r);
    }
    const reply = { packets: writeAll([...chosen.values()], { flags: 0x8400 }), shared };
    if (cacheKey !== undefined) this.#replies.set(cacheKey, reply);
    return reply;
  }

  #answer(
    questions: readonly { name: string; type: number }[],
    known: readonly ResourceRecord[],
    iface: string,
    family: "IPv4" | "IPv6",
  ): void {
    const reply = this.#reply(questions, known);
    if (reply === undefined) return;
    const { packets, shared } = reply;
    const send = () => {
      for (const p of packets) {
        this.responses++;
        void this.#host.send(p, { interfaceName: iface, family });
      }
    };
    // RFC 6762 §6: shared answers wait 20-120 ms; unique ones go at once.
    if (shared) this.#clock.setTimer(20 + Math.floor(100 * this.#random()), send);
    else send();
  }
}

function recordKey(r: ResourceRecord): string {
  return `${nameKey(r.name)}\u0000${r.type}\u0000${
    JSON.stringify(r.data, (_k, v) =>
      v instanceof Uint8Array ? [...v] : typeof v === "string" ? v.toLowerCase() : v)
  }`;
}
