import assert from "node:assert/strict";
import { MemoryNetwork, type TransportEvent, VirtualClock } from "../../testing/mod.ts";
import { bytes, IPV4, probe, setup } from "./memory_helpers.ts";

Deno.test("link down and up: events, send failure, no reception while down", async () => {
  const { clock, network } = setup();
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  const b = await probe(network, "b", [{ name: "eth0", link: "lan", ipv4: "198.18.0.3" }]);
  const eth0 = { name: "eth0", index: 1, ipv4: ["198.18.0.3/24"], ipv6: [] };
  assert.deepEqual(b.events, [{ type: "link-added", link: eth0 }], "start announces links");
  b.events.length = 0;
  b.host.setLinkUp("eth0", false);
  b.host.setLinkUp("eth0", false); // no change, no event
  assert.deepEqual(b.events, [{ type: "link-down", link: eth0 }]);
  assert.equal(b.host.links.length, 0);
  assert.equal(b.host.interfaces[0].up, false);
  await a.host.send(bytes(1), IPV4);
  clock.advance(1);
  assert.equal(b.received.length, 0, "a down interface hears nothing");
  assert.equal(await b.host.send(bytes(2), IPV4), false);
  assert.equal(b.events[1].type, "send-error");
  assert.match((b.events[1] as { error: Error }).error.message, /^Interface is down: eth0$/);
  assert.deepEqual((b.events[1] as { destination: unknown }).destination, IPV4);
  assert.equal(network.log.length, 1, "a failed send never reaches the wire");
  b.host.setLinkUp("eth0", true);
  assert.deepEqual(b.events[2], { type: "link-up", link: eth0 });
  assert.equal(b.host.links.length, 1);
  await a.host.send(bytes(3), IPV4);
  clock.advance(1);
  assert.deepEqual(b.received.map((d) => d.data[0]), [3]);
  await network.close();
});

Deno.test("a link that goes down while a datagram is in flight does not receive it", async () => {
  const { clock, network } = setup();
  network.link("lan", { delayMs: 10 });
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  const b = await probe(network, "b", [{ name: "eth0", link: "lan", ipv4: "198.18.0.3" }]);
  await a.host.send(bytes(1), IPV4);
  clock.advance(5);
  b.host.setLinkUp("eth0", false);
  clock.advance(5);
  assert.equal(b.received.length, 0);
  await network.close();
});

Deno.test("adding and removing interfaces emits link events and changes routing", async () => {
  const { clock, network } = setup();
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  const b = await probe(network, "b", []);
  assert.equal(b.host.links.length, 0);
  b.host.addInterface({ name: "wlan0", link: "lan", ipv6: "fe80::3", index: 7 });
  b.host.addInterface({ name: "eth1", link: "lan", ipv4: "198.18.0.3", up: false });
  const eth1 = { name: "eth1", index: 8, ipv4: ["198.18.0.3/24"], ipv6: [] };
  assert.deepEqual(b.events, [
    { type: "link-added", link: { name: "wlan0", index: 7, ipv4: [], ipv6: ["fe80::3/64"] } },
    { type: "link-added", link: eth1 },
    { type: "link-down", link: eth1 },
  ], "an interface added down is added, then reported down");
  assert.equal(b.host.interfaces[1].index, 8, "indexes continue after the highest");
  assert.deepEqual(b.host.links.map((l) => l.name), ["wlan0"]);
  b.host.setLinkUp("eth1", true);
  await a.host.send(bytes(1), IPV4);
  clock.advance(1);
  assert.deepEqual(b.received.map((d) => d.interfaceName), ["eth1"]);
  b.host.removeInterface("eth1");
  assert.deepEqual(b.events.slice(3), [
    { type: "link-up", link: eth1 },
    { type: "link-removed", link: eth1 },
  ]);
  await a.host.send(bytes(2), IPV4);
  clock.advance(1);
  assert.equal(b.received.length, 1);
  assert.equal(await b.host.send(bytes(3), { interfaceName: "eth1", family: "IPv4" }), false);
  assert.match((b.events[5] as { error: Error }).error.message, /^Unknown interface: eth1$/);
  assert.throws(() => b.host.removeInterface("eth1"), TypeError);
  assert.throws(() => b.host.setLinkUp("nope", true), TypeError);
  assert.throws(() => b.host.addInterface({ name: "wlan0", link: "lan" }), TypeError);
  await network.close();
});

