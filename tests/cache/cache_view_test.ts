// The stack's caches seen through read-only views (issue 17): lookups, watch,
// subscribe and sizes on the stack's own clock; writes only through the
// pipeline (what is heard) and the responder (what is published); byte
// budgets as MdnsOptions.
import assert from "node:assert/strict";
import {
  decodeMessage,
  encodeMessage,
  MessageFlags,
  type ResourceRecord,
} from "../../codec/mod.ts";
import { Mdns } from "../../mdns.ts";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import { MemoryNetwork, seededRandom, VirtualClock } from "../../testing/mod.ts";
import { a, ptr, srv, txt } from "./_records.ts";

const DEN = "Den._http._tcp.local";

async function stack(options: { maxPeerCacheBytes?: number; maxLocalCacheBytes?: number } = {}) {
  const clock = new VirtualClock(1_700_000_000_000); // a wall-clock-like start
  const network = new MemoryNetwork({ clock, random: seededRandom(1) });
  const host = network.host("us", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
  });
  const mdns = await Mdns.start({
    transport: host,
    clock,
    random: seededRandom(2),
    hostName: "us.local",
    ...options,
  });
  const heard = (answers: ResourceRecord[], source = "198.18.0.9") =>
    network.inject("us", {
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
  const queries = () =>
    network.packets({ from: "us" }).filter((p) =>
      (decodeMessage(p.data).flags & MessageFlags.RESPONSE) === 0
    );
  return {
    clock,
    network,
    mdns,
    heard,
    queries,
    async [Symbol.asyncDispose]() {
      await mdns.close();
      await network.close();
    },
  };
}

Deno.test("cache views: nothing writes to the stack's caches but its pipeline and responder", async () => {
  await using s = await stack();
  for (
    const write of ["insert", "insertRecord", "insertMessage", "purgeRecord", "expire", "dropLink"]
  ) {
    assert.equal(write in s.mdns.peerCache, false, `peerCache.${write}`);
  }
  for (const write of ["addService", "updateTxt", "removeService", "setHost", "removeHost"]) {
    assert.equal(write in s.mdns.localCache, false, `localCache.${write}`);
  }
  // What is heard comes in through the pipeline...
  s.heard([
    ptr("_http._tcp.local", DEN),
    srv(DEN, "den.local"),
    txt(DEN, []),
    a("den.local", "198.18.0.9"),
  ]);
  assert.equal(s.mdns.peerCache.size, 4);
  // ...and what is published through publish(), probed before it is answered (RFC 6762 §8).
  const published = s.mdns.publish({ name: "Mine", type: "_http._tcp", port: 8080 });
  assert.ok(
    s.mdns.localCache.lookup("Mine._http._tcp.local", 33).every((r) => r.state === "probing"),
  );
  await s.clock.advanceAsync(3000);
  await published;
  assert.equal(s.mdns.localCache.getService("Mine._http._tcp.local")?.port, 8080);
  assert.equal(s.mdns.localCache.services().length, 1);
  // The records it shows cannot be moved from outside (deno check fails if they can).
  const [srvRecord] = s.mdns.localCache.lookup("Mine._http._tcp.local", 33);
  assert.equal(srvRecord.state, "announced");
  // @ts-expect-error: setState is the responder's, not in ReadonlyLocalRecord
  void srvRecord.setState;
  // @ts-expect-error: countAnnouncement likewise
  void s.mdns.localCache.services()[0].records[0].countAnnouncement;
});

Deno.test("cache views: lookups answer on the stack's clock, no `now` to pass", async () => {
  await using s = await stack();
  s.heard([
    ptr("_http._tcp.local", DEN),
    srv(DEN, "den.local"),
    txt(DEN, []),
    a("den.local", "198.18.0.9"),
  ]);
  // The stack's clock is not Date.now(): a lookup by it sees what was heard.
  const [den] = s.mdns.peerCache.lookupServices("_http._tcp");
  assert.equal(den?.fullName, DEN);
  assert.equal(den.complete, true);
  assert.equal(s.mdns.peerCache.resolveService(DEN).length, 1);
  assert.equal(s.mdns.peerCache.lookup("DEN.local", 1).length, 1);
  // It equals the standalone lookup at the stack's time.
  const standalone = new PeerServiceCache();
  for (const r of [ptr("_http._tcp.local", DEN), srv(DEN, "den.local")]) {
    standalone.insertRecord(r, { interfaceName: "eth0", now: s.clock.now() });
  }
  assert.equal(standalone.lookup(DEN, 33, { now: s.clock.now() }).length, 1);
  // Past the SRV's TTL (120 s) the view no longer shows it.
  await s.clock.advanceAsync(121_000);
  assert.equal(s.mdns.peerCache.lookup(DEN, 33).length, 0);
  assert.equal([...s.mdns.peerCache.records()].some((r) => r.type === 33), false);
});

Deno.test("cache views: a view's watch and subscribe listen, without making the stack ask", async () => {
  await using s = await stack();
  const seen: string[] = [];
  using _watch = s.mdns.peerCache.watch(
    "den.local",
    (e) => seen.push(`${e.type} ${e.record.data}`),
    {
      type: 1,
    },
  );
  const all: string[] = [];
  const unsubscribe = s.mdns.peerCache.subscribe((e) => all.push(e.type));
  s.heard([a("den.local", "198.18.0.9", 100)]);
  assert.deepEqual(seen, ["added 198.18.0.9"]);
  assert.deepEqual(all, ["added"]);
  unsubscribe();
  // No running browse or lookup needs it: no refresh query at 80 % of its TTL (§5.2).
  await s.clock.advanceAsync(101_000);
  assert.equal(s.queries().length, 0);
  assert.deepEqual(seen, ["added 198.18.0.9", "removed 198.18.0.9"]);
});

Deno.test("cache views: byte budgets come from MdnsOptions and hold under a flood", async () => {
  await using s = await stack({ maxPeerCacheBytes: 64 * 1024, maxLocalCacheBytes: 16 * 1024 });
  assert.equal(s.mdns.peerCache.capacity, 64 * 1024);
  assert.equal(s.mdns.localCache.capacity, 16 * 1024);
  for (let i = 0; i < 2000; i += 40) {
    const answers = [];
    for (let j = i; j < i + 40; j++) answers.push(a(`h${j}.local`, "198.18.0.9"));
    s.heard(answers);
  }
  assert.ok(s.mdns.peerCache.bytes <= 64 * 1024, `${s.mdns.peerCache.bytes} bytes`);
  assert.ok(s.mdns.peerCache.rejections + s.mdns.peerCache.evictions > 0);
  // What we publish is bounded too: a service that does not fit is refused.
  const txt: Record<string, string> = {};
  for (let i = 0; i < 4; i++) txt[`k${i}`] = "v".repeat(240);
  const publishing: Promise<unknown>[] = [];
  for (let i = 0; i < 20; i++) {
    const p = s.mdns.publish({ name: `S${i}`, type: "_http._tcp", port: 80, txt });
    publishing.push(p.then(() => "published", (e) => e));
  }
  await s.clock.advanceAsync(3000);
  const settled = await Promise.all(publishing);
  const refused = settled.filter((r) => r !== "published");
  assert.ok(settled.includes("published"));
  assert.ok(refused.length > 0, "the 16 KiB budget refused some");
  for (const r of refused) assert.ok(r instanceof RangeError, String(r));
  assert.ok(s.mdns.localCache.bytes <= 16 * 1024);
});
