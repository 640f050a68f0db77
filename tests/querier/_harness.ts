// A small stack for the querier's tests: a Querier and a PeerServiceCache on a
// MemoryHost, routed the way mdns.ts routes (response: cache insert; query:
// onQuery; each packet, link event and timer run one turn of the stack's
// parts, after which the querier settles), plus a peer host that sends raw
// packets.
import {
  decodeMessage,
  type DnsMessage as Message,
  encodeMessage,
  MessageFlags,
  MessageReader,
  type Question,
  type ResourceRecord,
} from "../../codec/mod.ts";
import { seededRandom, VirtualClock } from "../../testing/mod.ts";
import { Scheduler } from "../../_scheduler.ts";
import { StackParts } from "../../_stack_parts.ts";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import { MemoryNetwork } from "../../transport/memory_network.ts";
import type { MemoryHost } from "../../transport/memory_host.ts";
import type { PacketLogEntry } from "../../transport/memory_network.ts";
import { Querier } from "../../querier/_querier.ts";

export interface Rig extends AsyncDisposable {
  clock: VirtualClock;
  network: MemoryNetwork;
  cache: PeerServiceCache;
  querier: Querier;
  us: MemoryHost;
  peer: MemoryHost;
  /** Sends a response from the peer on eth0 (IPv4 unless told). */
  respond(records: ResourceRecord[], options?: { interfaceName?: string; from?: MemoryHost }): void;
  /** Sends a query from the peer. */
  query(questions: Question[], knownAnswers?: ResourceRecord[], truncated?: boolean): void;
  /** Our queries (decoded), optionally since a time. */
  ourQueries(since?: number): { time: number; message: Message; entry: PacketLogEntry }[];
  /** Lets timers and microtasks run for `ms` of virtual time. */
  advance(ms: number): Promise<void>;
}

export async function rig(
  options?: {
    seed?: number;
    twoLinks?: boolean;
    cacheRandom?: () => number;
    maxBytes?: number;
  },
): Promise<Rig> {
  const clock = new VirtualClock();
  const random = seededRandom(options?.seed ?? 1);
  const network = new MemoryNetwork({ clock, random: seededRandom(99) });
  const usIfs = [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24", ipv6: ["fe80::2/64"] }];
  const peerIfs = [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/24", ipv6: ["fe80::3/64"] }];
  if (options?.twoLinks) {
    usIfs.push({ name: "eth1", link: "lan2", ipv4: "198.19.0.2/24", ipv6: ["fe80::12/64"] });
    peerIfs.push({ name: "eth1", link: "lan2", ipv4: "198.19.0.3/24", ipv6: ["fe80::13/64"] });
  }
  const us = network.host("us", { interfaces: usIfs });
  const peer = network.host("peer", { interfaces: peerIfs });
  const cache = new PeerServiceCache({
    random: options?.cacheRandom ?? random,
    maxBytes: options?.maxBytes,
  });
  const fail = (e: unknown) => {
    throw e;
  };
  const parts = new StackParts(fail);
  parts.add({ nextDeadline: () => cache.nextExpiry(), run: (now) => void cache.expire(now) });
  const querier = parts.add(
    new Querier({
      clock,
      random,
      send: (data, to) => us.send(data, to),
      links: () => us.links,
      wake: () => scheduler.wake(),
      inTurn: () => parts.inTurn(),
      peerCache: cache,
    }),
  );
  const scheduler = new Scheduler(clock, parts.list, {
    onError: fail,
    turn: (work) => parts.turn(work),
  });
  await us.start({
    onDatagram: (d) =>
      parts.turn(() => {
        const reader = new MessageReader(d.data);
        if (reader.isResponse) {
          cache.insertMessage(reader, { interfaceName: d.interfaceName, now: clock.now() });
        } else querier.onQuery(reader, d);
        scheduler.wake();
      }),
    onEvent: (e) => {
      if ("link" in e) parts.turn(() => querier.onLinkEvent(e));
    },
  });
  await peer.start({ onDatagram() {}, onEvent() {} });
  const send = (from: MemoryHost, message: Message, iface: string) => {
    const data = encodeMessage(message);
    void from.send(data, { interfaceName: iface, family: "IPv4" });
  };
  return {
    clock,
    network,
    cache,
    querier,
    us,
    peer,
    respond(records, o) {
      send(o?.from ?? peer, {
        id: 0,
        flags: MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE,
        questions: [],
        answers: records,
        authorities: [],
        additionals: [],
      }, o?.interfaceName ?? "eth0");
    },
    query(questions, knownAnswers = [], truncated = false) {
      send(peer, {
        id: 0,
        flags: truncated ? MessageFlags.TRUNCATED : 0,
        questions,
        answers: knownAnswers,
        authorities: [],
        additionals: [],
      }, "eth0");
    },
    ourQueries(since = -Infinity) {
      return network.packets({ from: "us", since })
        .map((entry) => ({ time: entry.time, message: decodeMessage(entry.data), entry }))
        .filter((p) => (p.message.flags & MessageFlags.RESPONSE) === 0);
    },
    async advance(ms) {
      await clock.advanceAsync(ms);
    },
    async [Symbol.asyncDispose]() {
      await querier.close();
      scheduler.close();
      await network.close();
    },
  };
}

/** Takes the next event of an iterator, failing after `ms` of virtual time. */
export async function nextEvent<E>(
  r: Rig,
  it: AsyncIterator<E>,
  ms = 5000,
  step = 10,
): Promise<E | undefined> {
  let result: IteratorResult<E> | undefined;
  const p = it.next().then((x) => (result = x));
  for (let t = 0; t <= ms && result === undefined; t += step) await r.advance(step);
  await Promise.race([p, Promise.resolve()]);
  if (result === undefined) {
    throw new Error(`No event within ${ms} ms`);
  }
  return result.done ? undefined : result.value;
}
