// Issue 14, item 4: a link bounce or a new address reported only as
// `link-changed` (what Deno shows without FFI) restarts the running questions,
// and a link that lost every address is forgotten, as after `link-down`.
import assert from "node:assert/strict";
import { encodeMessage, MessageFlags, RecordType, type ResourceRecord } from "../../codec/mod.ts";
import { Mdns } from "../../mdns.ts";
import { MemoryNetwork } from "../../transport/memory_network.ts";
import { seededRandom, VirtualClock } from "../../testing/mod.ts";
import { a, ptr, srv, txt } from "../cache/_records.ts";
import { nextEvent, rig } from "./_harness.ts";

const HOUR = 3_600_000;

Deno.test("link bounce: a dual-stack bounce seen as link-changed restarts a browse asked for an hour", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(HOUR); // the back-off is long: about 34 min to the next query
  // Without FFI Deno sees the IPv6 addresses go and come back; IPv4 stays.
  r.us.setAddresses("eth0", { ipv6: [] });
  await r.advance(3000);
  const since = r.clock.now();
  r.us.setAddresses("eth0", { ipv6: ["fe80::2/64"] });
  await r.advance(2000);
  const asked = r.ourQueries(since);
  assert.ok(asked.length > 0, "asked again within 2 s of the addresses coming back");
  assert.equal(asked[0].message.questions[0].type, RecordType.PTR);
  await r.advance(8000);
  // The back-off starts over: 1 s, 2 s, 4 s after the first.
  assert.ok(r.ourQueries(since).length >= 3, `${r.ourQueries(since).length} queries in 10 s`);
  await browser[Symbol.asyncDispose]();
});

Deno.test("link bounce: a plain address change (renumbered) restarts the questions", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(HOUR);
  const since = r.clock.now();
  r.us.setAddresses("eth0", { ipv4: ["198.18.0.22/24"] });
  await r.advance(2000);
  assert.ok(r.ourQueries(since).length > 0, "asked again within 2 s of the new address");
  await browser[Symbol.asyncDispose]();
});

Deno.test("link bounce: a link-changed that only loses an address does not restart", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(HOUR);
  const since = r.clock.now();
  r.us.setAddresses("eth0", { ipv6: [] });
  await r.advance(10_000);
  assert.equal(r.ourQueries(since).length, 0);
  await browser[Symbol.asyncDispose]();
});

Deno.test("link bounce: a link that lost every address is forgotten, as after link-down", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(3) });
  const us = network.host("us", {
    interfaces: [
      { name: "eth0", link: "lan", ipv4: "198.18.0.2/24", ipv6: ["fe80::2/64"] },
      { name: "eth1", link: "lan2", ipv4: "198.19.0.2/24" },
    ],
  });
  const peer = network.host("peer", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/24" }],
  });
  await peer.start({ onDatagram() {}, onEvent() {} });
  await using mdns = await Mdns.start({ transport: us, clock, random: seededRandom(4) });
  const DEN = "Den._http._tcp.local";
  // Heard on each link (the stack's cache is filled only by its pipeline).
  const heard = (interfaceName: string, source: string, answers: ResourceRecord[]) =>
    network.inject("us", {
      interfaceName,
      source: { address: source },
      data: encodeMessage({
        id: 0,
        flags: MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE,
        questions: [],
        answers,
        authorities: [],
        additionals: [],
      }),
    });
  heard("eth0", "198.18.0.9", [
    a("den.local", "198.18.0.9"),
    ptr("_http._tcp.local", DEN),
    srv(DEN, "den.local"),
    txt(DEN, []),
  ]);
  heard("eth1", "198.19.0.9", [a("far.local", "198.19.0.9")]);
  const it = mdns.browse("_http._tcp")[Symbol.asyncIterator]();
  const rigLike = { advance: (ms: number) => clock.advanceAsync(ms) };
  assert.equal((await nextEvent(rigLike as never, it))?.type, "added");
  us.setAddresses("eth0", { ipv4: [], ipv6: [] });
  assert.equal((await nextEvent(rigLike as never, it, 100))?.type, "removed");
  assert.deepEqual([...mdns.peerCache.records()].map((r) => r.interfaceName), ["eth1"]);
  await it.return!();
  await network.close();
});
