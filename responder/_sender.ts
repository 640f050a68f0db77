/**
 * Puts the responder's messages on the wire through the part's `send`:
 * multicast on a link over each family it has, unicast to a querier, and
 * goodbyes (RFC 6762 §10.1). Notes each multicast record's time per link and
 * family (the §6 rate limit and the §5.4 quarter-TTL rule read it), and
 * holds the §6 limit for additionals here: answers are held by whoever chose
 * them (the answer planner, the replier), announcements keep the §8.3
 * schedule, but the additionals that ride along are optional and go only
 * when not multicast on that link and family within the second.
 *
 * Sends still in flight are remembered so `close()` can wait for the last
 * goodbyes. They are bounded: with Deno's asynchronous `send()` a kernel
 * that stops taking datagrams would otherwise let every answer to a flood
 * wait in memory. Past {@linkcode SENDS_IN_FLIGHT_MAX} an answer to a query
 * (unicast or legacy) is dropped, as a full socket send buffer drops it;
 * multicast (announcements, goodbyes, rate-limited per record by §6) always
 * goes. The FFI hatch's synchronous `sendto` resolves every send with one
 * shared settled promise, tracked once rather than once per answer.
 *
 * @module
 */

import type { ResourceRecord } from "../codec/mod.ts";
import type { LocalRecord } from "../cache/local_record.ts";
import { goodbyeRecord } from "../dnssd/service_records.ts";
import type { Send } from "../stack_part.ts";
import type { AddressFamily, NetworkLink } from "../transport/transport.ts";
import { MULTICAST_INTERVAL_MS } from "./_answer_planner.ts";
import { linkFamilies } from "./_host_addresses.ts";
import {
  buildLegacyPacket,
  buildPackets,
  buildProbePackets,
  type LegacyPacketOptions,
  type OutgoingMessage,
  type ProbeName,
  RESPONSE_FLAGS,
} from "./_packets.ts";

/**
 * Answers to queries in flight beyond which a new one is dropped (a bound on
 * memory under a flood; see the module note).
 */
export const SENDS_IN_FLIGHT_MAX = 1024;

/**
 * Sends messages and remembers the sends still in flight (so `close()` can
 * wait for the last goodbyes).
 */
export class Sender {
  #send: Send;
  #inFlight = new Set<Promise<boolean>>();
  #dropped = 0;
  #held: Map<string, { link: NetworkLink; records: LocalRecord[] }> | undefined;

  /** Sends through `send`. */
  constructor(send: Send) {
    this.#send = send;
  }

  /** Multicasts `message` on `link`, over each family it has an address of. */
  multicast(link: NetworkLink, message: OutgoingMessage): void {
    const packets = build(message);
    for (const family of linkFamilies(link)) {
      for (const p of packets) this.#track(this.#send(p, { interfaceName: link.name, family }));
    }
  }

  /**
   * Multicasts answers to queries on `link` over `family`, with the
   * `additionals` §6 lets go (see {@linkcode Sender.announce}), and notes
   * the time of each record sent.
   */
  reply(
    link: NetworkLink,
    family: AddressFamily,
    answers: readonly LocalRecord[],
    additionals: readonly LocalRecord[],
    now: number,
  ): void {
    this.#records(link, [family], answers, additionals, now);
  }

  /**
   * Multicasts a probe of `names` on `link` (RFC 6762 §8.1), packed by name.
   * Returns the names that could not be written (not probed).
   */
  probe(link: NetworkLink, names: readonly ProbeName[]): ProbeName[] {
    let built: ReturnType<typeof buildProbePackets>;
    try {
      built = buildProbePackets(0, names);
    } catch {
      return [...names]; // none was probed; the next step tries again
    }
    const { packets, failed } = built;
    for (const family of linkFamilies(link)) {
      for (const p of packets) this.#track(this.#send(p, { interfaceName: link.name, family }));
    }
    return failed;
  }

