// A busy LAN for the byte-budget tests and bench (issue 14, item 2): several
// publishing stacks (each its own host name and addresses, so services share
// their host's A and AAAA), and one browsing stack whose peer cache has a
// given byte budget. Everything runs on the in-memory network and a virtual
// clock, so the counts (complete services, query packets) are exact.
import {
  decodeMessage,
  MessageFlags,
  MessageReader,
  nameKey,
  RecordType,
} from "../../codec/mod.ts";
import { announcementPackets } from "../../bench/_workload.ts";
import { Mdns } from "../../mdns.ts";
import { MemoryNetwork, seededRandom, VirtualClock } from "../../testing/mod.ts";
import type { MemoryHost } from "../../transport/memory_host.ts";
import type { Transport } from "../../transport/transport.ts";

const TYPE_NAMES = new Map<number, string>(
  Object.entries(RecordType).map(([name, value]) => [value, name]),
);

/** What one browse under a budget saw. */
export interface PressureResult {
  /** Complete services the browse holds at the end. */
  complete: number;
  /** Query packets the browsing stack sent during the measured window. */
  queries: number;
  /** Questions in them by type: PTR (the browse), SRV, TXT, A, AAAA (follow-ups, refreshes). */
  questions: Record<string, number>;
  /** The most times one name was asked for one type besides PTR in the window (a re-ask loop shows here). */
  maxAsks: number;
  /** Records the browsing stack's cache evicted during the whole run (its `removed` events). */
  evictions: number;
  /** The same as the stack counts it (`stats.evicted`). */
  statsEvicted: number;
  /** The cache's bytes at the end. */
  bytes: number;
}

/** The shape of the LAN. */
export interface PressureOptions {
  /** Publishing hosts. */
  hosts: number;
  /** Services each host publishes. */
  servicesPerHost: number;
  /** The browsing stack's peer-cache budget (bytes). */
  maxBytes: number;
  /** How long the browse runs before it is counted (ms of virtual time). */
  windowMs: number;
  /** Seed of every random draw. */
  seed?: number;
}

/** Our query packets and the questions in them, counted while `counting` is on. */
class QueryCounter {
  counting = true;
  queries = 0;
  readonly questions: Record<string, number> = {};
  readonly #asks = new Map<string, number>();

  /** `host` as a transport whose sends are counted. */
  wrap(host: MemoryHost): Transport {
    return {
      get links() {
        return host.links;
      },
      start: (handler) => host.start(handler),
      close: () => host.close(),
      [Symbol.asyncDispose]: () => host.close(),
      send: (data, to) => {
        if (this.counting) this.#count(data);
        return host.send(data, to);
      },
    };
  }

  /** The most times one name was asked for one type besides PTR (follow-ups, refreshes). */
  get maxAsks(): number {
    return Math.max(0, ...this.#asks.values());
  }

  #count(data: Uint8Array): void {
    if ((new MessageReader(data).flags & MessageFlags.RESPONSE) !== 0) return;
    this.queries++;
    for (const q of decodeMessage(data).questions) {
      const type = TYPE_NAMES.get(q.type) ?? String(q.type);
      this.questions[type] = (this.questions[type] ?? 0) + 1;
      if (q.type === RecordType.PTR) continue; // the browse's own question
      const key = `${nameKey(q.name)} ${type}`;
      this.#asks.set(key, (this.#asks.get(key) ?? 0) + 1);
    }
  }
}

