/**
 * Delayed replies waiting to go out, one group per destination (multicast on
 * a link and family, or one querier's address): later delayed answers for the
 * same destination join the group (aggregation, RFC 6762 §6.4, holding the
 * first at most 500 ms; a reply of records already pending aggregates
 * nothing and moves no time), known answers in a truncated query's follow-up
 * packets remove what that querier already has (§7.2), and another
 * responder's identical answer on the same link and family makes ours
 * redundant (duplicate answer suppression, §7.4).
 *
 * Immediate replies never come here (the responder sends them at once, in
 * their own packet: §6 "within 10 ms"), except a probe defence that the
 * 250 ms limit of §6 holds back: it waits in a group of its own, keyed apart
 * from the ordinary one, that nothing delays (no aggregation, no truncated
 * query's hold) and that goes out as soon as the limit allows.
 *
 * Bounds: at most {@linkcode MAX_PENDING_GROUPS} groups (a new destination
 * past that is answered without delay aggregation: dropped); a truncated query
 * holds its group at most {@linkcode TRUNCATED_HOLD_MAX_MS}.
 *
 * @module
 */

import { type MessageReader, Section } from "../codec/mod.ts";
import type { LocalRecord } from "../cache/local_record.ts";
import type { Random } from "../clock.ts";
import type { AddressFamily } from "../transport/transport.ts";
import { RecordMatcher } from "./_record_key.ts";
import {
  KNOWN_ANSWER_TTL_FRACTION,
  type PlannedReply,
  TRUNCATED_DELAY_MAX_MS,
  TRUNCATED_DELAY_MIN_MS,
} from "./_answer_planner.ts";

/** RFC 6762 §6.4: an aggregated answer waits at most 500 ms beyond its own delay. */
export const AGGREGATION_MAX_MS = 500;
/** Most destinations with replies pending (one per link and family, plus unicast queriers). */
export const MAX_PENDING_GROUPS = 256;
/** A truncated query's follow-ups extend its wait (RFC 6762 §7.2) to at most this long. */
export const TRUNCATED_HOLD_MAX_MS = 2000;

/**
 * Where a pending group goes.
 */
export interface ReplyTarget {
  /** Link. */
  readonly interfaceName: string;
  /** Family. */
  readonly family: AddressFamily;
  /** Unicast address; absent for multicast. */
  readonly address?: string;
  /** Unicast port. */
  readonly port?: number;
}

/**
 * Replies due for one destination.
 */
export interface PendingGroup {
  /** Destination. */
  readonly target: ReplyTarget;
  /** Each record and the queriers (source addresses) it answers. */
  readonly records: Map<LocalRecord, Set<string>>;
  /** When it goes out. */
  dueAt: number;
  /** When its first reply was queued. */
  readonly openedAt: number;
  /** Defends a probe (250 ms rate limit; never aggregated with ordinary replies). */
  readonly defend: boolean;
  /** Queriers whose truncated queries it waits on. */
  readonly truncatedAskers: Set<string>;
}

/**
 * The queue of delayed replies.
 */
export class ResponseQueue {
  #groups = new Map<string, PendingGroup>();

  /** Number of pending groups. */
  get size(): number {
    return this.#groups.size;
  }

