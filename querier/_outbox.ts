/**
 * One run's outgoing questions, gathered per link, then sent as query
 * packets with their Known-Answer lists (RFC 6762 §7.1, §7.2) on every
 * address family the link has. It also remembers when each question last
 * went out on each link, for the refresh floor (`REFRESH_FLOOR_MS`). Internal.
 *
 * @module
 */

import { MessageWriter, type Question } from "../codec/mod.ts";
import type { PeerServiceCache } from "../cache/peer_cache.ts";
import { nameKey } from "../codec/mod.ts";
import type { Send } from "../_stack_part.ts";
import type { NetworkLink } from "../transport/transport.ts";
import { OBSERVATION_LIMIT, REFRESH_FLOOR_MS } from "./_constants.ts";
import { type KnownAnswer, queryPackets } from "./_query_packets.ts";

/** The records we publish answering `name`/`type` on link `iface`. */
export type OwnAnswers = (name: string, type: number, iface: string) => KnownAnswer[];

/**
 * Gathers questions and sends them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Outbox } from "./_outbox.ts";
 * import { PeerServiceCache } from "../cache/peer_cache.ts";
 * const sent: string[] = [];
 * const outbox = new Outbox(new PeerServiceCache(), (data, to) => {
 *   sent.push(`${to.interfaceName} ${to.family} ${data.length}`);
 *   return Promise.resolve(true);
 * });
 * outbox.add("eth0", "_http._tcp.local", 12, true, 0);
 * outbox.send([{ name: "eth0", index: 1, ipv4: ["198.18.0.2/24"], ipv6: [] }], 0);
 * assert.deepEqual(sent, ["eth0 IPv4 34"]);
 * assert.equal(outbox.refreshAllowed("eth0", "_http._tcp.local", 12, 1000), false); // the floor
 * ```
 */
export class Outbox {
  #cache: PeerServiceCache;
  #send: Send;
  #writer = new MessageWriter();
  #perLink = new Map<string, Map<string, Question>>();
  #noKnownAnswers = new Set<string>();
  #lastAsked = new Map<string, number>();
  #ownAnswers: OwnAnswers;

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
   * Adds a question for `iface` (QU when `unicast`); with `knownAnswers`
   * false, none are listed for it (a reconfirmation wants every answer).
   */
  add(
    iface: string,
    name: string,
    type: number,
    unicast: boolean,
    now: number,
    knownAnswers = true,
  ): void {
    let qs = this.#perLink.get(iface);
    if (qs === undefined) this.#perLink.set(iface, qs = new Map());
    const key = `${nameKey(name)}\u0000${type}`;
    const known = qs.get(key);
    if (known === undefined || (unicast && !known.unicastResponse)) {
      qs.set(key, { name, type, class: 1, unicastResponse: unicast });
    }
    this.#lastAsked.set(`${iface}\u0000${key}`, now);
    if (!knownAnswers) this.#noKnownAnswers.add(`${iface}\u0000${key}`);
  }

  /** False when this question went out on `iface` less than the refresh floor ago. */
  refreshAllowed(iface: string, name: string, type: number, now: number): boolean {
    const last = this.#lastAsked.get(`${iface}\u0000${nameKey(name)}\u0000${type}`);
    return last === undefined || now - last >= REFRESH_FLOOR_MS;
  }

  /** Sends what was gathered on each of `links`, then starts afresh. */
  send(links: readonly NetworkLink[], now: number): void {
    for (const link of links) {
      const qs = this.#perLink.get(link.name);
      if (qs === undefined) continue;
      const answers = new Set<KnownAnswer>();
      for (const [key, q] of qs) {
        if (this.#noKnownAnswers.has(`${link.name}\u0000${key}`)) continue;
        const known = this.#cache.knownAnswers(q.name, q.type, { interfaceName: link.name, now });
        for (const r of known) answers.add(r);
        // Ours too: the owner never hears its own query, so a peer holding our
        // record would see it asked for and never answered, and flush it
        // (§10.5 passive observation of failures).
        for (const r of this.#ownAnswers(q.name, q.type, link.name)) answers.add(r);
      }
      const packets = queryPackets(this.#writer, [...qs.values()], [...answers], now);
      for (const family of ["IPv4", "IPv6"] as const) {
        if ((family === "IPv4" ? link.ipv4 : link.ipv6).length === 0) continue;
        for (const p of packets) void this.#send(p, { interfaceName: link.name, family });
      }
    }
    this.#perLink.clear();
    this.#noKnownAnswers.clear();
    if (this.#lastAsked.size > OBSERVATION_LIMIT) {
      for (const [key, at] of this.#lastAsked) {
        if (now - at >= REFRESH_FLOOR_MS) this.#lastAsked.delete(key);
      }
    }
  }
}
