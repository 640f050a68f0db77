// Issue 14, item 6: a stack sees what it publishes. Browse, resolve, the host
// lookups, the type list and the cache-only lookups show our own registered
// services and host names (local: true) with no packet, from the local cache.
import assert from "node:assert/strict";
import { Mdns } from "../../mdns.ts";
import { MemoryNetwork } from "../../transport/memory_network.ts";
import { decodeMessage, MessageFlags } from "../../codec/mod.ts";
import { seededRandom, VirtualClock } from "../../testing/mod.ts";
import type { BrowseEvent, ServiceTypeEvent } from "../../querier/types.ts";

async function stack() {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(7) });
  const host = network.host("us", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24", ipv6: ["fe80::2/64"] }],
  });
  const mdns = await Mdns.start({
    transport: host,
    clock,
    random: seededRandom(8),
    hostName: "me.local",
  });
  return {
    clock,
    network,
    mdns,
    /** Queries this stack sent (a browse of what it publishes needs none). */
    queries: () =>
      network.packets({ from: "us" }).filter((p) =>
        (decodeMessage(p.data).flags & MessageFlags.RESPONSE) === 0
      ).map((p) => decodeMessage(p.data)),
    async [Symbol.asyncDispose]() {
      await mdns.close();
      await network.close();
    },
  };
}

/** The events read so far, as `type name local` strings, read in the background. */
function record<E>(it: AsyncIterator<E>, show: (e: E) => string): string[] {
  const seen: string[] = [];
  void (async () => {
    for (;;) {
      const { value, done } = await it.next();
      if (done) return;
      seen.push(show(value));
    }
  })();
  return seen;
}

const showService = (e: BrowseEvent) =>
  `${e.type} ${e.service.name} ${e.service.port} local=${e.service.local} ${
    e.service.addresses.map((a) => a.address).join(",")
  }`;

Deno.test("own services: browse, resolve, lookupHost and lookupAddress see what the stack publishes", async () => {
  await using s = await stack();
  const published = s.mdns.publish({ name: "Mine", type: "_http._tcp", port: 8080 });
  await s.clock.advanceAsync(3000); // probed and announced
  await published;
  const queriesBefore = s.queries().length;
  const browser = s.mdns.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  const first = await it.next();
  assert.equal(showService(first.value), "added Mine 8080 local=true 198.18.0.2,fe80::2%eth0");
  assert.deepEqual(first.value.service.interfaces, ["eth0"]);
  assert.equal(first.value.service.txt?.size, 0);
  const resolved = await s.mdns.resolve("Mine._http._tcp.local");
  assert.equal(resolved.local, true);
  assert.equal(resolved.host, "me.local");
  const addresses = await s.mdns.lookupHost("me.local");
  assert.deepEqual(addresses, [
    { address: "198.18.0.2", family: "IPv4", interfaceName: "eth0", local: true },
    { address: "fe80::2%eth0", family: "IPv6", interfaceName: "eth0", local: true },
  ]);
  assert.deepEqual(await s.mdns.lookupAddress("198.18.0.2"), ["me.local"]);
  // Limited to links we are not on, a browse shows nothing of ours.
  const elsewhere = s.mdns.browse("_http._tcp", { interfaces: ["eth9"] });
  assert.deepEqual(elsewhere.services(), []);
  await elsewhere[Symbol.asyncDispose]();
  // None of these needed a packet: the browse's own PTR question is all that went out.
  const asked = s.queries().slice(queriesBefore).flatMap((m) => m.questions.map((q) => q.name));
  assert.ok(asked.every((name) => name === "_http._tcp.local"), asked.join());
  await it.return!();
});

Deno.test("own services: the type list shows the types the stack publishes, until unpublished", async () => {
  await using s = await stack();
  const published = s.mdns.publish({ name: "Mine", type: "_ipp._tcp", port: 631 });
  await s.clock.advanceAsync(3000);
  const service = await published;
  const it = s.mdns.browse()[Symbol.asyncIterator]();
  const { value } = await it.next();
  assert.deepEqual(value as ServiceTypeEvent, {
    type: "added",
    serviceType: "_ipp._tcp",
    domain: "local",
    interfaces: ["eth0"],
  });
  const seen = record(it, (e) => `${e.type} ${e.serviceType}`);
  await service.unpublish();
  await s.clock.advanceAsync(10);
  assert.deepEqual(seen, ["removed _ipp._tcp"]);
  await it.return!();
});

Deno.test("own services: a browse sees a service published later, only once registered, its TXT change and its removal", async () => {
  await using s = await stack();
  const browser = s.mdns.browse("_http._tcp");
  const seen = record(browser[Symbol.asyncIterator](), showService);
  await s.clock.advanceAsync(1000);
  const published = s.mdns.publish({ name: "Late", type: "_http._tcp", port: 81 });
  await s.clock.advanceAsync(100); // probing: not ours to show yet (RFC 6762 §8.1)
  assert.deepEqual(seen, []);
  assert.deepEqual(browser.services(), []);
  await s.clock.advanceAsync(2000);
  const service = await published;
  assert.deepEqual(seen, ["added Late 81 local=true 198.18.0.2,fe80::2%eth0"]);
  service.updateTxt({ v: "2" });
  await s.clock.advanceAsync(10);
  assert.deepEqual(seen.slice(1), ["updated Late 81 local=true 198.18.0.2,fe80::2%eth0"]);
  assert.equal(browser.services()[0].txt?.getString("v"), "2");
  await service.unpublish();
  await s.clock.advanceAsync(10);
  assert.deepEqual(seen.slice(2), ["removed Late 81 local=true 198.18.0.2,fe80::2%eth0"]);
  assert.deepEqual(browser.services(), []);
  await browser[Symbol.asyncDispose]();
});

Deno.test("own services: a resolve waiting on a probing service of ours settles once it is registered", async () => {
  await using s = await stack();
  const published = s.mdns.publish({ name: "Soon", type: "_http._tcp", port: 82 });
  const resolved = s.mdns.resolve("Soon._http._tcp.local", { timeout: 5000 });
  await s.clock.advanceAsync(3000);
  await published;
  const info = await resolved;
  assert.equal(info.local, true);
  assert.equal(info.port, 82);
});

Deno.test("own services: the cache-only lookups list ours when handed the local cache", async () => {
  await using s = await stack();
  const published = s.mdns.publish({
    name: "Mine",
    type: "_http._tcp",
    port: 8080,
    txt: { v: "1" },
  });
  await s.clock.advanceAsync(3000);
  await published;
  assert.equal(s.mdns.peerCache.lookup("_http._tcp.local", 12).length, 0); // what we heard: nothing
  // The stack's view lists its own services too, from the local cache.
  const [mine] = s.mdns.peerCache.lookupServices("_http._tcp");
  assert.deepEqual(
    [
      mine.name,
      mine.port,
      mine.interfaces[0],
      mine.addresses.map((a) => a.address),
      mine.complete,
      mine.local,
    ],
    ["Mine", 8080, "eth0", ["198.18.0.2", "fe80::2%eth0"], true, true],
  );
  assert.equal(mine.txt?.getString("v"), "1");
  const [again] = s.mdns.peerCache.resolveService("Mine._http._tcp.local");
  assert.equal(again.local, true);
});
