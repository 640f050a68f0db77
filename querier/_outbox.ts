/**
 * One link's outgoing questions, sent as query packets with their
 * Known-Answer lists (RFC 6762 §7.1, §7.2) on every address family the link
 * has. Questions that go in one run share packets (§5.3), filled to the MTU.
 *
 * Refresh questions (§5.2) are bounded per link: a token bucket of
 * `REFRESH_PACKETS_PER_SECOND` packets a second on each family. Those over
 * the bound wait here, one entry per name and type (so at most one per
 * watched record set), and go with the link's next packets once tokens are
 * back: oldest first, address questions after the others (an SRV answer
 * usually refreshes its target's addresses too), and dropped once what they
 * ask about is fresh again or gone. A browse's follow-up questions (RFC 6763
 * §12) have their own per-link budget (`FollowUpBudget`) and join the
 * packets the same way; a link's Known-Answer list names every whole service
 * but at most `KNOWN_ANSWER_LIMIT` listings nobody completed. The outbox also
 * remembers when each question last went out on each link, for the refresh floor (`REFRESH_FLOOR_MS`). Internal.
 *
 * @module
 */

import { Limits, MessageWriter, type Question, RecordType } from "../codec/mod.ts";
import type { PeerServiceCache } from "../cache/peer_cache.ts";
import type { PeerRecord } from "../cache/peer_record.ts";
import { nameKey } from "../codec/mod.ts";
import type { Send } from "../stack_part.ts";
import type { NetworkLink } from "../transport/transport.ts";
import {
  ADDRESS_REFRESH_DEFER_MS,
  KNOWN_ANSWER_LIMIT,
  OBSERVATION_LIMIT,
  REFRESH_FLOOR_MS,
  REFRESH_PACKETS_PER_SECOND,
} from "./_constants.ts";
import { type KnownAnswer, queryPackets, questionsThatFit } from "./_query_packets.ts";
import { FollowUpBudget } from "./_follow_ups.ts";

/** The records we publish answering `name`/`type` on link `iface`. */
export type OwnAnswers = (name: string, type: number, iface: string) => KnownAnswer[];

// A packet less its header, over the smallest question (a compressed name of
// 2 bytes, type and class).
const MOST_QUESTIONS_PER_PACKET = Math.floor((Limits.LINK_MESSAGE_BYTES - Limits.HEADER_BYTES) / 6);

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Gathers questions and sends them.
 */
export class Outbox {
  #cache: PeerServiceCache;
  #send: Send;
  #writer = new MessageWriter();
  #perLink = new Map<string, Map<string, Question>>();
  #noKnownAnswers = new Set<string>();
  #leftOut = new Map<string, Set<PeerRecord>>(); // by link and question: records not listed
  #waiting = new Map<string, Map<string, Question>>(); // refreshes over the bound
  #buckets = new Map<string, Bucket>();
  #notBefore = new Map<string, number>(); // deferred address refreshes, by link and question
  #readyAt = new Map<string, number>(); // per link: when a waiting refresh may go at the earliest
  #lastAsked = new Map<string, number>();
  #ownAnswers: OwnAnswers;
  #followUps = new FollowUpBudget();
  #spent = new Map<string, number>(); // by question: packets of the last send, busiest link

  /**
   * Sends through `send` the questions about records of `cache`; `ownAnswers`
   * gives the records we publish that answer a question on a link, listed as
   * Known Answers too (RFC 6762 §7.1: all answers the querier already knows).
   */
  constructor(cache: PeerServiceCache, send: Send, ownAnswers: OwnAnswers = () => []) {
    this.#cache = cache;
    this.#send = send;
    this.#ownAnswers = ownAnswers;
  }

  /**
   * Adds a question for `iface` (QU when `unicast`) to the next send; with
   * `knownAnswers` false, none are listed for it (a reconfirmation of unique
   * records wants every answer); given a set, all but those records (the
   * doubted PTRs a reconfirmation asks about, RFC 6762 §10.4).
   */
  add(
    iface: string,
    name: string,
    type: number,
    unicast: boolean,
    now: number,
    knownAnswers: boolean | ReadonlySet<PeerRecord> = true,
  ): void {
    let qs = this.#perLink.get(iface);
    if (qs === undefined) this.#perLink.set(iface, qs = new Map());
    const key = questionKey(name, type);
    const known = qs.get(key);
    if (known === undefined || (unicast && !known.unicastResponse)) {
      qs.set(key, { name, type, class: 1, unicastResponse: unicast });
    }
    const waiting = this.#waiting.get(iface);
    if (waiting !== undefined) this.#forget(iface, waiting, key); // asked anyway: no refresh needed
    this.#followUps.forget(name, type, iface);
    this.#lastAsked.set(`${iface}\u0000${key}`, now);
    if (knownAnswers === false) this.#noKnownAnswers.add(`${iface}\u0000${key}`);
    else if (knownAnswers !== true) {
      const left = this.#leftOut.get(`${iface}\u0000${key}`);
      if (left === undefined) this.#leftOut.set(`${iface}\u0000${key}`, new Set(knownAnswers));
      else for (const r of knownAnswers) left.add(r);
    }
  }

