/**
 * The answer planner: pure. It reads a query's questions and known answers
 * straight from the `MessageReader`, looks them up in the local cache, and
 * returns what to send, how (multicast, unicast, legacy unicast) and when:
 *
 * - answers for PTR, SRV, TXT, A, AAAA and ANY questions (RFC 6762 §6.5), and
 *   an NSEC for a type we own the name of but do not have (§6.1);
 * - known-answer suppression: a record listed with at least half its true
 *   TTL is left out (§7.1);
 * - unique answers at once, shared ones after 20-120 ms, 400-500 ms when the
 *   query is truncated (§6, §7.2);
 * - probe defences at once, whatever else the packet holds (§8.1): only the
 *   records that answer a probe question (one naming a record of the
 *   Authority section) are a defence; the packet's other questions (an
 *   mDNSResponder probe travels with its browse questions) are answered as
 *   in any query. A QU probe gets its unicast reply as well (§5.4);
 * - QU questions and direct unicast queries answered by unicast, unless the
 *   record was not multicast on that link within a quarter of its TTL (§5.4,
 *   §5.5); legacy queries (source port not 5353) by legacy unicast (§6.7);
 * - no ordinary multicast of a record sent on that link and family less than
 *   a second before the reply would go (§6): nothing is planned for it.
 *
 * Matching the questions ({@linkcode matchQuestions}) and routing what they
 * matched ({@linkcode routeAnswers}) are apart, so the responder can keep a
 * repeated query's matches and route them again per packet.
 *
 * It sends nothing and reads no clock: `now` and `random` come in.
 *
 * @module
 */

import { type MessageReader, type Question, RecordType, Section } from "../codec/mod.ts";
import type { LocalServiceCache } from "../cache/local_cache.ts";
import type { LocalRecord } from "../cache/local_record.ts";
import type { Random } from "../clock.ts";
import { type AddressFamily, MDNS_PORT } from "../transport/transport.ts";
import { RecordMatcher } from "./_record_key.ts";

/** RFC 6762 §6: shared answers wait 20-120 ms. */
export const SHARED_DELAY_MIN_MS = 20;
/** RFC 6762 §6: upper bound of the shared-answer delay. */
export const SHARED_DELAY_MAX_MS = 120;
/** RFC 6762 §7.2: a truncated query's answers wait 400-500 ms. */
export const TRUNCATED_DELAY_MIN_MS = 400;
/** RFC 6762 §7.2: upper bound of the truncated-query delay. */
export const TRUNCATED_DELAY_MAX_MS = 500;
/** RFC 6762 §5.4: answer a QU question by multicast if not multicast within this share of the TTL (per link and family). */
export const QU_MULTICAST_TTL_FRACTION = 0.25;
/** RFC 6762 §7.1: a known answer suppresses ours if its TTL is at least this share of ours. */
export const KNOWN_ANSWER_TTL_FRACTION = 0.5;
/** RFC 6762 §6: at most one multicast of a record per second per link and family. */
export const MULTICAST_INTERVAL_MS = 1000;
/** RFC 6762 §6.5: the class that matches every class. */
const CLASS_ANY = 255;
const CLASS_IN = 1;

/**
 * How a planned reply travels: to the multicast group, to the querier's
 * address and port (§5.4, §5.5), or as a conventional DNS reply (§6.7).
 */
export type ReplyRoute = "multicast" | "unicast" | "legacy";

/**
 * One reply of a plan.
 */
export interface PlannedReply {
  /** How it travels. */
  readonly route: ReplyRoute;
  /** The answers (additional records are added when it is written). */
  readonly records: readonly LocalRecord[];
  /** Milliseconds to wait; 0 is now. */
  readonly delayMs: number;
  /** True when defending a name against a probe (250 ms rate limit, RFC 6762 §6). */
  readonly defend: boolean;
}

/**
 * What to send for one query.
 */
export interface AnswerPlan {
  /** At most one defence and one ordinary reply per route; defences first. */
  readonly replies: readonly PlannedReply[];
  /** The query had the TC bit: more known answers follow (RFC 6762 §7.2). */
  readonly truncated: boolean;
  /** The questions, echoed in a legacy reply (RFC 6762 §6.7). */
  readonly questions: readonly Question[];
}

