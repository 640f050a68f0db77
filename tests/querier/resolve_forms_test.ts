// resolve({ name, type }) beside the full name (issue 17), so an instance
// label with a dot resolves as the CLI accepts it; and resolve({ type }), the
// NetX seed's one-shot query by type: "the first complete service received is
// returned" (seeds/004).
import assert from "node:assert/strict";
import { encodeMessage, MessageFlags, RecordType } from "../../codec/mod.ts";
import { Mdns } from "../../mdns.ts";
import { ResolveError } from "../../querier/errors.ts";
import { MemoryNetwork } from "../../transport/memory_network.ts";
import { seededRandom, VirtualClock } from "../../testing/mod.ts";
import { a, ptr, srv, txt } from "../cache/_records.ts";
import { rig } from "./_harness.ts";

const IPP = "_ipp._tcp.local";
const MR = "Mr\\. Printer._ipp._tcp.local"; // the label "Mr. Printer", escaped (RFC 6763 §4.3)

Deno.test("resolve { name, type }: a label with a dot resolves", async () => {
  await using r = await rig();
  const pending = r.querier.resolve({ name: "Mr. Printer", type: "_ipp._tcp" }, { timeout: 3000 });
  await r.advance(200);
  const asked = r.ourQueries().flatMap((p) => p.message.questions.map((q) => q.name));
  assert.ok(asked.includes(MR), asked.join());
  r.respond([srv(MR, "mr.local", 631), txt(MR, []), a("mr.local", "198.18.0.9")]);
  await r.advance(10);
  const service = await pending;
  assert.equal(service.name, "Mr. Printer");
  assert.equal(service.fullName, MR);
  assert.equal(service.port, 631);
  // The same service by its full name, from the cache now.
  assert.equal((await r.querier.resolve(MR)).port, 631);
});

Deno.test("resolve { type }: the first complete service received is returned", async () => {
  await using r = await rig();
  const pending = r.querier.resolve({ type: "_ipp._tcp" }, { timeout: 3000 });
  await r.advance(200);
  const asked = r.ourQueries().flatMap((p) => p.message.questions);
  assert.ok(asked.some((q) => q.name === IPP && q.type === RecordType.PTR), "a PTR question");
  // One printer without its address yet, then a whole one: the whole one wins.
  const slow = "Slow._ipp._tcp.local";
  const fast = "Fast._ipp._tcp.local";
  r.respond([ptr(IPP, slow), srv(slow, "slow.local", 631), txt(slow, [])]);
  await r.advance(20);
  r.respond([
    ptr(IPP, fast),
    srv(fast, "fast.local", 632),
    txt(fast, []),
    a("fast.local", "198.18.0.8"),
  ]);
  await r.advance(20);
  const service = await pending;
  assert.equal(service.fullName, fast);
  assert.equal(service.port, 632);
  const sent = r.ourQueries().length;
  await r.advance(10_000);
  assert.equal(r.ourQueries().length, sent, "no more questions once answered");
});

Deno.test("resolve { type }: a complete service in the cache answers with no packet", async () => {
  await using r = await rig();
  const now = r.clock.now();
  for (
    const rec of [ptr(IPP, MR), srv(MR, "mr.local", 631), txt(MR, []), a("mr.local", "198.18.0.9")]
  ) {
    r.cache.insertRecord(rec, { interfaceName: "eth0", now });
  }
  assert.equal((await r.querier.resolve({ type: "_ipp._tcp" })).fullName, MR);
  await r.advance(5000);
  assert.deepEqual(r.ourQueries(), []);
});

Deno.test("resolve { type }: nothing at the timeout rejects with ResolveError naming the type", async () => {
  await using r = await rig();
  const failed = assert.rejects(
    r.querier.resolve({ type: "_ipp._tcp" }, { timeout: 2000 }),
    (e) => {
      assert.ok(e instanceof ResolveError);
      assert.equal(e.fullName, IPP);
      assert.equal(e.reason, "timeout");
      return true;
    },
  );
  await r.advance(2000);
  await failed;
  await assert.rejects(r.querier.resolve({ type: "ipp" }), TypeError);
});

Deno.test("resolve { type }: our own service first, with no packet (seed 004: local cache first)", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(7) });
  const host = network.host("us", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
  });
  const mdns = await Mdns.start({
    transport: host,
    clock,
    random: seededRandom(8),
    hostName: "me.local",
  });
  try {
    // Another printer heard before ours was published: ours still comes first.
    const other = "Other._ipp._tcp.local";
    network.inject("us", {
      source: { address: "198.18.0.9" },
      data: encodeMessage({
        id: 0,
        flags: MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE,
        questions: [],
        answers: [
          ptr(IPP, other),
          srv(other, "o.local", 631),
          txt(other, []),
          a("o.local", "198.18.0.9"),
        ],
        authorities: [],
        additionals: [],
      }),
    });
    const published = mdns.publish({ name: "Mine", type: "_ipp._tcp", port: 631 });
    await clock.advanceAsync(3000);
    await published;
    const before = network.packets({ from: "us" }).length;
    const found = await mdns.resolve({ type: "_ipp._tcp" });
    assert.equal(found.fullName, "Mine._ipp._tcp.local");
    assert.equal(found.local, true);
    assert.equal(network.packets({ from: "us" }).length, before);
  } finally {
    await mdns.close();
    await network.close();
  }
});
