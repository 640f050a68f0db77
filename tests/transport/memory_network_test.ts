import assert from "node:assert/strict";
import { MemoryNetwork, seededRandom, VirtualClock } from "../../testing/mod.ts";
import { bytes, IPV4, IPV6, probe, setup } from "./memory_helpers.ts";

Deno.test("multicast reaches other hosts on the same link only, never the sender", async () => {
  const { clock, network } = setup();
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }]);
  const b = await probe(network, "b", [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/24" }]);
  const c = await probe(network, "c", [{ name: "en1", link: "lan", ipv4: "198.18.0.4/24" }]);
  const d = await probe(network, "d", [{ name: "eth0", link: "other", ipv4: "198.18.0.5/24" }]);
  assert.equal(await a.host.send(bytes(1, 2, 3), IPV4), true);
  clock.advance(10);
  assert.equal(a.received.length, 0, "no echo to the sender");
  assert.equal(d.received.length, 0, "nothing crosses to another link");
  for (const [p, ifName] of [[b, "eth0"], [c, "en1"]] as const) {
    assert.equal(p.received.length, 1);
    assert.deepEqual(p.received[0], {
      data: bytes(1, 2, 3),
      interfaceName: ifName,
      family: "IPv4",
      source: { address: "198.18.0.2", port: 5353 },
      unicast: false,
    });
  }
  await network.close();
});

Deno.test("multicast stays within its address family", async () => {
  const { clock, network } = setup();
  const a = await probe(network, "a", [
    { name: "eth0", link: "lan", ipv4: "198.18.0.2/24", ipv6: ["fd00::2/64", "fe80::2/64"] },
  ]);
  const v4 = await probe(network, "v4", [{ name: "eth0", link: "lan", ipv4: "198.18.0.3" }]);
  const v6 = await probe(network, "v6", [{ name: "eth0", link: "lan", ipv6: "fe80::3" }]);
  await a.host.send(bytes(4), IPV4);
  await a.host.send(bytes(6), IPV6);
  clock.advance(1);
  assert.deepEqual(v4.received.map((d) => [d.family, d.data[0]]), [["IPv4", 4]]);
  assert.deepEqual(v6.received.map((d) => [d.family, d.data[0]]), [["IPv6", 6]]);
  // ff02::fb is link-scoped: the source is the link-local address, not the first listed.
  assert.equal(v6.received[0].source.address, "fe80::2");
  // An IPv4-only host cannot send IPv6.
  assert.equal(await v4.host.send(bytes(0), IPV6), false);
  assert.deepEqual(v4.events.map((e) => e.type), ["link-added", "send-error"]);
  assert.match((v4.events[1] as { error: Error }).error.message, /no IPv6 address: eth0/);
  await network.close();
});

Deno.test("unicast reaches only the address owner, tagged unicast", async () => {
  const { clock, network } = setup();
  const lan = (n: number) => [
    {
      name: "eth0",
      link: "lan",
      ipv4: `198.18.0.${n}/24`,
      ipv6: [`fe80::${n}/64`, `fd00::${n}/64`],
    },
  ];
  const a = await probe(network, "a", lan(2));
  const b = await probe(network, "b", lan(3));
  const c = await probe(network, "c", lan(4));
  await a.host.send(bytes(1), { ...IPV4, address: "198.18.0.3" });
  // Another spelling of fd00::4, and a zone suffix, still find c.
  await a.host.send(bytes(2), { ...IPV6, address: "FD00:0:0::4" });
  await a.host.send(bytes(3), { ...IPV6, address: "fe80::4%eth0" });
  await a.host.send(bytes(4), { ...IPV4, address: "198.18.0.99" }); // nobody
  clock.advance(1);
  assert.deepEqual(b.received.map((d) => [d.data[0], d.unicast, d.source.address]), [
    [1, true, "198.18.0.2"],
  ]);
  // Unicast to a global address leaves from a global address; to fe80, from fe80.
  assert.deepEqual(c.received.map((d) => [d.data[0], d.unicast, d.source.address]), [
    [2, true, "fd00::2"],
    [3, true, "fe80::2"],
  ]);
  assert.equal(a.received.length, 0);
  assert.deepEqual(network.log.map((e) => e.receivers), [["b"], ["c"], ["c"], []]);
  // Unicast to one's own address loops back, as through a kernel.
  await a.host.send(bytes(5), { ...IPV4, address: "198.18.0.2" });
  clock.advance(1);
  assert.deepEqual(a.received.map((d) => [d.data[0], d.unicast]), [[5, true]]);
  await network.close();
});