/**
 * Where a query came from.
 */
export interface QueryOrigin {
  /** Interface it arrived on. */
  readonly interfaceName: string;
  /** Family it arrived over: the one its multicast reply goes out on. */
  readonly family: AddressFamily;
  /** Its source port (not 5353: a legacy querier, RFC 6762 §6.7). */
  readonly sourcePort: number;
  /** Sent to our unicast address (RFC 6762 §5.5). */
  readonly unicast: boolean;
}

/** The records a query's questions match, each with whether a QU question asked for it. */
export type MatchedAnswers = Map<LocalRecord, boolean>;

/**
 * Matched records as two parallel lists, for {@linkcode routeAnswers}: walked
 * by index, a list costs no iterator per query (a Map's entries would).
 */
export interface MatchedList {
  /** The records. */
  readonly records: readonly LocalRecord[];
  /** For each record, whether a QU question asked for it. */
  readonly qu: readonly boolean[];
}

/** The lists of a match (see {@linkcode MatchedList}). */
export function matchedList(answers: ReadonlyMap<LocalRecord, boolean>): MatchedList {
  return { records: [...answers.keys()], qu: [...answers.values()] };
}

/** What a query's questions are matched against. */
export interface MatchOptions {
  /** What we publish. */
  readonly localCache: LocalServiceCache;
  /** Whether a record may be told on a link (a service limited to some interfaces). */
  readonly visible?: (record: LocalRecord, interfaceName: string) => boolean;
}

/**
 * Plans the reply to the query `reader` is positioned at the start of.
 *
 * @throws {DnsParseError} When the packet is malformed (the stack validated it first).
 */
export function planAnswers(
  reader: MessageReader,
  origin: QueryOrigin,
  options: MatchOptions & { now: number; random: Random },
): AnswerPlan {
  const legacy = origin.sourcePort !== MDNS_PORT;
  const questions: Question[] = [];
  // A probe (RFC 6762 §8.1) carries its proposed records in the Authority
  // section; only the questions naming them are probe questions (§8.2).
  const maybeProbe = reader.authorityCount > 0 && !legacy;
  let asked: { nameOffset: number; records: LocalRecord[] }[] | undefined;
  const answers = matchQuestions(reader, origin.interfaceName, options, (name, found) => {
    if (legacy) {
      questions.push({ name, type: reader.type, class: reader.class, unicastResponse: false });
    }
    if (maybeProbe && found.length > 0) {
      (asked ??= []).push({ nameOffset: reader.nameOffset, records: found });
    }
  });
  const truncated = reader.truncated;
  const defended = asked === undefined ? undefined : probedRecords(reader, asked);
  if (answers.size > 0 && reader.answerCount > 0) {
    suppressKnownAnswers(defended === undefined ? reader : reader.reset(reader.packet), answers);
  }
  if (answers.size === 0) return { replies: NO_REPLIES, truncated, questions };
  if (legacy) {
    const records = [...answers.keys()];
    return {
      replies: [{ route: "legacy", records, delayMs: 0, defend: false }],
      truncated,
      questions,
    };
  }
  if (defended === undefined) {
    return {
      replies: routeAnswers(matchedList(answers), origin, { ...options, truncated }),
      truncated,
      questions,
    };
  }
  const replies: PlannedReply[] = [];
  const defenceUnicast: LocalRecord[] = [];
  const defenceMulticast: LocalRecord[] = [];
  for (const r of defended) {
    const qu = answers.get(r);
    if (qu === undefined) continue; // the prober already listed it as a known answer
    answers.delete(r); // what is left is answered as in any query
    // §8.1: defended at once by multicast; a QU probe (or one sent to our
    // address) also gets the unicast reply it asked for (§5.4, last paragraph).
    defenceMulticast.push(r);
    if (qu || origin.unicast) defenceUnicast.push(r);
  }
  if (defenceUnicast.length > 0) {
    replies.push({ route: "unicast", records: defenceUnicast, delayMs: 0, defend: true });
  }
  if (defenceMulticast.length > 0) {
    replies.push({ route: "multicast", records: defenceMulticast, delayMs: 0, defend: true });
  }
  replies.push(...routeAnswers(matchedList(answers), origin, { ...options, truncated }));
  return { replies, truncated, questions };
}