Deno.test("changing addresses reports link-changed and changes routing", async () => {
  const { clock, network } = setup();
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  const b = await probe(network, "b", [
    { name: "eth1", link: "lan", ipv4: "198.18.0.3", ipv6: "fe80::3" },
    { name: "eth0", link: "lan", ipv4: "198.18.0.4" },
  ]);
  assert.deepEqual(b.host.links.map((l) => l.name), ["eth0", "eth1"], "sorted by name");
  b.events.length = 0;
  b.host.setAddresses("eth1", { ipv4: "198.18.0.30/16" });
  assert.deepEqual(b.events, [
    {
      type: "link-changed",
      link: { name: "eth1", index: 1, ipv4: ["198.18.0.30/16"], ipv6: ["fe80::3/64"] },
      previous: { name: "eth1", index: 1, ipv4: ["198.18.0.3/24"], ipv6: ["fe80::3/64"] },
    },
  ]);
  b.host.setAddresses("eth1", { ipv4: "198.18.0.30/16" });
  assert.equal(b.events.length, 1, "the same addresses again change nothing");
  assert.throws(() => b.host.setAddresses("eth1", { ipv4: "10.0.0.1", ipv6: "bad" }), TypeError);
  assert.equal(b.host.address("eth1", "IPv4"), "198.18.0.30", "a rejected change changes nothing");
  await a.host.send(bytes(1), { ...IPV4, address: "198.18.0.3" });
  await a.host.send(bytes(2), { ...IPV4, address: "198.18.0.30" });
  clock.advance(1);
  assert.deepEqual(b.received.map((d) => d.data[0]), [2]);
  await network.close();
});

Deno.test("closing a host stops delivery, even of datagrams in flight", async () => {
  const { clock, network } = setup();
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  const b = await probe(network, "b", [{ name: "eth0", link: "lan", ipv4: "198.18.0.3" }]);
  await a.host.send(bytes(1), IPV4);
  await b.host.close();
  await b.host.close(); // idempotent
  assert.equal(b.host.closed, true);
  assert.equal(b.host.running, false);
  clock.advance(1);
  assert.equal(b.received.length, 0);
  await a.host.send(bytes(2), IPV4);
  assert.deepEqual(network.log.at(-1)?.receivers, [], "a closed host is not a receiver");
  assert.equal(await b.host.send(bytes(3), IPV4), false);
  assert.deepEqual(b.events.map((e) => e.type), ["link-added"], "no events after close");
  await assert.rejects(
    b.host.start({ onDatagram() {}, onEvent() {} }),
    new TypeError("Cannot start host b: it is closed"),
  );
  // A closed host's name can be taken again, to restart it.
  const b2 = await probe(network, "b", [{ name: "eth0", link: "lan", ipv4: "198.18.0.3" }]);
  await a.host.send(bytes(4), IPV4);
  clock.advance(1);
  assert.deepEqual(b2.received.map((d) => d.data[0]), [4]);
  await network.close();
});

Deno.test("hosts follow the Transport lifecycle", async () => {
  const { network } = setup();
  const host = network.host("a", { interfaces: [{ name: "eth0", link: "lan", ipv4: "10.0.0.1" }] });
  assert.equal(await host.send(bytes(1), IPV4), false, "not started: false, nothing sent");
  assert.equal(network.log.length, 0);
  {
    await using h = host;
    await h.start({ onDatagram() {}, onEvent() {} });
    await assert.rejects(h.start({ onDatagram() {}, onEvent() {} }), /it is already started/);
    assert.equal(network.getHost("a"), h);
  }
  assert.equal(host.closed, true, "asyncDispose closes");
  const other = network.host("v");
  await assert.rejects(other.start({} as never), TypeError);
  assert.throws(() => network.host("x", { port: 0 }), RangeError);
  assert.throws(() => network.host("y", { interfaces: [{ name: "e", link: "l", ipv4: "1.2.3" }] }));
  assert.throws(() =>
    network.host("z", { interfaces: [{ name: "e", link: "l", ipv6: "fe80::1::2" }] })
  );
  network.host("w");
  assert.throws(() => network.host("w"), /Host already exists: w/);
  assert.throws(() => network.link("lan", { loss: 2 }), RangeError);
  assert.throws(() => network.link("lan", { delayMs: [5, 1] }), RangeError);
  assert.throws(() => new MemoryNetwork({ clock: new VirtualClock(), latencyMs: -1 }), RangeError);
  await network.close();
});

Deno.test("send never rejects, even on bad arguments", async () => {
  const { network } = setup();
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  const bad = [
    () => a.host.send("nope" as unknown as Uint8Array, IPV4),
    () => a.host.send(bytes(1), { interfaceName: "eth0", family: "IPX" as "IPv4" }),
    () => a.host.send(bytes(1), { ...IPV4, port: 70000 }),
    () => a.host.send(bytes(1), { ...IPV4, address: "not-an-address" }),
  ];
  a.events.length = 0;
  for (const send of bad) assert.equal(await send(), false);
  assert.deepEqual(a.events.map((e) => e.type), Array(4).fill("send-error"));
  assert.ok(a.events.every((e) => e.type === "send-error" && e.error instanceof Error));
  assert.equal(network.log.length, 0);
  await network.close();
});

