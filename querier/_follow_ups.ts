/**
 * The per-link budget of a browse's follow-up questions (RFC 6763 §12: SRV
 * and TXT of each listed instance, A and AAAA of its target). How many
 * instances a browse follows is up to the network, so what it asks about
 * them is bounded per link: a token bucket of `FOLLOW_UP_PACKETS_PER_SECOND`
 * query packets a second. Questions over the bound wait here, one entry per
 * name and type, the newest first (a service that just appeared is the one
 * someone is looking at), at most `FOLLOW_UP_QUEUE_LIMIT` per link: the
 * oldest is dropped beyond that, and comes back when its continuous question
 * is next due. A question its last user released is dropped too. Internal.
 *
 * @module
 */

import type { MessageWriter, Question } from "../codec/mod.ts";
import { nameKey } from "../codec/mod.ts";
import { FOLLOW_UP_PACKETS_PER_SECOND, FOLLOW_UP_QUEUE_LIMIT } from "./_constants.ts";
import { questionsThatFit } from "./_query_packets.ts";

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Follow-up questions waiting for their link's budget.
 */
export class FollowUpBudget {
  #waiting = new Map<string, Map<string, Question>>(); // per link, oldest first
  #buckets = new Map<string, Bucket>();

  /** Questions waiting on every link. */
  get waiting(): number {
    let n = 0;
    for (const qs of this.#waiting.values()) n += qs.size;
    return n;
  }

  /** Queues `question` for `iface` (kept in its place when already waiting). */
  add(iface: string, question: Question): void {
    let qs = this.#waiting.get(iface);
    if (qs === undefined) this.#waiting.set(iface, qs = new Map());
    const key = questionKey(question.name, question.type);
    const known = qs.get(key);
    if (known !== undefined) {
      if (question.unicastResponse && !known.unicastResponse) qs.set(key, question);
      return;
    }
    qs.set(key, question);
    if (qs.size > FOLLOW_UP_QUEUE_LIMIT) qs.delete(qs.keys().next().value!);
  }

  /** Drops `name`/`type` on every link (its question ended, or it is asked anyway). */
  forget(name: string, type: number, iface?: string): void {
    const key = questionKey(name, type);
    if (iface !== undefined) this.#waiting.get(iface)?.delete(key);
    else for (const qs of this.#waiting.values()) qs.delete(key);
  }

  /**
   * The waiting questions of `iface` the budget allows now, newest first: as
   * many as fit in the packets `questions` (going anyway) start, plus the
   * tokens left.
   */
  take(
    iface: string,
    writer: MessageWriter,
    questions: readonly Question[],
    now: number,
  ): Question[] {
    const waiting = this.#waiting.get(iface);
    if (waiting === undefined || waiting.size === 0) return [];
    let bucket = this.#buckets.get(iface);
    if (bucket === undefined) {
      this.#buckets.set(iface, bucket = { tokens: FOLLOW_UP_PACKETS_PER_SECOND, at: now });
    } else {
      bucket.tokens = Math.min(
        FOLLOW_UP_PACKETS_PER_SECOND,
        bucket.tokens + (now - bucket.at) * FOLLOW_UP_PACKETS_PER_SECOND / 1000,
      );
      bucket.at = now;
    }
    if (bucket.tokens < 1) return [];
    const candidates = [...waiting.values()].reverse();
    const n = questionsThatFit(writer, questions, candidates, Math.floor(bucket.tokens));
    const taken = candidates.slice(0, n);
    for (const q of taken) waiting.delete(questionKey(q.name, q.type));
    return taken;
  }

  /** `packets` went out on `iface` carrying follow-ups: they cost tokens. */
  spend(iface: string, packets: number): void {
    const bucket = this.#buckets.get(iface);
    if (bucket !== undefined) bucket.tokens -= packets;
  }

  /** When waiting questions may go (ms), `Infinity` when none wait. */
  nextDeadline(): number {
    let next = Infinity;
    for (const [iface, qs] of this.#waiting) {
      if (qs.size === 0) continue;
      const bucket = this.#buckets.get(iface);
      const at = bucket === undefined ? 0 : bucket.at +
        Math.max(0, Math.ceil((1 - bucket.tokens) * 1000 / FOLLOW_UP_PACKETS_PER_SECOND));
      if (at < next) next = at;
    }
    return next;
  }

  /** Links not in `names` went away: their waiting questions go with them. */
  keepLinks(names: ReadonlySet<string>): void {
    for (const iface of this.#waiting.keys()) if (!names.has(iface)) this.#waiting.delete(iface);
    for (const iface of this.#buckets.keys()) if (!names.has(iface)) this.#buckets.delete(iface);
  }
}

function questionKey(name: string, type: number): string {
  return `${nameKey(name)}\u0000${type}`;
}
