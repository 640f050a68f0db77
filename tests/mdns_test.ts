import assert from "node:assert/strict";
import { encodeMessage, MessageFlags, RecordType } from "../codec/mod.ts";
import { addPart, Mdns, type MdnsEvent } from "../mdns.ts";
import type { LinkEvent, PartContext, StackPart } from "../stack_part.ts";
import { MemoryNetwork, VirtualClock } from "../testing/mod.ts";

const query = encodeMessage({
  id: 0,
  flags: 0,
  questions: [{ name: "_http._tcp.local", type: RecordType.PTR, class: 1, unicastResponse: false }],
  answers: [],
  authorities: [],
  additionals: [],
});
const response = encodeMessage({
  id: 0,
  flags: MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE,
  questions: [],
  answers: [{
    name: "h.local",
    type: RecordType.A,
    class: 1,
    cacheFlush: true,
    ttl: 120,
    data: "198.18.0.3",
  }],
  authorities: [],
  additionals: [],
});
const withFlags = (packet: Uint8Array, flags: number) => {
  const copy = packet.slice();
  copy[2] = flags >> 8;
  copy[3] = flags & 0xff;
  return copy;
};

async function setup() {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock });
  const host = network.host("a", {
    interfaces: [{
      name: "eth0",
      link: "lan",
      ipv4: "198.18.0.2/24",
      ipv6: ["fe80::2/64", "fd00:53::2/64"],
    }],
  });
  const events: MdnsEvent[] = [];
  const mdns = await Mdns.start({ transport: host, clock, onEvent: (e) => events.push(e) });
  const queries: string[] = [];
  const responses: string[] = [];
  const part = addPart(mdns, (context) => ({
    context,
    onQuery(r, d) {
      r.nextQuestion();
      queries.push(`${r.name()} from ${d.source.address}`);
    },
    afterCache(r, d) {
      r.nextRecord();
      responses.push(`${r.name()} from ${d.source.address}`);
    },
  } as StackPart & { context: PartContext }));
  return { clock, network, host, mdns, events, queries, responses, context: part.context };
}

Deno.test("Mdns routes queries to the responder and responses to the cache side", async () => {
  const { network, mdns, queries, responses, clock } = await setup();
  network.inject("a", { data: query, source: { address: "198.18.0.9", port: 5353 } });
  network.inject("a", { data: query, source: { address: "198.18.0.9", port: 40000 } }); // legacy querier
  network.inject("a", { data: response, source: { address: "fe80::9", port: 5353 } });
  network.inject("a", { data: response, source: { address: "fd00:53::9", port: 5353 } });
  clock.advance(10);
  assert.deepEqual(queries, [
    "_http._tcp.local from 198.18.0.9",
    "_http._tcp.local from 198.18.0.9",
  ]);
  assert.deepEqual(responses, ["h.local from fe80::9", "h.local from fd00:53::9"]);
  assert.equal(mdns.stats.queries, 2);
  assert.equal(mdns.stats.responses, 2);
  await mdns.close();
});

Deno.test("Mdns drops what RFC 6762 says to ignore, counts it, and never throws", async () => {
  const { network, mdns, queries, responses, events } = await setup();
  const inject = (data: Uint8Array, address = "198.18.0.9", port = 5353) =>
    network.inject("a", { data, source: { address, port } });
  inject(withFlags(query, 2 << 11)); // opcode 2 (STATUS), §18.3
  inject(withFlags(response, MessageFlags.RESPONSE | 3)); // rcode NXDOMAIN, §18.11
  inject(response, "198.18.0.9", 1234); // response not from 5353, §6
  inject(response, "203.0.113.7"); // off-link IPv4 source, §11
  inject(response, "fd99::7"); // off-link IPv6 source, §11
  inject(new Uint8Array([1, 2, 3])); // shorter than a header
  inject(query.subarray(0, query.length - 2)); // truncated question
  const bad = response.slice();
  bad[bad.length - 5] = 0x40; // rdlength past the end
  inject(bad);
  assert.deepEqual(queries, []);
  assert.deepEqual(responses, []);
  const s = mdns.stats;
  assert.deepEqual(
    [s.opcode, s.rcode, s.sourcePort, s.offLink, s.malformed, s.received],
    [1, 1, 1, 2, 3, 8],
  );
  const reasons = events.filter((e) => e.type === "dropped").map((e) =>
    e.type === "dropped" && e.reason
  );
  assert.deepEqual(reasons, [
    "opcode",
    "rcode",
    "source-port",
    "off-link",
    "off-link",
    "malformed",
    "malformed",
    "malformed",
  ]);
  await mdns.close();
});

