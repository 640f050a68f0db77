// The querier as the stack wires it: Mdns routes responses into the peer
// cache and then to the querier, queries to onQuery, and closes it.
import assert from "node:assert/strict";
import { encodeMessage, MessageFlags, type ResourceRecord } from "../../codec/mod.ts";
import { Mdns } from "../../mdns.ts";
import { MemoryNetwork, seededRandom, VirtualClock } from "../../testing/mod.ts";
import { a, ptr, srv, txt } from "../cache/_records.ts";

const TYPE = "_http._tcp.local";
const DEN = "Den._http._tcp.local";

async function setup() {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(4) });
  const us = network.host("us", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24", ipv6: ["fe80::2/64"] }],
  });
  const peer = network.host("peer", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/24", ipv6: ["fe80::3/64"] }],
  });
  await peer.start({ onDatagram() {}, onEvent() {} });
  const mdns = await Mdns.start({ transport: us, clock, random: seededRandom(5) });
  const respond = (records: ResourceRecord[]) =>
    peer.send(
      encodeMessage({
        id: 0,
        flags: MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE,
        questions: [],
        answers: records,
        authorities: [],
        additionals: [],
      }),
      { interfaceName: "eth0", family: "IPv4" },
    );
  return { clock, network, mdns, respond };
}

Deno.test("mdns: every reply, asked for or not, lands in the peer cache and reaches a browse", async () => {
  const { clock, network, mdns, respond } = await setup();
  await respond([ptr(TYPE, DEN), srv(DEN, "den.local")]); // unsolicited: nobody browses yet
  await clock.advanceAsync(10);
  assert.equal(mdns.peerCache.size, 2);
  const browser = mdns.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  await clock.advanceAsync(500); // the follow-up questions for TXT and the address go out
  await respond([txt(DEN, ["k=v"]), a("den.local", "198.18.0.9")]);
  await clock.advanceAsync(10);
  const e = await it.next();
  assert.equal(e.value?.type, "added");
  assert.equal(e.value?.service.txt?.getString("k"), "v");
  await mdns.close();
  assert.equal(browser.endReason, "closed");
  assert.ok(network.packets({ from: "us" }).length > 0);
  await network.close();
});

Deno.test("mdns: peerCache.clear() ends the running browses", async () => {
  const { clock, network, mdns, respond } = await setup();
  const browser = mdns.browse("_http._tcp");
  await respond([
    ptr(TYPE, DEN),
    srv(DEN, "den.local"),
    txt(DEN, []),
    a("den.local", "198.18.0.9"),
  ]);
  await clock.advanceAsync(10);
  assert.equal(browser.services().length, 1);
  mdns.peerCache.clear();
  assert.equal(browser.endReason, "cleared");
  await mdns.close();
  await network.close();
});

Deno.test("mdns: our browse and resolve see what another of our stacks publishes, and its goodbye", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(8) });
  const ifs = (n: number) => [{
    name: "eth0",
    link: "lan",
    ipv4: `198.18.0.${n}/24`,
    ipv6: [`fe80::${n}/64`],
  }];
  const publisher = await Mdns.start({
    transport: network.host("pub", { interfaces: ifs(2) }),
    clock,
    random: seededRandom(9),
    hostName: "pub.local",
  });
  const browser = await Mdns.start({
    transport: network.host("browse", { interfaces: ifs(3) }),
    clock,
    random: seededRandom(10),
  });
  const controller = new AbortController();
  const published = publisher.publish({
    name: "Den",
    type: "_http._tcp",
    port: 8080,
    txt: { path: "/" },
    signal: controller.signal,
  });
  await clock.advanceAsync(3000); // probing and announcing
  await published;
  const stream = browser.browse("_http._tcp");
  const it = stream[Symbol.asyncIterator]();
  const added = await it.next(); // already heard from the announcements
  assert.equal(added.value?.type, "added");
  assert.equal(added.value?.service.host, "pub.local");
  assert.equal(added.value?.service.port, 8080);
  assert.equal(added.value?.service.txt?.getString("path"), "/");
  assert.deepEqual(
    added.value?.service.addresses.map((a: { address: string }) => a.address).sort(),
    [
      "198.18.0.2",
      "fe80::2%eth0",
    ],
  );
  const resolved = await browser.resolve("Den._http._tcp.local");
  assert.equal(resolved.port, 8080);
  assert.deepEqual(
    (await browser.lookupHost("pub.local", { family: "IPv4" })).map((a) => a.address),
    ["198.18.0.2"],
  );
  controller.abort(); // unpublish: goodbyes
  const removedAt = (async () => (await it.next()).value)();
  await clock.advanceAsync(2000);
  assert.equal((await removedAt)?.type, "removed");
  await it.return!();
  await publisher.close();
  await browser.close();
  await network.close();
});