Deno.test("ports: a host on another port sends from it and hears only that port", async () => {
  const { clock, network } = setup();
  const responder = await probe(network, "r", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  const legacy = await probe(
    network,
    "q",
    [{ name: "eth0", link: "lan", ipv4: "198.18.0.9" }],
    49152,
  );
  await legacy.host.send(bytes(1), IPV4); // a legacy query to the group, from port 49152
  clock.advance(1);
  assert.deepEqual(responder.received[0].source, { address: "198.18.0.9", port: 49152 });
  await responder.host.send(bytes(2), IPV4); // multicast on 5353: the legacy socket misses it
  await responder.host.send(bytes(3), { ...IPV4, address: "198.18.0.9" }); // to 5353: no one
  await responder.host.send(bytes(4), { ...IPV4, address: "198.18.0.9", port: 49152 });
  clock.advance(1);
  assert.deepEqual(legacy.received.map((d) => [d.data[0], d.unicast]), [[4, true]]);
  assert.equal(network.log.at(-1)?.port, 49152);
  await network.close();
});

Deno.test("delivery happens on the virtual clock, after the link's delay", async () => {
  const { clock, network } = setup();
  network.link("slow", { delayMs: 50 });
  const a = await probe(network, "a", [
    { name: "eth0", link: "lan", ipv4: "198.18.0.2" },
    { name: "eth1", link: "slow", ipv4: "198.19.0.2" },
  ]);
  const b = network.host("b", {
    interfaces: [
      { name: "eth0", link: "lan", ipv4: "198.18.0.3" },
      { name: "eth1", link: "slow", ipv4: "198.19.0.3" },
    ],
  });
  const arrivals: [string, number][] = [];
  await b.start({ onDatagram: (d) => arrivals.push([d.interfaceName, clock.now()]), onEvent() {} });
  await a.host.send(bytes(0), IPV4);
  await a.host.send(bytes(0), { interfaceName: "eth1", family: "IPv4" });
  assert.deepEqual(arrivals, [], "nothing arrives synchronously");
  assert.equal(network.inFlight, 2);
  clock.advance(0.5);
  assert.deepEqual(arrivals, []);
  clock.advance(0.5);
  assert.deepEqual(arrivals, [["eth0", 1]]);
  clock.advance(48);
  assert.equal(arrivals.length, 1);
  clock.advance(1);
  assert.deepEqual(arrivals, [["eth0", 1], ["eth1", 50]]);
  assert.equal(network.inFlight, 0);
  await network.close();
});

Deno.test("network latencyMs is every link's default delay; a range is drawn per datagram", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, latencyMs: 7, random: seededRandom(5) });
  network.link("jittery", { delayMs: [10, 20] });
  const times: Record<string, number[]> = { lan: [], jittery: [] };
  const host = (name: string, n: number) =>
    network.host(name, {
      interfaces: [
        { name: "lan", link: "lan", ipv4: `198.18.0.${n}` },
        { name: "jittery", link: "jittery", ipv4: `198.19.0.${n}` },
      ],
    });
  const a = host("a", 2), b = host("b", 3);
  await a.start({ onDatagram() {}, onEvent() {} });
  await b.start({ onDatagram: (d) => times[d.interfaceName].push(clock.now()), onEvent() {} });
  for (let i = 0; i < 200; i++) {
    await a.send(bytes(i), { interfaceName: "lan", family: "IPv4" });
    await a.send(bytes(i), { interfaceName: "jittery", family: "IPv4" });
  }
  clock.advance(100);
  assert.deepEqual(new Set(times.lan), new Set([7]));
  assert.equal(times.jittery.length, 200);
  assert.ok(times.jittery.every((t) => t >= 10 && t <= 20));
  assert.ok(new Set(times.jittery).size > 100, "delays vary");
  await network.close();
});

async function lossyRun(seed: number) {
  const { clock, network } = setup({ random: seededRandom(seed) });
  network.link("lan", { loss: 0.3, duplicate: 0.1 });
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  const b = await probe(network, "b", [{ name: "eth0", link: "lan", ipv4: "198.18.0.3" }]);
  const n = 4000;
  for (let i = 0; i < n; i++) await a.host.send(bytes(i & 0xff, i >> 8), IPV4);
  clock.advance(1);
  const ids = b.received.map((d) => d.data[0] | (d.data[1] << 8));
  await network.close();
  return { n, ids, log: network.log };
}

