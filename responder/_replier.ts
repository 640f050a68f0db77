/**
 * Puts the responder's replies on the wire: a pending group when its time
 * comes, a reply due at once, and a legacy unicast reply. This is where the
 * RFC 6762 §6 rate limit is applied to answers at send time (a record is
 * multicast on a link at most once a second, a defence at most every 250 ms)
 * and where a reply's additional records are chosen (RFC 6763 §12); the
 * sender holds the additionals to the same limit, as it alone knows which
 * ones fit the packet (`_sender.ts`). Deciding what a
 * query is answered with, and when, is the answer planner's job and the
 * responder's (`_answer_planner.ts`, `_responder.ts`); this module only sends.
 *
 * @module
 */

import type { Question, ResourceRecord } from "../codec/mod.ts";
import type { LocalServiceCache } from "../cache/local_cache.ts";
import type { LocalRecord } from "../cache/local_record.ts";
import type { PartContext } from "../stack_part.ts";
import type { AddressFamily, Datagram } from "../transport/transport.ts";
import { MDNS_PORT } from "../transport/transport.ts";
import { additionalRecords, MULTICAST_INTERVAL_MS, type PlannedReply } from "./_answer_planner.ts";
import type { QueryEdns } from "./_edns.ts";
import { RESPONSE_FLAGS } from "./_packets.ts";
import type { PendingGroup, ReplyTarget, ResponseQueue } from "./_response_queue.ts";
import type { Sender } from "./_sender.ts";

/** RFC 6762 §6: a record defending a name against a probe is multicast at most every 250 ms. */
export const DEFEND_INTERVAL_MS = 250;
/** RFC 6762 §6.7: TTL cap in replies to legacy unicast queries. */
export const LEGACY_TTL_MAX = 10;

const EMPTY_ASKERS: Set<string> = new Set();

/** What a {@linkcode Replier} is built from. */
export interface ReplierOptions {
  /** The part's clock, random, links and wake. */
  readonly context: PartContext;
  /** What we publish (the additionals are read from it). */
  readonly localCache: LocalServiceCache;
  /** Puts packets on the wire. */
  readonly sender: Sender;
  /** Where a defence held back by §6 waits. */
  readonly queue: ResponseQueue;
  /** Whether a record may be told on a link (services limited to some links). */
  readonly visible: (record: LocalRecord, interfaceName: string) => boolean;
}

/** Sends the responder's replies (see the module note). */
export class Replier {
  #ctx: PartContext;
  #local: LocalServiceCache;
  #sender: Sender;
  #queue: ResponseQueue;
  #visible: (record: LocalRecord, interfaceName: string) => boolean;

  /** Sends through `options.sender`. */
  constructor(options: ReplierOptions) {
    this.#ctx = options.context;
    this.#local = options.localCache;
    this.#sender = options.sender;
    this.#queue = options.queue;
    this.#visible = options.visible;
  }

  /**
   * Sends a reply due now in a packet of its own (RFC 6762 §6: unique answers
   * within 10 ms, §8.1: a defence at once), never joining a pending group
   * whose send time is later.
   */
  sendNow(reply: PlannedReply, target: ReplyTarget, now: number): void {
    this.sendGroup({
      target,
      records: new Map(reply.records.map((r) => [r, EMPTY_ASKERS])),
      dueAt: now,
      openedAt: now,
      defend: reply.defend,
      truncatedAskers: EMPTY_ASKERS,
    }, now);
  }

  /** Sends a group whose time has come, minus what §6 holds back. */
  sendGroup(group: PendingGroup, now: number): void {
    const { interfaceName: iface, family } = group.target;
    const multicast = group.target.address === undefined;
    const limit = group.defend ? DEFEND_INTERVAL_MS : MULTICAST_INTERVAL_MS;
    const records: LocalRecord[] = [];
    const held: LocalRecord[] = [];
    let heldUntil = Infinity;
    for (const r of group.records.keys()) {
      if (r.state !== "announced" && r.state !== "announcing") continue;
      const allowedAt = multicast ? r.lastMulticastAt(iface, family) + limit : now;
      if (allowedAt <= now) records.push(r);
      else if (group.defend) {
        held.push(r);
        heldUntil = Math.min(heldUntil, allowedAt);
      }
    }
    if (held.length > 0) {
      // §6: a defence within 250 ms of the record's last multicast is delayed
      // until allowed, not dropped (an ordinary answer is: the last multicast
      // answered it). Records allowed later than `heldUntil` wait again then.
      const reply = { route: "multicast" as const, records: held, delayMs: heldUntil - now };
      this.#queue.add({ ...reply, defend: true }, group.target, {
        asker: "",
        now,
        truncated: false,
        random: this.#ctx.random,
      });
      this.#ctx.wake();
    }
    if (records.length === 0) return;
    const extra = additionalRecords(records, this.#local, iface, this.#visible);
    if (multicast) {
      const link = this.#ctx.links().find((l) => l.name === iface);
      // The §6 limit for the additionals is the sender's (see `Sender.announce`).
      if (link !== undefined) this.#sender.reply(link, family, records, extra, now);
    } else {
      const message = {
        flags: RESPONSE_FLAGS,
        answers: records.map((r) => r.record),
        additionals: extra.map((r) => r.record),
      };
      this.#sender.unicast(message, {
        interfaceName: iface,
        family,
        address: group.target.address!,
        port: group.target.port ?? MDNS_PORT,
      });
    }
  }

  /**
   * RFC 6762 §6.7: ID and questions echoed, TTL ≤ 10, no cache-flush, names
   * uncompressed; one packet of the resolver's `size` (512 bytes without
   * EDNS0), with TC set when the answers do not all fit (as mDNSResponder: a
   * resolver keeps one). When the query's OPT draws an error (RFC 6891,
   * see `_edns.ts`) the reply says it instead of the answers. Returns the
   * packet sent.
   */
  sendLegacy(
    reply: PlannedReply,
    datagram: Datagram,
    id: number,
    questions: readonly Question[],
    edns: QueryEdns,
  ): Uint8Array | null {
    if (edns.rcode !== 0) {
      // The low 4 bits in the header, the rest in the OPT record (§6.1.3).
      const flags = RESPONSE_FLAGS | (edns.rcode & 0xf);
      const message = { id, flags, questions, compressRdataNames: false };
      return this.#sender.legacy(message, legacyDestination(datagram), edns.size);
    }
    const extra = additionalRecords(
      reply.records,
      this.#local,
      datagram.interfaceName,
      this.#visible,
    );
    return this.#sender.legacy(
      {
        id,
        flags: RESPONSE_FLAGS,
        questions,
        answers: reply.records.map(legacyRecord),
        additionals: extra.map(legacyRecord),
        compressRdataNames: false,
      },
      legacyDestination(datagram),
      edns.size,
    );
  }
}

/** A record as a legacy reply carries it (RFC 6762 §6.7): TTL ≤ 10, no cache-flush bit. */
function legacyRecord(r: LocalRecord): ResourceRecord {
  return { ...r.record, cacheFlush: false, ttl: Math.min(r.record.ttl, LEGACY_TTL_MAX) };
}

/** Where a legacy reply goes: back to the querier's address and port, on its link. */
export function legacyDestination(datagram: Datagram): {
  interfaceName: string;
  family: AddressFamily;
  address: string;
  port: number;
} {
  return {
    interfaceName: datagram.interfaceName,
    family: datagram.family,
    address: datagram.source.address,
    port: datagram.source.port,
  };
}