/**
 * The records our local cache holds for the questions of the query `reader`
 * is positioned at the start of (RFC 6762 §6.5: PTR, SRV, TXT, A, AAAA, ANY;
 * §6.1: the NSEC of a name we own for a type we lack), only those announced
 * and visible on `interfaceName`. The result depends on the questions, the
 * link and what we publish alone, so a caller may keep it for the same
 * questions until what we publish changes. `each` sees every question matched
 * (its name, the reader positioned on it, the records found).
 */
export function matchQuestions(
  reader: MessageReader,
  interfaceName: string,
  options: MatchOptions,
  each?: (name: string, found: LocalRecord[]) => void,
): MatchedAnswers {
  const { localCache } = options;
  const visible = options.visible ?? (() => true);
  const answerable = (r: LocalRecord): boolean => isAnswerable(r) && visible(r, interfaceName);
  const on = { interfaceName };
  const answers: MatchedAnswers = new Map(); // record → asked with QU
  while (reader.nextQuestion()) {
    if (reader.class !== CLASS_IN && reader.class !== CLASS_ANY) continue;
    const name = reader.name();
    const type = reader.type;
    const qu = reader.unicastResponse;
    let found = localCache.lookup(name, type, on).filter(answerable);
    if (found.length === 0 && type !== RecordType.ANY) {
      // RFC 6762 §6.1: a name we own exclusively answers a missing type with its NSEC.
      found = localCache.lookup(name, RecordType.NSEC, on).filter(answerable);
    }
    each?.(name, found);
    for (const r of found) answers.set(r, (answers.get(r) ?? false) || qu);
  }
  return answers;
}

/**
 * The ordinary (not defending) replies to a query from `origin` whose
 * questions matched `answers` (see {@linkcode matchQuestions}), known answers
 * already taken out: when (unique answers at once, shared ones after 20-120
 * ms, 400-500 ms when `truncated`) and how (§5.4, §5.5: unicast to a QU
 * question or a direct query, unless not multicast lately). A record whose
 * multicast the §6 limit forbids when the reply would go (multicast on that
 * link and family less than a second before) is left out: "a legitimate
 * querier on the network should have seen the previous transmission", so a
 * flood of the same query plans nothing and queues nothing. mDNSResponder's
 * ProcessQuery draws the same line at the query's arrival: "We only mark this
 * question for sending if it is at least one second since the last time we
 * multicast it on this interface". Never modifies
 * `answers`.
 */
export function routeAnswers(
  answers: MatchedList,
  origin: Pick<QueryOrigin, "interfaceName" | "family" | "unicast">,
  options: { readonly now: number; readonly random: Random; readonly truncated: boolean },
): readonly PlannedReply[] {
  const { now, random, truncated } = options;
  const { records, qu } = answers;
  if (records.length === 0) return NO_REPLIES;
  let allUnique = true;
  for (let i = 0; i < records.length; i++) if (!records[i].unique) allUnique = false;
  let delayMs = 0;
  if (truncated) delayMs = between(random, TRUNCATED_DELAY_MIN_MS, TRUNCATED_DELAY_MAX_MS);
  else if (!allUnique) delayMs = between(random, SHARED_DELAY_MIN_MS, SHARED_DELAY_MAX_MS);
  const { interfaceName: iface, family } = origin;
  const sendsAt = now + delayMs;
  const quarter = QU_MULTICAST_TTL_FRACTION * 1000;
  let multicast: LocalRecord[] | undefined;
  let unicast: LocalRecord[] | undefined;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const last = r.lastMulticastAt(iface, family);
    if ((!qu[i] && !origin.unicast) || now - last > r.record.ttl * quarter) {
      // QM, or §5.4: not multicast here lately, so everyone hears it.
      if (last + MULTICAST_INTERVAL_MS > sendsAt) continue; // §6: sent within the second
      (multicast ??= []).push(r);
    } else (unicast ??= []).push(r);
  }
  if (unicast === undefined && multicast === undefined) return NO_REPLIES;
  const replies: PlannedReply[] = [];
  if (unicast !== undefined) {
    replies.push({ route: "unicast", records: unicast, delayMs, defend: false });
  }
  if (multicast !== undefined) {
    replies.push({ route: "multicast", records: multicast, delayMs, defend: false });
  }
  return replies;
}

