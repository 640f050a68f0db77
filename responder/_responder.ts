/**
 * The responder: publishes services and host names from the local service
 * cache. It probes each unique name (RFC 6762 §8.1, with the §8.2 tie-break),
 * announces (§8.3), answers queries through the pure answer planner, defends
 * its names and renames on a lost conflict (§9), re-announces on updates
 * (§8.4) and says goodbye (§10.1). It is a `StackPart`: built from a
 * `PartContext` plus the caches and a host name, never from the stack. This
 * file routes what arrives (queries, responses, link events) and keeps the
 * query path; the replies go out through `_replier.ts`, the claims (probes,
 * announcements, renames) through `_claim_driver.ts` and `_registry.ts`.
 *
 * Bounds on what the network can grow: delayed replies wait in at most 256
 * groups (one per link and family, plus unicast queriers and defences held by
 * the 250 ms limit; see
 * `_response_queue.ts`), a truncated query holds its reply at most 2 s, the
 * conflict history keeps 15 times per name; known answers are read from the
 * packet in place and never kept; the matches of recent question sets and
 * the legacy replies are remembered for at most 64 queries each (see
 * `_query_table.ts`), forgotten whenever what we publish or the links change;
 * legacy queries are read at most 100 at once and 20 a second per source
 * address by default, from at most 128 addresses (`_legacy_limit.ts`).
 *
 * @module
 */

import type { MessageReader, Question } from "../codec/mod.ts";
import type { LocalServiceCache } from "../cache/local_cache.ts";
import type { Random } from "../clock.ts";
import type { LinkEvent, PartContext, StackPart } from "../stack_part.ts";
import type { Datagram } from "../transport/transport.ts";
import { MDNS_PORT } from "../transport/transport.ts";
import {
  type AnswerPlan,
  type MatchedList,
  matchedList,
  type MatchOptions,
  matchQuestions,
  planAnswers,
  type PlannedReply,
  routeAnswers,
} from "./_answer_planner.ts";
import { TIE_BREAK_DEFER_MS } from "./_claim.ts";
import { proposedRecords, scanResponse } from "./_conflicts.ts";
import { PublishRegistry } from "./_registry.ts";
import { type ReplyTarget, ResponseQueue } from "./_response_queue.ts";
import { Sender } from "./_sender.ts";
import { queryEdns } from "./_edns.ts";
import { LegacyLimit } from "./_legacy_limit.ts";
import { LegacyReplies } from "./_legacy_replies.ts";
import { legacyDestination, Replier } from "./_replier.ts";
import { QueryTable } from "./_query_table.ts";
import { compareProposals, type ProposedRecord } from "./_tie_break.ts";
import { ClaimDriver } from "./_claim_driver.ts";
import type { PublishedService, PublishOptions } from "./publish_options.ts";

/** Question sets whose matched records are remembered at most (the table starts over when full). */
const MATCHED_QUERIES_MAX = 64;
const NO_QUESTIONS: readonly Question[] = Object.freeze([]);
const NO_REPLIES: readonly PlannedReply[] = Object.freeze([]);
const NOTHING: AnswerPlan = Object.freeze({
  replies: NO_REPLIES,
  truncated: false,
  questions: NO_QUESTIONS,
});
const NOTHING_TRUNCATED: AnswerPlan = Object.freeze({ ...NOTHING, truncated: true });

/**
 * What a {@linkcode Responder} is built from.
 */
export interface ResponderOptions extends PartContext {
  /** What we publish: the one source of our records. */
  readonly localCache: LocalServiceCache;
  /** Our host name (`box.local`), or a function giving it on first publish. */
  readonly hostName: string | (() => string);
  /** Legacy queries read a second from one address (`_legacy_limit.ts`). @default {20} */
  readonly legacyQueryRate?: number;
  /** Hears a host name we publish move after a lost conflict (`box.local` → `box-2.local`). */
  readonly onHostRenamed?: (from: string, to: string) => void;
}

/**
 * The responder part.
 */
export class Responder implements StackPart {
  #ctx: PartContext;
  #local: LocalServiceCache;
  #sender: Sender;
  #queue = new ResponseQueue();
  #registry: PublishRegistry;
  #driver: ClaimDriver;
  #replier: Replier;
  #legacyReplies = new LegacyReplies();
  #legacyLimit: LegacyLimit;
  #legacyLimited = 0;
  // The records each recent question set matched, per link: a flood (or a
  // querier's repeated query) is matched once, not parsed again per packet.
  #matched = new QueryTable<MatchedList>(MATCHED_QUERIES_MAX);
  #matching: MatchOptions;
  // routeAnswers' options, filled per query (it keeps nothing): a flood's
  // query allocates no object on its way to "nothing due".
  #routing: { now: number; readonly random: Random; truncated: boolean };
  #stopWatching: () => void;
  #closed = false;

