// A browse's `removed` says why the service left (issue 17): the reason the
// last PTR listing it left the peer cache (goodbye, expired, flushed, purged,
// evicted, link-gone, cleared), as the cache's own `removed` events say.
import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { Mdns } from "../../mdns.ts";
import { MemoryNetwork } from "../../transport/memory_network.ts";
import { seededRandom, VirtualClock } from "../../testing/mod.ts";
import type { PeerCacheEvent } from "../../cache/peer_cache_options.ts";
import type { BrowseEvent } from "../../querier/types.ts";
import { a, ptr, srv, txt } from "../cache/_records.ts";
import { nextEvent, rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";
const DEN = "Den._http._tcp.local";
const den = (ttl = 4500) => [
  ptr(TYPE, DEN, ttl),
  srv(DEN, "den.local"),
  txt(DEN, []),
  a("den.local", "198.18.0.9"),
];

/** A browse that saw Den added; returns its iterator. */
async function browsing(r: Awaited<ReturnType<typeof rig>>, ttl?: number) {
  const it = r.querier.browse("_http._tcp")[Symbol.asyncIterator]();
  r.respond(den(ttl));
  assert.equal((await nextEvent(r, it))?.type, "added");
  return it;
}

async function removal(
  r: Awaited<ReturnType<typeof rig>>,
  it: AsyncIterator<BrowseEvent>,
  ms = 5000,
) {
  const e = await nextEvent(r, it, ms);
  assert.equal(e?.type, "removed");
  return e.type === "removed" ? e.reason : undefined;
}

Deno.test("removed reason: goodbye (TTL 0, RFC 6762 §10.1)", async () => {
  await using r = await rig();
  const it = await browsing(r);
  r.respond([ptr(TYPE, DEN, 0)]);
  assert.equal(await removal(r, it), "goodbye");
  await it.return!();
});

Deno.test("removed reason: expired (TTL ran out)", async () => {
  await using r = await rig();
  const it = await browsing(r, 2);
  assert.equal(await removal(r, it, 10_000), "expired");
  await it.return!();
});

Deno.test("removed reason: purged (reconfirm found nobody, §10.4)", async () => {
  await using r = await rig();
  const it = await browsing(r);
  r.querier.reconfirm(DEN);
  assert.equal(await removal(r, it, 15_000), "purged");
  await it.return!();
});

Deno.test("removed reason: flushed (a cache-flush record replaced it a second later, §10.2)", async () => {
  await using r = await rig();
  const it = await browsing(r);
  await r.advance(2000);
  // A PTR sent with the cache-flush bit (not what §10.2 advises for a shared
  // record, but seen on real networks) replaces every older PTR of the name.
  r.respond([{ ...ptr(TYPE, "Other._http._tcp.local"), cacheFlush: true }]);
  const reasons = new Map<string, string>();
  for (let i = 0; i < 3 && !reasons.has("Den"); i++) {
    const e = await nextEvent(r, it, 3000).catch(() => undefined);
    if (e?.type === "removed") reasons.set(e.service.name, e.reason);
  }
  assert.equal(reasons.get("Den"), "flushed");
  await it.return!();
});

Deno.test("removed reason: cleared (the user cleared the link's records)", async () => {
  await using r = await rig();
  const it = await browsing(r);
  r.cache.clear({ interfaceName: "eth0" });
  assert.equal(await removal(r, it), "cleared");
  await it.return!();
});

Deno.test("removed reason: evicted (the byte budget made room for others)", async () => {
  await using r = await rig({ maxBytes: 5000 });
  const it = await browsing(r);
  let evicted = false;
  r.cache.subscribe((e) => {
    if (e.type === "removed" && e.reason === "evicted" && e.record.data === DEN) evicted = true;
  });
  // Den's host says goodbye to its address: Den is incomplete (the browse
  // keeps its last whole state while its PTR lists it), so whole newcomers
  // may evict it (the budget's tiers, cache/_eviction.ts).
  r.respond([a("den.local", "198.18.0.9", 0)]);
  await r.advance(1500);
  for (let i = 0; i < 40 && !evicted; i++) {
    const name = `Other ${i}._http._tcp.local`;
    r.respond([
      ptr(TYPE, name),
      srv(name, `other${i}.local`),
      txt(name, []),
      a(`other${i}.local`, `198.18.1.${i + 1}`),
    ]);
    await r.advance(50);
  }
  assert.ok(evicted, "Den's PTR was evicted");
  const reasons = new Map<string, string>();
  for (;;) {
    const e = await nextEvent(r, it, 200).catch(() => undefined);
    if (e === undefined) break;
    if (e.type === "removed") reasons.set(e.service.name, e.reason);
  }
  assert.equal(reasons.get("Den"), "evicted", [...reasons].join());
  await it.return!();
});

Deno.test("removed reason: link-gone, on the browse and on the stack's cache events", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(7) });
  const us = network.host("us", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
  });
  const peer = network.host("peer", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/24" }],
  });
  const mdns = await Mdns.start({
    transport: us,
    clock,
    random: seededRandom(8),
    hostName: "us.local",
  });
  const other = await Mdns.start({
    transport: peer,
    clock,
    random: seededRandom(9),
    hostName: "den.local",
  });
  try {
    const cacheReasons: string[] = [];
    mdns.peerCache.subscribe((e: PeerCacheEvent) => {
      if (e.type === "removed" && e.record.type === RecordType.PTR) cacheReasons.push(e.reason);
    });
    const it = mdns.browse("_http._tcp")[Symbol.asyncIterator]();
    const published = other.publish({ name: "Den", type: "_http._tcp", port: 80 });
    const added = it.next();
    await clock.advanceAsync(5000);
    await published;
    assert.equal((await added).value?.type, "added");
    const removed = it.next();
    us.removeInterface("eth0");
    await clock.advanceAsync(100);
    const e = (await removed).value as BrowseEvent;
    assert.equal(e.type === "removed" && e.reason, "link-gone");
    assert.ok(
      cacheReasons.length > 0 && cacheReasons.every((r) => r === "link-gone"),
      cacheReasons.join(),
    );
    await it.return!();
  } finally {
    await other.close();
    await mdns.close();
    await network.close();
  }
});

Deno.test("removed reason: a type browse's removed says why too", async () => {
  await using r = await rig();
  const it = r.querier.browse()[Symbol.asyncIterator]();
  r.respond([ptr("_services._dns-sd._udp.local", TYPE)]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  r.respond([ptr("_services._dns-sd._udp.local", TYPE, 0)]);
  const e = await nextEvent(r, it);
  assert.equal(e?.type === "removed" && e.reason, "goodbye");
  await it.return!();
});

Deno.test("removed reason: kept when an unread update and the removal coalesce", async () => {
  await using r = await rig();
  const it = await browsing(r);
  r.respond([txt(DEN, ["v=2"])]); // updated, not read yet
  await r.advance(1500);
  r.respond([ptr(TYPE, DEN, 0)]);
  await r.advance(1500);
  assert.equal(await removal(r, it), "goodbye");
  await it.return!();
});