Deno.test("injected datagrams arrive synchronously, as crafted", async () => {
  const { network } = setup();
  const a = await probe(network, "a", [
    { name: "eth0", link: "lan", ipv4: "198.18.0.2", ipv6: "fe80::2" },
    { name: "eth1", link: "other", ipv4: "198.19.0.2" },
  ]);
  const payload = bytes(0xde, 0xad);
  assert.equal(network.inject("a", { data: payload, source: { address: "198.18.0.77" } }), true);
  assert.equal(
    a.host.deliver({
      data: payload,
      interfaceName: "eth1",
      source: { address: "fe80::9", port: 1234 },
      unicast: true,
    }),
    true,
  );
  assert.deepEqual(a.received, [
    {
      data: payload,
      interfaceName: "eth0",
      family: "IPv4",
      source: { address: "198.18.0.77", port: 5353 },
      unicast: false,
    },
    {
      data: payload,
      interfaceName: "eth1",
      family: "IPv6",
      source: { address: "fe80::9", port: 1234 },
      unicast: true,
    },
  ]);
  assert.notEqual(a.received[0].data, payload, "a copy is delivered");
  assert.equal(network.log.length, 0, "injections are not logged");
  assert.equal(
    network.inject("a", { data: payload, interfaceName: "eth9", source: a.received[0].source }),
    false,
  );
  a.host.setLinkUp("eth0", false);
  assert.equal(network.inject("a", { data: payload, source: { address: "198.18.0.77" } }), false);
  assert.throws(() => network.inject("nobody", { data: payload, source: { address: "1.1.1.1" } }));
  await network.close();
  assert.equal(network.inject("a", { data: payload, source: { address: "1.1.1.1" } }), false);
});

Deno.test("a throwing datagram handler is reported as a receive-error", async () => {
  const { clock, network } = setup();
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  const b = network.host("b", { interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.3" }] });
  const events: TransportEvent[] = [];
  await b.start({
    onDatagram: () => {
      throw new Error("boom");
    },
    onEvent: (e) => events.push(e),
  });
  events.length = 0; // the link-added from start()
  await a.host.send(bytes(1), IPV4);
  clock.advance(1);
  assert.equal(events.length, 1);
  const event = events[0];
  assert.equal(event.type, "receive-error");
  assert.equal(event.type === "receive-error" && event.interfaceName, "eth0");
  assert.equal(event.type === "receive-error" && event.error.message, "boom");
  await network.close();
});

Deno.test("link events: each kind, exactly once, and none for a down link's addresses", async () => {
  const { network } = setup();
  const b = await probe(network, "b", [
    { name: "eth1", link: "lan", ipv4: "198.18.0.3", up: false },
    { name: "eth0", link: "lan", ipv4: "198.18.0.2" },
  ]);
  const eth0 = { name: "eth0", index: 2, ipv4: ["198.18.0.2/24"], ipv6: [] };
  const eth1 = { name: "eth1", index: 1, ipv4: ["198.18.0.3/24"], ipv6: [] };
  assert.deepEqual(b.events, [
    { type: "link-added", link: eth0 },
    { type: "link-added", link: eth1 },
    { type: "link-down", link: eth1 },
  ], "start: every interface added, in name order; a down one reported down");
  assert.deepEqual(b.host.links, [eth0]);
  b.events.length = 0;
  b.host.setAddresses("eth1", { ipv4: "198.18.0.33" });
  assert.deepEqual(b.events, [], "a down interface's addresses change silently");
  b.host.setLinkUp("eth1", true);
  const eth1b = { ...eth1, ipv4: ["198.18.0.33/24"] };
  assert.deepEqual(b.events, [{ type: "link-up", link: eth1b }], "link-up carries them");
  b.events.length = 0;
  b.host.setAddresses("eth0", { ipv6: "fe80::2" });
  b.host.setLinkUp("eth0", false);
  b.host.removeInterface("eth0");
  const eth0b = { ...eth0, ipv6: ["fe80::2/64"] };
  assert.deepEqual(b.events, [
    { type: "link-changed", link: eth0b, previous: eth0 },
    { type: "link-down", link: eth0b },
    { type: "link-removed", link: eth0b },
  ]);
  assert.deepEqual(b.host.links, [eth1b]);
  await network.close();
});