/** Publishes the services, then browses them for `windowMs` under the budget. */
export async function browseUnderPressure(options: PressureOptions): Promise<PressureResult> {
  const seed = options.seed ?? 1;
  const clock = new VirtualClock(1_700_000_000_000);
  const network = new MemoryNetwork({ clock, random: seededRandom(seed), logLimit: 0 });
  const publishers: Mdns[] = [];
  for (let h = 0; h < options.hosts; h++) {
    const ip = `198.18.${1 + (h >> 8)}.${h & 0xff}`;
    const host = network.host(`pub${h}`, {
      interfaces: [{ name: "eth0", link: "lan", ipv4: `${ip}/15`, ipv6: [`fe80::1:${h}/64`] }],
    });
    publishers.push(
      await Mdns.start({
        transport: host,
        clock,
        random: seededRandom(seed * 1000 + h),
        hostName: `host-${h}.local`,
      }),
    );
  }
  const published: Promise<unknown>[] = [];
  for (let h = 0; h < options.hosts; h++) {
    for (let s = 0; s < options.servicesPerHost; s++) {
      published.push(publishers[h].publish({
        name: `Service ${h}-${s}`,
        type: "_http._tcp",
        port: 8000 + s,
        txt: { txtvers: "1", path: `/svc/${h}/${s}`, id: `${h}-${s}` },
      }));
    }
  }
  // Probing and announcing take a few seconds; let them finish before the browser starts.
  await clock.advanceAsync(15_000);
  await Promise.all(published);

  const us = network.host("us", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.19.0.2/15", ipv6: ["fe80::2/64"] }],
  });
  const counter = new QueryCounter();
  counter.counting = false;
  const transport = counter.wrap(us);
  const mdns = await Mdns.start({
    transport,
    clock,
    random: seededRandom(seed + 3),
    maxPeerCacheBytes: options.maxBytes,
  });
  const cache = mdns.peerCache;
  let evictions = 0;
  cache.subscribe((e) => {
    if (e.type === "removed" && e.reason === "evicted") evictions++;
  });
  const browser = mdns.browse("_http._tcp");
  counter.counting = true;
  await clock.advanceAsync(options.windowMs);
  counter.counting = false;
  const result: PressureResult = {
    complete: browser.services().filter((s) => s.addresses.length > 0).length,
    queries: counter.queries,
    questions: counter.questions,
    maxAsks: counter.maxAsks,
    evictions,
    statsEvicted: mdns.stats.evicted,
    bytes: cache.bytes,
  };
  await browser[Symbol.asyncDispose]();
  await mdns.close();
  await Promise.all(publishers.map((p) => p.close()));
  await network.close();
  return result;
}

/**
 * `services` services, each on its own host (`bench/_workload.ts`), announce
 * themselves within the first 10 s of a browse, and a peer answers every
 * question we ask about them by sending their announcement again (PTR
 * questions: every service not in our Known-Answer list). The browsing stack
 * has the default peer-cache budget unless `maxBytes` is given.
 */
export async function browseManyServices(
  options: { services: number; windowMs: number; maxBytes?: number },
): Promise<PressureResult & { listed: number }> {
  const clock = new VirtualClock(1_700_000_000_000);
  const network = new MemoryNetwork({ clock, random: seededRandom(1), logLimit: 0 });
  const packets = announcementPackets(options.services);
  const index = new Map<string, number>();
  for (let i = 0; i < options.services; i++) {
    index.set(nameKey(`Service ${i}._http._tcp.local`), i);
    index.set(nameKey(`host-${i}.local`), i);
  }
  const peer = network.host("peer", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/15", ipv6: ["fe80::3/64"] }],
  });
  await peer.start({
    onDatagram(d) {
      const query = decodeMessage(d.data);
      if ((query.flags & MessageFlags.RESPONSE) !== 0) return;
      const answer = new Set<number>();
      for (const q of query.questions) {
        if (nameKey(q.name) === "_http._tcp.local" && q.type === RecordType.PTR) {
          const known = new Set(
            query.answers.filter((r) => r.type === RecordType.PTR).map((r) =>
              nameKey(r.data as string)
            ),
          );
          for (let i = 0; i < options.services; i++) {
            if (!known.has(nameKey(`Service ${i}._http._tcp.local`))) answer.add(i);
          }
        } else {
          const i = index.get(nameKey(q.name));
          if (i !== undefined) answer.add(i);
        }
      }
      for (const i of answer) void peer.send(packets[i], { interfaceName: "eth0", family: "IPv4" });
    },
    onEvent() {},
  });
  const us = network.host("us", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.19.0.2/15", ipv6: ["fe80::2/64"] }],
  });
  const counter = new QueryCounter();
  const transport = counter.wrap(us);
  const mdns = await Mdns.start({
    transport,
    clock,
    random: seededRandom(4),
    maxPeerCacheBytes: options.maxBytes,
  });
  const cache = mdns.peerCache;
  let evictions = 0;
  cache.subscribe((e) => {
    if (e.type === "removed" && e.reason === "evicted") evictions++;
  });
  const browser = mdns.browse("_http._tcp");
  for (let i = 0; i < options.services; i++) {
    if (i % 100 === 0) await clock.advanceAsync(100);
    void peer.send(packets[i], { interfaceName: "eth0", family: "IPv4" });
  }
  await clock.advanceAsync(options.windowMs - options.services);
  const services = browser.services();
  const result = {
    listed: services.length,
    complete: services.filter((s) => s.addresses.length > 0).length,
    queries: counter.queries,
    questions: counter.questions,
    maxAsks: counter.maxAsks,
    evictions,
    statsEvicted: mdns.stats.evicted,
    bytes: cache.bytes,
  };
  await browser[Symbol.asyncDispose]();
  await mdns.close();
  await network.close();
  return result;
}