  /**
   * Queues a planned reply for `target`; joins the group already pending
   * there. Returns true when a send time moved earlier (a new group, or a
   * defence), the only case in which the scheduler must be re-armed: joining
   * a pending group never brings it forward, and a timer that fires before a
   * deadline pushed later just finds nothing due.
   */
  add(
    reply: PlannedReply,
    target: ReplyTarget,
    options: { asker: string; now: number; truncated: boolean; random: Random },
  ): boolean {
    const key = targetKey(target, reply.defend);
    const dueAt = options.now + reply.delayMs;
    let group = this.#groups.get(key);
    let earlier = false;
    if (group === undefined) {
      if (this.#groups.size >= MAX_PENDING_GROUPS) return false;
      earlier = true;
      group = {
        target,
        records: new Map(),
        dueAt,
        openedAt: options.now,
        defend: reply.defend,
        truncatedAskers: new Set(),
      };
      this.#groups.set(key, group);
    } else if (reply.defend) {
      earlier = dueAt < group.dueAt;
      group.dueAt = Math.min(group.dueAt, dueAt); // a defence waits for nothing but its limit
    } else if (bringsNew(group, reply.records)) {
      // §6.4: an earlier reply waits (at most 500 ms) to go with a later one.
      // A reply of records already pending aggregates nothing: it leaves the
      // time alone, so a query repeated at a high rate does not push the
      // answer back to the 500 ms bound.
      const latest = group.openedAt + AGGREGATION_MAX_MS;
      group.dueAt = Math.min(Math.max(group.dueAt, dueAt), Math.max(latest, group.dueAt));
    }
    if (options.truncated && !reply.defend) group.truncatedAskers.add(options.asker);
    for (const r of reply.records) {
      let askers = group.records.get(r);
      if (askers === undefined) group.records.set(r, askers = new Set());
      askers.add(options.asker);
    }
    return earlier;
  }

  /**
   * A packet of known answers from `asker` (a truncated query's follow-up,
   * RFC 6762 §7.2): drops what it lists from replies only that asker wanted;
   * when it is itself truncated (`options.truncated`, more are coming), pushes
   * the groups waiting on it 400-500 ms past now. The last packet, without
   * TC, adds no wait: the querier has said everything it knows.
   */
  followUp(
    reader: MessageReader,
    asker: string,
    options: { now: number; random: Random; truncated: boolean },
  ): void {
    const waiting = [...this.#groups.values()].filter((g) => g.truncatedAskers.has(asker));
    if (waiting.length === 0) return;
    // Only our waiting records can be suppressed: match against them in place.
    const ours = new RecordMatcher(new Set(waiting.flatMap((g) => [...g.records.keys()])));
    const known = new Map<LocalRecord, number>();
    while (reader.nextRecord() && reader.section === Section.Answer) {
      const r = ours.match(reader);
      if (r !== undefined) known.set(r, Math.max(known.get(r) ?? 0, reader.ttl));
    }
    const span = TRUNCATED_DELAY_MAX_MS - TRUNCATED_DELAY_MIN_MS;
    const dueAt = options.now + TRUNCATED_DELAY_MIN_MS + Math.round(options.random() * span);
    for (const g of waiting) {
      for (const [r, askers] of g.records) {
        const ttl = known.get(r);
        if (ttl === undefined || ttl < r.record.ttl * KNOWN_ANSWER_TTL_FRACTION) continue;
        askers.delete(asker);
        if (askers.size === 0) g.records.delete(r);
      }
      if (options.truncated) g.dueAt = Math.min(dueAt, g.openedAt + TRUNCATED_HOLD_MAX_MS);
    }
  }

  /**
   * Another responder's response seen on `interfaceName` over `family`
   * (RFC 6762 §7.4): a pending multicast answer for that link and family it
   * carries with a TTL at least ours is dropped. The hosts that hear only
   * the other family did not hear it, so an answer pending there stays.
   */
  suppressDuplicates(reader: MessageReader, interfaceName: string, family: AddressFamily): void {
    const groups = [...this.#groups.values()].filter((g) =>
      g.target.address === undefined && g.target.interfaceName === interfaceName &&
      g.target.family === family
    );
    if (groups.length === 0) return;
    const ours = new RecordMatcher(new Set(groups.flatMap((g) => [...g.records.keys()])));
    const seen = new Map<LocalRecord, number>();
    while (reader.nextRecord()) {
      if (reader.section !== Section.Answer) break;
      const r = ours.match(reader);
      if (r !== undefined) seen.set(r, reader.ttl);
    }
    for (const g of groups) {
      for (const r of g.records.keys()) {
        const ttl = seen.get(r);
        if (ttl !== undefined && ttl >= r.record.ttl) g.records.delete(r);
      }
    }
  }

  /** Forgets `records` everywhere (they were withdrawn). */
  forget(records: Iterable<LocalRecord>): void {
    for (const r of records) for (const g of this.#groups.values()) g.records.delete(r);
  }

  /** Earliest due time, `Infinity` when empty. */
  nextDeadline(): number {
    let at = Infinity;
    for (const g of this.#groups.values()) if (g.dueAt < at) at = g.dueAt;
    return at;
  }

  /** Removes and returns the groups due at `now`. */
  take(now: number): PendingGroup[] {
    const due: PendingGroup[] = [];
    for (const [key, g] of this.#groups) {
      if (g.dueAt > now) continue;
      this.#groups.delete(key);
      if (g.records.size > 0) due.push(g);
    }
    return due;
  }

  /** Drops everything. */
  clear(): void {
    this.#groups.clear();
  }
}

function targetKey(t: ReplyTarget, defend: boolean): string {
  const to = `${t.interfaceName}\u0000${t.family}\u0000${t.address ?? ""}\u0000${t.port ?? ""}`;
  return defend ? `${to}\u0000defend` : to;
}

function bringsNew(group: PendingGroup, records: readonly LocalRecord[]): boolean {
  for (const r of records) if (!group.records.has(r)) return true;
  return false;
}