  /**
   * Adds a refresh question (QM) for `iface`: it goes with the next send
   * while the link's refresh bound allows, else waits for it.
   */
  addRefresh(iface: string, name: string, type: number): void {
    const key = questionKey(name, type);
    if (this.#perLink.get(iface)?.has(key)) return;
    let qs = this.#waiting.get(iface);
    if (qs === undefined) this.#waiting.set(iface, qs = new Map());
    if (!qs.has(key)) qs.set(key, { name, type, class: 1, unicastResponse: false });
    this.#readyAt.set(iface, 0);
  }

  /**
   * Adds a browse's follow-up question (RFC 6763 §12) for `iface`: it goes
   * with the next send while the link's follow-up budget allows, else waits
   * for it (`FollowUpBudget`).
   */
  addFollowUp(iface: string, name: string, type: number, unicast: boolean): void {
    if (this.#perLink.get(iface)?.has(questionKey(name, type))) return;
    this.#followUps.add(iface, { name, type, class: 1, unicastResponse: unicast });
  }

  /** A follow-up question ended: it no longer waits on any link. */
  forgetFollowUp(name: string, type: number): void {
    this.#followUps.forget(name, type);
  }

  /**
   * False when this question went out on `iface` less than the refresh floor
   * ago, or is already waiting to go.
   */
  refreshAllowed(iface: string, name: string, type: number, now: number): boolean {
    const key = questionKey(name, type);
    if (this.#waiting.get(iface)?.has(key)) return false;
    const last = this.#lastAsked.get(`${iface}\u0000${key}`);
    return last === undefined || now - last >= REFRESH_FLOOR_MS;
  }

  /** When refresh questions waiting for the bound may go (ms), `Infinity` when none wait. */
  nextDeadline(): number {
    let next = Infinity;
    for (const [iface, qs] of this.#waiting) {
      if (qs.size === 0) continue;
      const bucket = this.#buckets.get(iface);
      // A token back: (1 - tokens) of a packet, at the bucket's rate.
      const tokenAt = bucket === undefined ? 0 : bucket.at +
        Math.max(0, Math.ceil((1 - bucket.tokens) * 1000 / REFRESH_PACKETS_PER_SECOND));
      const at = Math.max(tokenAt, this.#readyAt.get(iface) ?? 0);
      if (at < next) next = at;
    }
    return Math.min(next, this.#followUps.nextDeadline());
  }

  /**
   * The packets the last `send` spent on a question added with `add` (on its
   * busiest link, one family): its share of the first packet (one) plus its
   * share of the Known-Answer continuation packets (RFC 6762 §7.2), in
   * proportion to the known answers it listed; 0 when it did not go.
   */
  packetsSent(name: string, type: number): number {
    return this.#spent.get(questionKey(name, type)) ?? 0;
  }

  /** Sends what was gathered on each of `links`, then starts afresh. */
  send(links: readonly NetworkLink[], now: number): void {
    this.#spent.clear();
    for (const link of links) {
      const questions = [...(this.#perLink.get(link.name)?.values() ?? [])];
      const refreshes = this.#takeRefreshes(link.name, questions, now);
      const followUps = this.#followUps.take(
        link.name,
        this.#writer,
        refreshes.length === 0 ? questions : [...questions, ...refreshes],
        now,
      );
      if (questions.length === 0 && refreshes.length === 0 && followUps.length === 0) continue;
      for (const q of [...refreshes, ...followUps]) {
        this.#lastAsked.set(`${link.name}\u0000${questionKey(q.name, q.type)}`, now);
      }
      const all = refreshes.length === 0 && followUps.length === 0
        ? questions
        : [...questions, ...refreshes, ...followUps];
      const answers = new Set<PeerRecord>();
      const own: KnownAnswer[] = [];
      const listedFor = new Map<string, number>(); // known answers per question of `questions`
      for (const q of all) {
        const key = questionKey(q.name, q.type);
        if (this.#noKnownAnswers.has(`${link.name}\u0000${key}`)) continue;
        const known = this.#cache.knownAnswers(q.name, q.type, { interfaceName: link.name, now });
        const leftOut = this.#leftOut.get(`${link.name}\u0000${key}`);
        let listedHere = known.length;
        if (leftOut === undefined) { for (const r of known) answers.add(r); }
        else {
          // A reconfirmation (§10.4) leaves out the doubted PTRs, and lists no
          // PTR whose instance has not answered either: under a flood of fake
          // instances those are hundreds, they keep no real answer away, and
          // listed they made every round a query of several packets (§7.2).
          listedHere = 0;
          for (const r of known) {
            if (leftOut.has(r) || this.#unresolved(r, link.name, now)) continue;
            answers.add(r);
            listedHere++;
          }
        }
        // Ours too: the owner never hears its own query, so a peer holding our
        // record would see it asked for and never answered, and flush it
        // (§10.5 passive observation of failures).
        const ours = this.#ownAnswers(q.name, q.type, link.name);
        own.push(...ours);
        listedFor.set(key, listedHere + ours.length);
      }
      const listed = [...this.#bounded(answers, link.name, now), ...new Set(own)];
      const packets = queryPackets(this.#writer, all, listed, now);
      this.#noteSpent(questions, listedFor, packets.length);
      if (refreshes.length > 0) this.#buckets.get(link.name)!.tokens -= packets.length;
      if (followUps.length > 0) this.#followUps.spend(link.name, packets.length);
      for (const family of ["IPv4", "IPv6"] as const) {
        if ((family === "IPv4" ? link.ipv4 : link.ipv6).length === 0) continue;
        for (const p of packets) void this.#send(p, { interfaceName: link.name, family });
      }
    }
    this.#perLink.clear();
    this.#noKnownAnswers.clear();
    this.#leftOut.clear();
    // A link that went away takes its waiting refreshes with it.
    const names = new Set(links.map((l) => l.name));
    for (const [iface, qs] of this.#waiting) {
      if (names.has(iface)) continue;
      for (const key of qs.keys()) this.#notBefore.delete(`${iface}\u0000${key}`);
      this.#waiting.delete(iface);
      this.#readyAt.delete(iface);
    }
    for (const iface of this.#buckets.keys()) {
      if (!names.has(iface)) this.#buckets.delete(iface);
    }
    this.#followUps.keepLinks(names);
    if (this.#lastAsked.size > OBSERVATION_LIMIT) {
      for (const [key, at] of this.#lastAsked) {
        if (now - at >= REFRESH_FLOOR_MS) this.#lastAsked.delete(key);
      }
    }
  }

  // Each question of `questions` costs one packet (the one it goes in) and its
  // share, by known answers listed, of the `total - 1` continuation packets.
  #noteSpent(questions: readonly Question[], listedFor: Map<string, number>, total: number) {
    let listed = 0;
    for (const n of listedFor.values()) listed += n;
    for (const q of questions) {
      const key = questionKey(q.name, q.type);
      const share = listed === 0 ? 0 : (listedFor.get(key) ?? 0) / listed;
      const cost = 1 + (total - 1) * share;
      if (cost > (this.#spent.get(key) ?? 0)) this.#spent.set(key, cost);
    }
  }

  // The waiting refreshes of `iface` that the bucket allows now, oldest first,
  // as many as fit in the packets the questions going anyway start plus the
  // tokens left.
  #takeRefreshes(iface: string, questions: readonly Question[], now: number): Question[] {
    const waiting = this.#waiting.get(iface);
    if (waiting === undefined || waiting.size === 0) return [];
    let bucket = this.#buckets.get(iface);
    if (bucket === undefined) {
      this.#buckets.set(iface, bucket = { tokens: REFRESH_PACKETS_PER_SECOND, at: now });
    } else {
      bucket.tokens = Math.min(
        REFRESH_PACKETS_PER_SECOND,
        bucket.tokens + (now - bucket.at) * REFRESH_PACKETS_PER_SECOND / 1000,
      );
      bucket.at = now;
    }
    if (bucket.tokens < 1) return [];
    // At most what the tokens can carry is looked at (a question takes at
    // least 6 bytes): a backlog of thousands costs no cache lookups per send.
    const limit = Math.floor(bucket.tokens) * MOST_QUESTIONS_PER_PACKET;
    const candidates: Question[] = [];
    const addresses: Question[] = [];
    for (const [key, q] of waiting) {
      const address = q.type === RecordType.A || q.type === RecordType.AAAA;
      const list = address ? addresses : candidates;
      if (list.length >= limit) {
        if (candidates.length >= limit && addresses.length >= limit) break;
        continue;
      }
      if (!this.#stillDue(iface, q, now)) this.#forget(iface, waiting, key);
      else list.push(q);
    }
    // RFC 6763 §12.2: an SRV answer carries its target's addresses. Addresses
    // of a target whose SRV is asked now wait ADDRESS_REFRESH_DEFER_MS, and are
    // dropped then if that answer refreshed them; the others go last.
    const targets = this.#srvTargets(iface, questions, candidates, now);
    let deferred = Infinity;
    for (const q of addresses) {
      const at = this.#notBefore.get(`${iface}\u0000${questionKey(q.name, q.type)}`);
      if (at === undefined && targets.has(nameKey(q.name))) {
        this.#notBefore.set(
          `${iface}\u0000${questionKey(q.name, q.type)}`,
          deferred = now + ADDRESS_REFRESH_DEFER_MS,
        );
      } else if (at !== undefined && at > now) deferred = Math.min(deferred, at);
      else candidates.push(q);
    }
    const n = questionsThatFit(this.#writer, questions, candidates, Math.floor(bucket.tokens));
    const taken = candidates.slice(0, n);
    for (const q of taken) this.#forget(iface, waiting, questionKey(q.name, q.type));
    // Nothing ready is left: the link's next chance is the first deferred one.
    this.#readyAt.set(iface, n < candidates.length ? 0 : deferred === Infinity ? 0 : deferred);
    return taken;
  }

  // Every record of a whole service (anything but a PTR, or a PTR whose
  // instance answered: its SRV or TXT is here) goes: the cache's byte budget bounds how many
  // there are, and leaving one out draws a response from its responder each
  // time we ask. Listings nobody completed (what a flood of fake PTRs is) go
  // up to KNOWN_ANSWER_LIMIT.
  #bounded(answers: Set<PeerRecord>, iface: string, now: number): PeerRecord[] {
    if (answers.size <= KNOWN_ANSWER_LIMIT) return [...answers];
    const listed: PeerRecord[] = [];
    let bare = 0;
    for (const r of answers) {
      if (this.#unresolved(r, iface, now) && bare++ >= KNOWN_ANSWER_LIMIT) continue;
      listed.push(r);
    }
    return listed;
  }

  // A PTR whose instance has no SRV and no TXT in the cache (yet, or ever: a
  // fake). The TXT counts too: it lives as long as the PTR (RFC 6762 §10),
  // while the SRV (120 s) runs out under a browse that refreshes only its PTRs.
  #unresolved(r: PeerRecord, iface: string, now: number): boolean {
    if (r.type !== RecordType.PTR || typeof r.data !== "string") return false;
    const at = { interfaceName: iface, now };
    return this.#cache.lookup(r.data, RecordType.SRV, at).length === 0 &&
      this.#cache.lookup(r.data, RecordType.TXT, at).length === 0;
  }

  #forget(iface: string, waiting: Map<string, Question>, key: string): void {
    waiting.delete(key);
    this.#notBefore.delete(`${iface}\u0000${key}`);
  }

  // The targets (name keys) of the SRV records the SRV questions ask about.
  #srvTargets(
    iface: string,
    questions: readonly Question[],
    candidates: readonly Question[],
    now: number,
  ): Set<string> {
    const targets = new Set<string>();
    for (const list of [questions, candidates]) {
      for (const q of list) {
        if (q.type !== RecordType.SRV) continue;
        for (const r of this.#cache.lookup(q.name, RecordType.SRV, { interfaceName: iface, now })) {
          targets.add(nameKey((r.data as { target: string }).target));
        }
      }
    }
    return targets;
  }

  // A waiting refresh is dropped once every record it asks about has more than
  // half its TTL again (an answer to another question refreshed it, RFC 6763
  // §12 additionals) or is gone: asking would only list it as a known answer.
  #stillDue(iface: string, q: Question, now: number): boolean {
    for (const r of this.#cache.lookup(q.name, q.type, { interfaceName: iface, now })) {
      if (r.remainingTtl(now) * 2 <= r.ttl) return true;
    }
    return false;
  }
}

function questionKey(name: string, type: number): string {
  return `${nameKey(name)}\u0000${type}`;
}