Deno.test("Mdns isolates a throwing handler and reports it as an event", async () => {
  const { network, mdns, events, queries } = await setup();
  addPart(mdns, () => ({
    onQuery: () => {
      throw new Error("boom");
    },
  }));
  network.inject("a", { data: query, source: { address: "198.18.0.9" } });
  network.inject("a", { data: query, source: { address: "198.18.0.9" } });
  assert.equal(queries.length, 2);
  const errors = events.filter((e) => e.type === "error");
  assert.equal(errors.length, 2);
  await mdns.close();
});

Deno.test("Mdns sends through the transport and another host hears it", async () => {
  const { network, mdns, clock, context } = await setup();
  const b = network.host("b", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/24" }],
  });
  const heard: string[] = [];
  const other = await Mdns.start({ transport: b, clock });
  addPart(other, () => ({
    onQuery(r, d) {
      r.nextQuestion();
      heard.push(`${r.name()} on ${d.interfaceName} from ${d.source.address}`);
    },
  }));
  const to = { interfaceName: "eth0", family: "IPv4" } as const;
  assert.equal(await context.send(query, to), true);
  clock.advance(5);
  assert.deepEqual(heard, ["_http._tcp.local on eth0 from 198.18.0.2"]);
  await other.close();
  await mdns.close();
  assert.equal(await context.send(query, to), false);
});

Deno.test("Mdns.start() rejects options that are not an object", async () => {
  // deno-lint-ignore no-explicit-any
  await assert.rejects(() => Mdns.start(42 as any), TypeError);
});

Deno.test("Mdns puts every response in the peer cache and expires it on the clock", async () => {
  const { network, mdns, clock } = await setup();
  const removed: string[] = [];
  mdns.peerCache.subscribe((e) => {
    if (e.type === "removed") removed.push(`${e.record.name} ${e.reason} at ${clock.now()}`);
  });
  network.inject("a", { data: response, source: { address: "198.18.0.9" } }); // unsolicited
  assert.equal(mdns.peerCache.lookup("H.LOCAL", RecordType.A).length, 1);
  clock.advance(119_999);
  assert.equal(mdns.peerCache.size, 1);
  clock.advance(10_000);
  assert.deepEqual(removed, ["h.local expired at 120000"]);
  assert.equal(mdns.peerCache.size, 0);
  await mdns.close();
  assert.equal(clock.pending, 0, "closing cancels the scheduler's timer");
});

Deno.test("Mdns applies a goodbye one second later (RFC 6762 §10.1)", async () => {
  const { network, mdns, clock } = await setup();
  network.inject("a", { data: response, source: { address: "198.18.0.9" } });
  const goodbye = response.slice();
  // TTL is the 4 bytes before rdlength (2) and rdata (4) at the end.
  goodbye.fill(0, goodbye.length - 10, goodbye.length - 6);
  clock.advance(5_000);
  network.inject("a", { data: goodbye, source: { address: "198.18.0.9" } });
  clock.advance(999);
  assert.equal(mdns.peerCache.size, 1);
  clock.advance(2);
  assert.equal(mdns.peerCache.size, 0);
  await mdns.close();
});

