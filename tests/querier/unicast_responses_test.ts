// Unicast responses (issue 14, item 8; RFC 6762 §6): "A Multicast DNS
// querier MUST only accept unicast responses if they answer a recently sent
// query (e.g., sent within the last two seconds) that explicitly requested
// unicast responses." The stack routes; the querier knows what it asked.
import assert from "node:assert/strict";
import {
  decodeMessage,
  encodeMessage,
  MessageFlags,
  RecordType,
  type ResourceRecord,
} from "../../codec/mod.ts";
import { Mdns, type MdnsEvent } from "../../mdns.ts";
import { MemoryNetwork, seededRandom, VirtualClock } from "../../testing/mod.ts";
import { a, nsec, ptr, srv, txt } from "../cache/_records.ts";

const TYPE = "_http._tcp.local";
const DEN = "Den._http._tcp.local";

async function setup(options?: { twoLinks?: boolean }) {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(4) });
  const usIfs = [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24", ipv6: ["fe80::2/64"] }];
  const peerIfs = [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/24", ipv6: ["fe80::3/64"] }];
  if (options?.twoLinks) {
    usIfs.push({ name: "eth1", link: "lan2", ipv4: "198.19.0.2/24", ipv6: ["fe80::12/64"] });
    peerIfs.push({ name: "eth1", link: "lan2", ipv4: "198.19.0.3/24", ipv6: ["fe80::13/64"] });
  }
  const us = network.host("us", { interfaces: usIfs });
  const peer = network.host("peer", { interfaces: peerIfs });
  await peer.start({ onDatagram() {}, onEvent() {} });
  const events: MdnsEvent[] = [];
  const mdns = await Mdns.start({
    transport: us,
    clock,
    random: seededRandom(5),
    onEvent: (e) => events.push(e),
  });
  /** A response from the peer straight to our address (port 5353), or multicast. */
  const respond = (
    records: ResourceRecord[],
    o: { unicast?: boolean; interfaceName?: string; family?: "IPv4" | "IPv6" } = {},
  ) => {
    const interfaceName = o.interfaceName ?? "eth0";
    const family = o.family ?? "IPv4";
    const address = family === "IPv6"
      ? interfaceName === "eth0" ? "fe80::2" : "fe80::12"
      : interfaceName === "eth0"
      ? "198.18.0.2"
      : "198.19.0.2";
    return peer.send(
      encodeMessage({
        id: 0,
        flags: MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE,
        questions: [],
        answers: records,
        authorities: [],
        additionals: [],
      }),
      { interfaceName, family, ...(o.unicast === false ? {} : { address }) },
    );
  };
  /** Our queries: time, link, family and whether the first question asked QU. */
  const ourQueries = () =>
    network.packets({ from: "us" }).map((p) => ({
      time: p.time,
      interfaceName: p.interfaceName,
      family: p.family,
      message: decodeMessage(p.data),
    })).filter((p) => (p.message.flags & MessageFlags.RESPONSE) === 0);
  return {
    clock,
    network,
    mdns,
    respond,
    ourQueries,
    events,
    async [Symbol.asyncDispose]() {
      await mdns.close();
      await network.close();
    },
  };
}

const drops = (events: MdnsEvent[]) =>
  events.filter((e) => e.type === "dropped" && e.reason === "unsolicited-unicast").length;

Deno.test("unicast response nobody asked for is not cached, and counted (§6)", async () => {
  await using s = await setup();
  await s.respond([ptr(TYPE, DEN), srv(DEN, "den.local")]);
  await s.clock.advanceAsync(10);
  assert.equal(s.mdns.peerCache.size, 0);
  assert.equal(s.mdns.stats.unsolicitedUnicast, 1);
  assert.equal(drops(s.events), 1);
  // The same response multicast is cached as ever (every reply lands in the peer cache).
  await s.respond([ptr(TYPE, DEN), srv(DEN, "den.local")], { unicast: false });
  await s.clock.advanceAsync(10);
  assert.equal(s.mdns.peerCache.size, 2);
  const stats = s.mdns.stats;
  assert.equal(stats.unsolicitedUnicast, 1);
  assert.equal(stats.responses, 1, "the ignored response is not counted as routed");
  assert.equal(stats.received, stats.queries + stats.responses + stats.unsolicitedUnicast);
});

Deno.test("unicast answer to our QU question within 2 s is accepted, with its additional records", async () => {
  await using s = await setup();
  const browser = s.mdns.browse("_http._tcp");
  await s.clock.advanceAsync(200); // the first query, QU (RFC 6762 §5.4)
  const [first] = s.ourQueries();
  assert.equal(first.message.questions[0].unicastResponse, true);
  await s.respond([
    ptr(TYPE, DEN),
    srv(DEN, "den.local"),
    txt(DEN, []),
    a("den.local", "198.18.0.9"),
  ]);
  await s.clock.advanceAsync(10);
  assert.equal(s.mdns.peerCache.size, 4);
  assert.equal(s.mdns.stats.unsolicitedUnicast, 0);
  assert.deepEqual(browser.services().map((x) => x.name), ["Den"]);
  await browser[Symbol.asyncDispose]();
});

Deno.test("unicast answer more than 2 s after our QU question, or to another question, is ignored", async () => {
  await using s = await setup();
  const browser = s.mdns.browse("_http._tcp", { resolve: false });
  await s.clock.advanceAsync(200);
  // A unicast answer to a name we never asked about, inside the window.
  await s.respond([a("elsewhere.local", "198.18.0.9")]);
  await s.clock.advanceAsync(10);
  assert.equal(s.mdns.stats.unsolicitedUnicast, 1);
  // The later queries are QM: 2.5 s after the QU one, a unicast PTR is stale.
  const qu = s.ourQueries()[0].time;
  await s.clock.advanceAsync(qu + 2500 - s.clock.now());
  await s.respond([ptr(TYPE, DEN)]);
  await s.clock.advanceAsync(10);
  assert.equal(s.mdns.peerCache.size, 0);
  assert.equal(s.mdns.stats.unsolicitedUnicast, 2);
  assert.deepEqual(browser.services(), []);
  await browser[Symbol.asyncDispose]();
});

Deno.test("unicast answer on a link we did not ask on is ignored", async () => {
  await using s = await setup({ twoLinks: true });
  const browser = s.mdns.browse("_http._tcp", { resolve: false, interfaces: ["eth0"] });
  await s.clock.advanceAsync(200);
  assert.ok(s.ourQueries().every((p) => p.interfaceName === "eth0"));
  await s.respond([ptr(TYPE, DEN)], { interfaceName: "eth1" });
  await s.clock.advanceAsync(10);
  assert.equal(s.mdns.stats.unsolicitedUnicast, 1);
  await s.respond([ptr(TYPE, DEN)], { interfaceName: "eth0", family: "IPv6" });
  await s.clock.advanceAsync(10);
  assert.equal(s.mdns.stats.unsolicitedUnicast, 1);
  assert.equal(s.mdns.peerCache.lookup(TYPE, RecordType.PTR).length, 1);
  assert.deepEqual(s.mdns.peerCache.lookup(TYPE, RecordType.PTR)[0].interfaceName, "eth0");
  await browser[Symbol.asyncDispose]();
});

Deno.test("unicast NSEC answering our QU address question is accepted (§6.1)", async () => {
  await using s = await setup();
  const pending = s.mdns.lookupHost("box.local", { family: "IPv6", timeout: 1000 });
  const rejected = assert.rejects(pending, /says so/);
  await s.clock.advanceAsync(200);
  await s.respond([nsec("box.local", [RecordType.A])]);
  await s.clock.advanceAsync(10);
  await rejected;
  assert.equal(s.mdns.stats.unsolicitedUnicast, 0);
});