Deno.test("loss and duplication follow the link's rates, reproducibly per seed", async () => {
  const { n, ids, log } = await lossyRun(11);
  const dropped = log.filter((e) => e.dropped).length;
  const duplicated = log.filter((e) => e.duplicated).length;
  assert.ok(Math.abs(dropped / n - 0.3) < 0.03, `loss rate ${dropped / n}`);
  // Duplication is drawn for datagrams that survive.
  assert.ok(Math.abs(duplicated / (n - dropped) - 0.1) < 0.02, `dup rate ${duplicated / n}`);
  assert.equal(ids.length, n - dropped + duplicated);
  // Exactly the datagrams the log says survived arrived, the duplicated ones twice.
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  log.forEach((e, i) => {
    assert.equal(counts.get(i) ?? 0, e.dropped ? 0 : e.duplicated ? 2 : 1);
    assert.equal(e.dropped && e.duplicated, false);
    assert.deepEqual(e.receivers, e.dropped ? [] : ["b"]);
  });
  assert.deepEqual((await lossyRun(11)).ids, ids, "same seed, same fate");
  assert.notDeepEqual((await lossyRun(12)).ids, ids);
});

Deno.test("a lossless network draws nothing from the random source", async () => {
  let draws = 0;
  const { clock, network } = setup({ random: () => (draws++, 0.5) });
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  await probe(network, "b", [{ name: "eth0", link: "lan", ipv4: "198.18.0.3" }]);
  await a.host.send(bytes(1), IPV4);
  clock.advance(1);
  assert.equal(draws, 0);
  await network.close();
});

Deno.test("the packet log records each send, filters, clears and stays bounded", async () => {
  const clock = new VirtualClock(100);
  const network = new MemoryNetwork({ clock, logLimit: 3 });
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  const b = await probe(network, "b", [{ name: "eth0", link: "lan", ipv4: "198.18.0.3" }]);
  const buffer = bytes(9, 9);
  await a.host.send(buffer, IPV4);
  buffer[0] = 0; // senders may reuse buffers: neither the log nor the receiver sees this
  clock.advance(5);
  await b.host.send(bytes(7), { ...IPV4, address: "198.18.0.2" });
  assert.deepEqual(network.log[0], {
    time: 100,
    from: "a",
    interfaceName: "eth0",
    link: "lan",
    family: "IPv4",
    source: { address: "198.18.0.2", port: 5353 },
    to: "multicast",
    port: 5353,
    data: bytes(9, 9),
    dropped: false,
    duplicated: false,
    receivers: ["b"],
  });
  assert.deepEqual(b.received[0].data, bytes(9, 9));
  assert.equal(network.log[1].time, 105);
  assert.equal(network.log[1].to, "198.18.0.2");
  assert.deepEqual(network.packets({ from: "b" }).map((e) => e.data), [bytes(7)]);
  assert.deepEqual(network.packets({ receivedBy: "a", to: "198.18.0.2" }).length, 1);
  assert.deepEqual(network.packets({ to: "multicast", since: 101 }), []);
  assert.deepEqual(network.packets({ family: "IPv6" }), []);
  for (let i = 0; i < 5; i++) await a.host.send(bytes(i), IPV4);
  assert.deepEqual(network.log.map((e) => e.data[0]), [2, 3, 4], "oldest entries go first");
  network.clearLog();
  assert.equal(network.log.length, 0);
  await network.close();
});

Deno.test("a host with two interfaces on one link hears a neighbour on both", async () => {
  const { clock, network } = setup();
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  const b = await probe(network, "b", [
    { name: "eth0", link: "lan", ipv4: "198.18.0.3" },
    { name: "wlan0", link: "lan", ipv4: "198.18.0.4" },
  ]);
  await a.host.send(bytes(1), IPV4);
  clock.advance(1);
  assert.deepEqual(b.received.map((d) => d.interfaceName), ["eth0", "wlan0"]);
  b.received[0].data[0] = 99;
  assert.equal(b.received[1].data[0], 1, "each delivery is its own copy");
  await network.close();
});

Deno.test("network close cancels deliveries in flight and closes every host", async () => {
  const { clock, network } = setup();
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  const b = await probe(network, "b", [{ name: "eth0", link: "lan", ipv4: "198.18.0.3" }]);
  await a.host.send(bytes(1), IPV4);
  assert.equal(clock.pending, 1);
  await network.close();
  assert.equal(clock.pending, 0);
  assert.equal(network.inFlight, 0);
  assert.ok(network.hosts.every((h) => h.closed));
  assert.equal(b.received.length, 0);
});

Deno.test("copyPerReceiver: false hands every receiver of one send the same copy, still not the sender's buffer", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, copyPerReceiver: false });
  const a = await probe(network, "a", [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }]);
  const b = await probe(network, "b", [{ name: "eth0", link: "lan", ipv4: "198.18.0.3" }]);
  const c = await probe(network, "c", [{ name: "eth0", link: "lan", ipv4: "198.18.0.4" }]);
  const payload = bytes(1, 2);
  await a.host.send(payload, IPV4);
  payload[0] = 99; // the sender may reuse its buffer at once
  clock.advance(1);
  assert.deepEqual(b.received[0].data, bytes(1, 2));
  assert.equal(b.received[0].data, c.received[0].data, "one buffer for both receivers");
  await network.close();
});