Deno.test("Mdns names a link-local source with its interface in drop events", async () => {
  const { network, mdns, events } = await setup();
  network.inject("a", {
    data: withFlags(response, MessageFlags.RESPONSE | 2),
    source: { address: "fe80::9", port: 5353 },
  });
  const dropped = events.find((e) => e.type === "dropped");
  assert.ok(dropped?.type === "dropped");
  assert.equal(dropped.source, "fe80::9%eth0");
  assert.equal(dropped.reason, "rcode");
  await mdns.close();
});

Deno.test("Mdns applies a packet whole or not at all (defect: half-applied malformed packet)", async () => {
  // An A record, then a PTR whose rdata name points into the header: before
  // the fix the A record stayed cached and the packet counted twice.
  const { network, mdns, responses } = await setup();
  const packet = encodeMessage({
    id: 0,
    flags: MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE,
    questions: [],
    answers: [
      {
        name: "h.local",
        type: RecordType.A,
        class: 1,
        cacheFlush: true,
        ttl: 120,
        data: "198.18.0.3",
      },
      {
        name: "_x._tcp.local",
        type: RecordType.PTR,
        class: 1,
        cacheFlush: false,
        ttl: 120,
        data: "a.local",
      },
    ],
    authorities: [],
    additionals: [],
  });
  const bad = packet.slice();
  // The PTR's rdata is the last 4 bytes ("a" label + pointer to "local"): make it a pointer to offset 2.
  bad.set([0xc0, 0x02], bad.length - 2);
  network.inject("a", { data: bad, source: { address: "198.18.0.9" } });
  assert.equal(mdns.peerCache.size, 0, "nothing of the packet is cached");
  assert.deepEqual(responses, [], "no part saw it");
  const s = mdns.stats;
  assert.deepEqual([s.received, s.responses, s.malformed], [1, 0, 1], "one packet, one counter");
  await mdns.close();
});

Deno.test("Mdns lets its parts send their last packets while closing (defect: no way out)", async () => {
  const { network, mdns, clock } = await setup();
  const b = network.host("b", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/24" }],
  });
  const heard: number[] = [];
  const listener = await Mdns.start({ transport: b, clock });
  addPart(listener, () => ({
    onQuery: (r) => void heard.push(r.isResponse ? 0 : 1),
  }));
  let sent: boolean | undefined;
  addPart(mdns, (context) => ({
    async close() {
      sent = await context.send(query, { interfaceName: "eth0", family: "IPv4" });
    },
  }));
  await mdns.close();
  clock.advance(5);
  assert.equal(sent, true, "the goodbye left before the transport closed");
  assert.deepEqual(heard, [1]);
  await listener.close();
});

Deno.test("Mdns bounds a part's last sends in time", async () => {
  const { mdns, clock } = await setup();
  addPart(mdns, () => ({
    close: () => new Promise<void>(() => {}), // never settles
  }));
  let closed = false;
  const closing = mdns.close().then(() => closed = true);
  await clock.advanceAsync(999);
  assert.equal(closed, false);
  await clock.advanceAsync(1);
  await closing;
  assert.equal(closed, true);
});

Deno.test("Mdns tells its parts of link events and forgets what it heard on a removed link", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock });
  const host = network.host("a", {
    interfaces: [
      { name: "eth0", link: "lan", ipv4: "198.18.0.2/24" },
      { name: "eth1", link: "lan2", ipv4: "198.18.1.2/24" },
    ],
  });
  const mdns = await Mdns.start({ transport: host, clock });
  const seen: string[] = [];
  addPart(mdns, () => ({
    onLinkEvent: (e: LinkEvent) => void seen.push(`${e.type} ${e.link.name}`),
  }));
  network.inject("a", { data: response, source: { address: "198.18.1.9" }, interfaceName: "eth1" });
  assert.equal(mdns.peerCache.size, 1);
  host.removeInterface("eth1");
  await clock.advanceAsync(10);
  assert.ok(seen.some((s) => s.endsWith(" eth1")), `events: ${seen}`);
  assert.equal(mdns.peerCache.size, 0, "records heard on eth1 are gone with it");
  await mdns.close();
});