/**
 * The records among `asked` that answer a probe question: a question whose
 * name is the owner of a record in the Authority section (RFC 6762 §8.2).
 * Reads the packet again from the start; leaves the reader in the Authority
 * or Additional section.
 */
function probedRecords(
  reader: MessageReader,
  asked: readonly { nameOffset: number; records: LocalRecord[] }[],
): Set<LocalRecord> | undefined {
  const packet = reader.packet;
  reader.reset(packet); // nextRecord() skips the questions
  let out: Set<LocalRecord> | undefined;
  const pending = [...asked];
  while (pending.length > 0 && reader.nextRecord()) {
    if (reader.section === Section.Answer) continue;
    if (reader.section !== Section.Authority) break;
    for (let i = pending.length - 1; i >= 0; i--) {
      if (!reader.nameEquals(packet, pending[i].nameOffset)) continue;
      out ??= new Set();
      for (const r of pending[i].records) out.add(r);
      pending.splice(i, 1);
    }
  }
  return out;
}

/**
 * Removes from `answers` the records the reader's answer section lists with at
 * least half their TTL (RFC 6762 §7.1). Leaves the reader past the answers.
 */
export function suppressKnownAnswers(
  reader: MessageReader,
  answers: Map<LocalRecord, boolean>,
): void {
  const ours = new RecordMatcher(answers.keys());
  while (reader.nextRecord() && reader.section === Section.Answer) {
    const r = ours.match(reader);
    if (r !== undefined && reader.ttl >= r.record.ttl * KNOWN_ANSWER_TTL_FRACTION) {
      answers.delete(r);
    }
  }
}

/**
 * The additional records for a set of answers (RFC 6763 §12, RFC 6762 §6.2):
 * PTR → the instance's SRV and TXT and the target's addresses; SRV → the
 * target's addresses and NSEC; A ↔ AAAA of the same name. Only records valid
 * on `interfaceName`, none already among the answers, none still probing.
 */
export function additionalRecords(
  answers: readonly LocalRecord[],
  localCache: LocalServiceCache,
  interfaceName: string,
  visible: (record: LocalRecord, interfaceName: string) => boolean = () => true,
): LocalRecord[] {
  const seen = new Set<LocalRecord>(answers);
  const out: LocalRecord[] = [];
  const add = (name: string, type: number): void => {
    for (const r of localCache.lookup(name, type, { interfaceName })) {
      if (seen.has(r) || !isAnswerable(r) || !visible(r, interfaceName)) continue;
      seen.add(r);
      out.push(r);
    }
  };
  const hosts = new Set<string>();
  const host = (name: string): void => {
    if (hosts.has(name)) return; // a thousand SRVs share one target
    hosts.add(name);
    add(name, RecordType.A);
    add(name, RecordType.AAAA);
    add(name, RecordType.NSEC);
  };
  for (const r of answers) {
    switch (r.type) {
      case RecordType.PTR: {
        const target = r.record.data as string;
        const srvs = localCache.lookup(target, RecordType.SRV, { interfaceName });
        add(target, RecordType.SRV);
        add(target, RecordType.TXT);
        for (const s of srvs) host((s.record.data as { target: string }).target);
        break;
      }
      case RecordType.SRV:
        host((r.record.data as { target: string }).target);
        break;
      case RecordType.A:
      case RecordType.AAAA:
        host(r.name);
        break;
    }
  }
  return out;
}

const NO_REPLIES: readonly PlannedReply[] = Object.freeze([]);

function isAnswerable(r: LocalRecord): boolean {
  return r.state === "announcing" || r.state === "announced";
}

function between(random: Random, min: number, max: number): number {
  return Math.round(min + random() * (max - min));
}