  /** Sends `message` to one address (and port) through `interfaceName`. */
  unicast(
    message: OutgoingMessage,
    to: { interfaceName: string; family: AddressFamily; address: string; port: number },
  ): void {
    if (this.#full()) return;
    for (const p of build(message)) this.#track(this.#send(p, to));
  }

  /** Sends one packet already built (a legacy reply, RFC 6762 §6.7) to one address. */
  unicastPacket(
    packet: Uint8Array,
    to: { interfaceName: string; family: AddressFamily; address: string; port: number },
  ): void {
    if (this.#full()) return;
    this.#track(this.#send(packet, to));
  }

  /**
   * Builds a legacy reply (one packet of the resolver's size, TC when cut,
   * RFC 6762 §6.7), sends it to `to` and returns it; `null` when nothing
   * could be built.
   */
  legacy(
    message: OutgoingMessage,
    to: { interfaceName: string; family: AddressFamily; address: string; port: number },
    size: LegacyPacketOptions,
  ): Uint8Array | null {
    let packet: Uint8Array | undefined;
    try {
      packet = buildLegacyPacket(message, size);
    } catch {
      return null; // a record that cannot be encoded at all: no reply, as `build` drops it
    }
    if (packet === undefined) return null;
    this.unicastPacket(packet, to);
    return packet;
  }

  /** Answers to queries dropped because {@linkcode SENDS_IN_FLIGHT_MAX} were in flight. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Multicasts records on `link` and notes the time for each, per family sent
   * on. `additionals` fill what room is left, those of them multicast on the
   * link (over any of its families) within the second left out: RFC 6762 §6,
   * "MUST NOT ... multicast a record on a given interface until at least one
   * second has elapsed since the last time that record was multicast", holds
   * for an additional as for an answer. Each additional written is noted.
   * (mDNSResponder notes an additional's LastMCTime but still repeats it
   * within the second; the RFC's line is stricter, and a querier that missed
   * it asks for it and gets it as an answer once the second is over.)
   */
  announce(
    link: NetworkLink,
    records: readonly LocalRecord[],
    now: number,
    additionals: readonly LocalRecord[] = [],
  ): void {
    if (records.length === 0) return;
    this.#records(link, linkFamilies(link), records, additionals, now);
  }

  /**
   * Runs `fn`, holding the goodbyes it sends so each link gets them in one
   * message (a service and the host it took along leave together).
   */
  batchGoodbyes(fn: () => void): void {
    if (this.#held !== undefined) return fn();
    const held = this.#held = new Map();
    try {
      fn();
    } finally {
      this.#held = undefined;
      for (const { link, records } of held.values()) this.goodbye(link, records);
    }
  }

  /** Multicasts TTL-0 copies of `records` on `link` (RFC 6762 §10.1). */
  goodbye(link: NetworkLink, records: readonly LocalRecord[]): void {
    if (records.length === 0) return;
    if (this.#held !== undefined) {
      const held = this.#held.get(link.name);
      if (held === undefined) this.#held.set(link.name, { link, records: [...records] });
      else held.records.push(...records.filter((r) => !held.records.includes(r)));
      return;
    }
    const answers: ResourceRecord[] = records.map((r) => goodbyeRecord(r.record));
    this.multicast(link, { flags: RESPONSE_FLAGS, answers });
  }

  /** Resolves once every send started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.#inFlight]);
  }

  #records(
    link: NetworkLink,
    families: readonly AddressFamily[],
    answers: readonly LocalRecord[],
    additionals: readonly LocalRecord[],
    now: number,
  ): void {
    const name = link.name;
    const extra = additionals.filter((r) =>
      families.every((f) => r.lastMulticastAt(name, f) + MULTICAST_INTERVAL_MS <= now)
    );
    const written: LocalRecord[] = [];
    const message = {
      flags: RESPONSE_FLAGS,
      answers: answers.map((r) => r.record),
      additionals: extra.map((r) => r.record),
    };
    const packets = build(message, (i) => written.push(extra[i]));
    if (packets.length === 0) written.length = 0; // not built after all
    for (const family of families) {
      for (const p of packets) this.#track(this.#send(p, { interfaceName: name, family }));
      for (const r of answers) r.markMulticast(name, now, family);
      for (const r of written) r.markMulticast(name, now, family);
    }
  }

  #full(): boolean {
    if (this.#inFlight.size < SENDS_IN_FLIGHT_MAX) return false;
    this.#dropped++;
    return true;
  }

  #track(p: Promise<boolean>): void {
    // A synchronous transport hands back one shared settled promise: one
    // reaction per turn of the event loop, not one per answer.
    if (this.#inFlight.has(p)) return;
    this.#inFlight.add(p);
    p.finally(() => this.#inFlight.delete(p));
  }
}

/**
 * Builds a message's packets; one that cannot be built at all is dropped
 * alone, so it never stops the other messages of a run (probes, answers).
 */
function build(
  message: OutgoingMessage,
  written?: (additional: number) => void,
): Uint8Array[] {
  try {
    return buildPackets(message, written);
  } catch {
    return [];
  }
}