  /** Builds the responder; it sends nothing until something is published. */
  constructor(options: ResponderOptions) {
    this.#ctx = options;
    this.#local = options.localCache;
    this.#sender = new Sender(options.send);
    this.#legacyLimit = new LegacyLimit(options.legacyQueryRate);
    this.#registry = new PublishRegistry({
      context: options,
      localCache: options.localCache,
      sender: this.#sender,
      hostName: options.hostName,
      forget: (records) => this.#queue.forget(records),
      onHostRenamed: options.onHostRenamed,
    });
    this.#driver = new ClaimDriver(this.#registry, this.#sender, options);
    this.#replier = new Replier({
      context: options,
      localCache: options.localCache,
      sender: this.#sender,
      queue: this.#queue,
      visible: this.#registry.visible,
    });
    this.#matching = { localCache: options.localCache, visible: this.#registry.visible };
    this.#routing = { now: 0, random: options.random, truncated: false };
    // A legacy reply remembered is valid until what we publish changes.
    this.#stopWatching = options.localCache.onChange(() => this.#forgetQueries());
  }

  /**
   * Publishes a service. Resolves once its name is ours (probing succeeded,
   * after any rename).
   *
   * @throws {TypeError} When an option is malformed (the promise rejects, nothing is sent).
   * @throws {RangeError} When a value is out of range.
   */
  publish(options: PublishOptions): Promise<PublishedService> {
    if (this.#closed) return Promise.reject(new TypeError("Cannot publish: the stack is closed"));
    try {
      return this.#registry.publish(options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Legacy queries left unread: their source address had used up its
   * bucket (RFC 6762 §6.7; `_legacy_limit.ts`).
   */
  get legacyLimited(): number {
    return this.#legacyLimited;
  }

  /** Clock time of the next work (probe, announcement, delayed answer), `Infinity` when none. */
  nextDeadline(): number {
    return Math.min(this.#registry.nextDeadline(), this.#queue.nextDeadline());
  }

  /** Sends what is due. */
  run(now: number): void {
    this.#driver.run(now);
    for (const group of this.#queue.take(now)) this.#replier.sendGroup(group, now);
  }

  /** Answers a query, and checks a probe against ours (RFC 6762 §8.2). */
  onQuery(reader: MessageReader, datagram: Datagram): void {
    if (this.#closed || !this.#registry.active) return;
    const now = this.#ctx.clock.now();
    const packet = reader.packet;
    const asker = datagram.source.address;
    if (datagram.source.port === MDNS_PORT && reader.questionCount === 0) {
      // A truncated query's follow-up: only known answers (RFC 6762 §7.2).
      const truncated = reader.truncated;
      this.#queue.followUp(reader, asker, { now, random: this.#ctx.random, truncated });
      return;
    }
    const legacy = datagram.source.port !== MDNS_PORT;
    if (legacy && !this.#legacyLimit.take(asker, now)) {
      // An address past its legacy bucket: not read, counted (`_legacy_limit.ts`).
      this.#legacyLimited++;
      return;
    }
    const remembered = legacy && this.#legacyReplies.remembers(reader);
    if (remembered) {
      // RFC 6762 §6.7: the same question from a legacy resolver, the same
      // reply with its ID (planned and encoded on the first ask).
      const known = this.#legacyReplies.reply(packet, datagram.interfaceName, reader.id);
      if (known !== undefined) {
        if (known !== null) this.#sender.unicastPacket(known, legacyDestination(datagram));
        return;
      }
    }
    const contested = reader.authorityCount > 0;
    if (contested) this.#contest(reader, datagram, now);
    reader.reset(packet);
    const plan = this.#plan(reader, datagram, now);
    let queued = contested; // a deferred probe moves the next deadline too
    if (remembered && plan.replies.length === 0) {
      this.#legacyReplies.set(packet, datagram.interfaceName, null);
    }
    const replies = plan.replies;
    for (let i = 0; i < replies.length; i++) {
      const reply = replies[i];
      if (reply.route === "legacy") {
        const edns = queryEdns(reader.reset(packet));
        const sent = this.#replier.sendLegacy(reply, datagram, reader.id, plan.questions, edns);
        if (remembered) this.#legacyReplies.set(packet, datagram.interfaceName, sent);
        continue;
      }
      const target: ReplyTarget = reply.route === "multicast"
        ? { interfaceName: datagram.interfaceName, family: datagram.family }
        : {
          interfaceName: datagram.interfaceName,
          family: datagram.family,
          address: asker,
          port: datagram.source.port,
        };
      if (reply.delayMs === 0) this.#replier.sendNow(reply, target, now);
      else {
        const earlier = this.#queue.add(reply, target, {
          asker,
          now,
          truncated: plan.truncated,
          random: this.#ctx.random,
        });
        queued ||= earlier;
      }
    }
    // Only a send time brought forward needs the scheduler re-armed (a
    // reply sent at once holds back defences itself and wakes it then).
    if (queued) this.#ctx.wake();
  }

  /**
   * The plan for a query. An mDNS query with neither known answers nor
   * authority records (a flood's, or a querier's first) depends only on its
   * questions, its link and what we publish: the records it matches are
   * remembered by its bytes, and only the routing (time, §6 limit, QU) is
   * worked out again.
   */
  #plan(reader: MessageReader, datagram: Datagram, now: number): AnswerPlan {
    const random = this.#ctx.random;
    if (
      datagram.source.port !== MDNS_PORT || reader.answerCount > 0 || reader.authorityCount > 0
    ) {
      return planAnswers(reader, {
        interfaceName: datagram.interfaceName,
        family: datagram.family,
        sourcePort: datagram.source.port,
        unicast: datagram.unicast,
      }, { ...this.#matching, now, random });
    }
    const iface = datagram.interfaceName;
    let matched = this.#matched.get(reader.packet, iface);
    if (matched === undefined) {
      matched = matchedList(matchQuestions(reader, iface, this.#matching));
      this.#matched.set(reader.packet, iface, matched);
    }
    const truncated = reader.truncated;
    // Names not ours (a flood's other questions), or answers §6 holds back:
    // nothing planned, nothing allocated.
    if (matched.records.length === 0) return truncated ? NOTHING_TRUNCATED : NOTHING;
    const routing = this.#routing;
    routing.now = now;
    routing.truncated = truncated;
    const replies = routeAnswers(matched, datagram, routing);
    if (replies.length === 0) return truncated ? NOTHING_TRUNCATED : NOTHING;
    return { replies, truncated, questions: NO_QUESTIONS };
  }

  #forgetQueries(): void {
    this.#legacyReplies.clear();
    this.#matched.clear();
  }

  /** Checks a response for conflicts (RFC 6762 §9) and duplicate answers (§7.4). */
  beforeCache(reader: MessageReader, datagram: Datagram): void {
    if (this.#closed || !this.#registry.active) return;
    const now = this.#ctx.clock.now();
    const packet = reader.packet;
    const found = scanResponse(reader, this.#local, (key) => this.#registry.claimState(key));
    for (const key of found.conflicts) this.#driver.conflict(key, now);
    const iface = datagram.interfaceName;
    // Only what this link may be told (RFC 6762 §14; services limited to some links).
    const again = found.reannounce.filter((r) =>
      (r.interfaceName === undefined || r.interfaceName === iface) &&
      this.#registry.visible(r, iface)
    );
    if (again.length > 0) {
      const reply = { route: "multicast" as const, records: again, delayMs: 0, defend: false };
      this.#replier.sendNow(reply, { interfaceName: iface, family: datagram.family }, now);
    }
    this.#queue.suppressDuplicates(reader.reset(packet), iface, datagram.family);
    this.#ctx.wake();
  }

  /** Probes and announces on a link that appeared; follows address changes. */
  onLinkEvent(event: LinkEvent): void {
    if (this.#closed) return;
    this.#forgetQueries();
    this.#driver.linkEvent(event, this.#ctx.clock.now());
    this.#ctx.wake();
  }

  /** Sends goodbyes for everything published and waits for the sends. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopWatching();
    this.#forgetQueries();
    this.#legacyLimit.clear();
    this.#queue.clear();
    this.#registry.closeAll();
    await this.#sender.settled();
  }

  /** §8.2: another host probes a name we are probing; the later data wins. */
  #contest(reader: MessageReader, datagram: Datagram, now: number): void {
    const theirs = proposedRecords(reader, (key) => this.#registry.claimState(key) === "probing");
    for (const [key, records] of theirs) {
      const ours: ProposedRecord[] = this.#registry.proposedRecords(key, datagram.interfaceName)
        .map((r) => ({ class: r.record.class, type: r.type, rdata: r.rdata }));
      if (compareProposals(ours, records) < 0) {
        this.#registry.deferProbe(key, now, TIE_BREAK_DEFER_MS);
      }
    }
  }
}
