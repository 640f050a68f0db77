// Cache poisoning (issue 16, item 3): unique records past the byte budget that
// no running query needs are turned away, not let in by pushing out what is
// there; the records turned away must be counted (`rejections`, the stack's
// `stats.rejected`) as the evicted ones are, or a flood is invisible.
import assert from "node:assert/strict";
import { encodeMessage, MessageFlags, RecordType } from "../../codec/mod.ts";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import { Mdns } from "../../mdns.ts";
import { MemoryNetwork, seededRandom, VirtualClock } from "../../testing/mod.ts";
import { a, ptr } from "./_records.ts";

Deno.test("records turned away for lack of room are counted", () => {
  const cache = new PeerServiceCache({ maxBytes: 64 * 1024 });
  let results = { added: 0, rejected: 0 };
  for (let i = 0; i < 2000; i++) {
    const r = cache.insertRecord(a(`h${i}.local`, "198.18.0.9"), { interfaceName: "eth0", now: i });
    if (r === "added") results.added++;
    if (r === "rejected") results.rejected++;
  }
  results = { ...results };
  assert.ok(cache.bytes <= cache.capacity);
  assert.ok(results.rejected > 0, "the budget turned nothing away");
  assert.equal(cache.rejections + cache.evictions + cache.size, 2000);
  assert.equal(cache.rejections, results.rejected);
});

Deno.test("stats.rejected reports the records a flood could not place", async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const network = new MemoryNetwork({ clock, random: seededRandom(1) });
  const us = network.host("us", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
  });
  const peer = network.host("peer", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/24" }],
  });
  await peer.start({ onDatagram() {}, onEvent() {} });
  await using mdns = await Mdns.start({
    transport: us,
    clock,
    random: seededRandom(2),
    maxPeerCacheBytes: 64 * 1024,
  });
  const peerCache = mdns.peerCache;
  for (let i = 0; i < 2000; i += 40) {
    const answers = [];
    for (let j = i; j < i + 40; j++) answers.push(a(`h${j}.local`, "198.18.0.9"));
    const data = encodeMessage({
      id: 0,
      flags: MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE,
      questions: [],
      answers,
      authorities: [],
      additionals: [],
    });
    void peer.send(data, { interfaceName: "eth0", family: "IPv4" });
  }
  await clock.advanceAsync(100);
  assert.equal(mdns.stats.responses, 50);
  assert.ok(mdns.stats.rejected > 0);
  assert.equal(mdns.stats.rejected + mdns.stats.evicted + peerCache.size, 2000);
  await peer.close();
  await network.close();
});

Deno.test("fake PTRs at a full cache of listed instances are refused whole, and still evict what no query needs", () => {
  // The cheap exit for a PTR opening a service (EvictionPolicy.refusesListing)
  // must decide as the full path does.
  const at = (now: number) => ({ interfaceName: "eth0", now });
  const fake = (i: number) => ptr("_http._tcp.local", `Fake ${i}._http._tcp.local`);
  const cache = new PeerServiceCache({ maxBytes: 16 * 1024 });
  using _browse = cache.watch("_http._tcp.local", () => {}, { type: RecordType.PTR });
  const removed: string[] = [];
  cache.subscribe((e) => {
    if (e.type === "removed") removed.push(e.record.name);
  });
  // Room is free: an A nobody asked for takes some of it.
  assert.equal(cache.insertRecord(a("stray.local", "198.18.0.7"), at(0)), "added");
  let i = 0;
  while (cache.insertRecord(fake(i), at(1)) === "added") i++;
  // The stray A (no query needs it) made room for the listings before they were refused.
  assert.deepEqual(removed, ["stray.local"]);
  const full = { bytes: cache.bytes, size: cache.size, rejections: cache.rejections };
  for (let j = i + 1; j < i + 200; j++) {
    assert.equal(cache.insertRecord(fake(j), at(2)), "rejected");
  }
  assert.deepEqual(
    { bytes: cache.bytes, size: cache.size, rejections: cache.rejections },
    { ...full, rejections: full.rejections + 199 },
  );
  assert.deepEqual(removed, ["stray.local"], "nothing evicted for them");
  // A listed instance already held is still heard (refreshed, not refused).
  assert.equal(cache.insertRecord(fake(0), at(3)), "refreshed");
});
