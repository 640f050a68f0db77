import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { type Harness, harness, isProbe, isResponse } from "./_harness.ts";

const twoLinks = {
  interfaces: [
    { name: "eth0", link: "lan0", ipv4: "198.18.0.2/24", ipv6: ["fe80::2/64", "fd00:53::2/64"] },
    { name: "eth1", link: "lan1", ipv4: "198.18.1.2/24", ipv6: ["fe80::1:2/64"] },
  ],
  testerInterfaces: [
    { name: "eth0", link: "lan0", ipv4: "198.18.0.9/24", ipv6: ["fe80::9/64"] },
    { name: "eth1", link: "lan1", ipv4: "198.18.1.9/24", ipv6: ["fe80::1:9/64"] },
  ],
};

const addresses = (h: Harness, interfaceName: string) =>
  new Set(
    h.sent({ interfaceName }).flatMap((s) => [...s.message.answers, ...s.message.additionals])
      .filter((r) => r.type === RecordType.A || r.type === RecordType.AAAA).map((r) => r.data),
  );

Deno.test("interfaces: each link is told only its own addresses, link-local ones included", async () => {
  const h = await harness(twoLinks);
  const p = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
  await h.clock.advanceAsync(5000);
  await p;
  for (const iface of ["eth0", "eth1"]) {
    await h.send({
      questions: [{ name: "box.local", type: RecordType.ANY, class: 1, unicastResponse: false }],
    }, { interfaceName: iface });
  }
  await h.clock.advanceAsync(2000);
  assert.deepEqual([...addresses(h, "eth0")].sort(), ["198.18.0.2", "fd00:53::2", "fe80::2"]);
  assert.deepEqual([...addresses(h, "eth1")].sort(), ["198.18.1.2", "fe80::1:2"]);
  await h.close();
});

Deno.test("interfaces: a service limited to one interface is invisible on the other link", async () => {
  const h = await harness(twoLinks);
  const p = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80, interfaces: ["eth0"] });
  await h.clock.advanceAsync(5000);
  await p;
  await h.send({
    questions: [
      { name: "_http._tcp.local", type: RecordType.PTR, class: 1, unicastResponse: false },
      { name: "Den._http._tcp.local", type: RecordType.ANY, class: 1, unicastResponse: false },
      {
        name: "_services._dns-sd._udp.local",
        type: RecordType.PTR,
        class: 1,
        unicastResponse: false,
      },
    ],
  }, { interfaceName: "eth1" });
  await h.clock.advanceAsync(2000);
  const onEth1 = h.sent({ interfaceName: "eth1" }).flatMap((s) => [
    ...s.message.questions.map((q) => q.name),
    ...s.message.answers.map((r) => r.name),
    ...s.message.authorities.map((r) => r.name),
    ...s.message.additionals.map((r) => r.name),
  ]);
  assert.ok(onEth1.length > 0, "the host name is still published on eth1");
  assert.ok(!onEth1.some((n) => n.includes("_http") || n.includes("_services")), onEth1.join());
  assert.ok(
    h.sent({ interfaceName: "eth0" }).some((s) =>
      s.message.answers.some((r) => r.name === "Den._http._tcp.local")
    ),
  );
  await h.close();
});

Deno.test("interfaces: a proxied host is probed and announced with its given addresses", async () => {
  const h = await harness();
  const p = h.mdns.publish({
    name: "Printer",
    type: "_ipp._tcp",
    port: 631,
    host: "printer.local",
    addresses: ["198.18.0.50", "fd00:53::50"],
  });
  await h.clock.advanceAsync(5000);
  const service = await p;
  assert.equal(service.host, "printer.local");
  const probes = h.sent({ family: "IPv4" }).filter((s) => !isResponse(s));
  assert.ok(probes.some((s) => s.message.questions.some((q) => q.name === "printer.local")));
  const announced = h.sent({ family: "IPv4" }).filter(isResponse).flatMap((s) => s.message.answers);
  const proxied = announced.filter((r) => r.name === "printer.local").map((r) => r.data);
  assert.ok(proxied.includes("198.18.0.50") && proxied.includes("fd00:53::50"));
  const srv = announced.find((r) => r.type === RecordType.SRV)!;
  assert.equal((srv.data as { target: string }).target, "printer.local");
  // Our own host name is not claimed for a proxy-only stack.
  assert.ok(!announced.some((r) => r.name === "box.local"));
  await service.unpublish();
  const goodbye = h.sent({ since: h.clock.now() }).flatMap((s) => s.message.answers);
  assert.ok(
    goodbye.some((r) => r.name === "printer.local" && r.ttl === 0),
    "the proxied host goes too",
  );
  await h.close();
});

Deno.test("interfaces: a link that goes away takes its address records, without errors", async () => {
  const h = await harness(twoLinks);
  const p = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
  await h.clock.advanceAsync(5000);
  await p;
  h.network.getHost("a")!.removeInterface("eth1");
  await h.clock.advanceAsync(1000);
  const a = h.mdns.localCache.lookup("box.local", RecordType.A).map((r) => r.record.data);
  assert.deepEqual(a, ["198.18.0.2"]);
  await h.close();
});

Deno.test("interfaces: an address change on one link is told on that link only, with a goodbye and no re-probe", async () => {
  const h = await harness(twoLinks);
  const p = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
  await h.clock.advanceAsync(5000);
  await p;
  const since = h.clock.now();
  h.network.getHost("a")!.setAddresses("eth1", { ipv4: "198.18.1.5/24" });
  await h.clock.advanceAsync(5000);
  assert.equal(h.sent({ since }).filter((s) => !isResponse(s)).length, 0, "no probe: still ours");
  assert.deepEqual(h.sent({ since, interfaceName: "eth0" }), [], "eth0 hears nothing of it");
  const after = h.sent({ since, family: "IPv4" });
  const records = after.flatMap((s) => s.message.answers.map((r) => ({ ...r, at: s.time })));
  assert.deepEqual(
    records.filter((r) => r.ttl === 0).map((r) => `${r.at - since} ${r.name} ${r.data}`),
    [
      "0 box.local 198.18.1.2",
      "0 2.1.18.198.in-addr.arpa box.local",
    ],
    "a goodbye for the address that left and its reverse mapping, at once",
  );
  const a = records.filter((r) => r.type === RecordType.A && r.ttl > 0);
  assert.deepEqual([...new Set(a.map((r) => r.data))], ["198.18.1.5"]);
  assert.ok(a.length >= 2 && a.every((r) => r.cacheFlush), "announced twice with cache-flush");
  assert.equal(a[1].at - a[0].at, 1000);
  await h.close();
});

Deno.test("interfaces: a link that lost every address and got a new one probes its address again", async () => {
  const h = await harness({
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
    testerInterfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.9/24" }],
  });
  const p = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
  await h.clock.advanceAsync(5000);
  await p;
  const host = h.network.getHost("a")!;
  host.setAddresses("eth0", { ipv4: [] });
  await h.clock.advanceAsync(1000);
  const since = h.clock.now();
  host.setAddresses("eth0", { ipv4: "198.18.0.5/24" });
  await h.clock.advanceAsync(5000);
  const after = h.sent({ since });
  const probes = after.filter((s) => !isResponse(s));
  assert.ok(probes.length >= 3, `${probes.length} probes`);
  assert.ok(probes.every((s) => s.message.authorities.some((r) => r.data === "198.18.0.5")));
  const announced = after.filter(isResponse).flatMap((s) => s.message.answers)
    .filter((r) => r.type === RecordType.A);
  assert.ok(announced.length >= 2 && announced.every((r) => r.data === "198.18.0.5"));
  // And it answers for the address again.
  const at = h.clock.now();
  await h.send({
    questions: [{ name: "box.local", type: RecordType.A, class: 1, unicastResponse: false }],
  });
  await h.clock.advanceAsync(1000);
  const reply = h.sent({ since: at }).flatMap((s) => s.message.answers);
  assert.deepEqual(reply.map((r) => r.data), ["198.18.0.5"]);
  await h.close();
});

Deno.test("interfaces: a family that comes back to a link (a bounce seen without FFI: IPv6 gone, then back) probes and announces every name on it again (RFC 6762 §8.3, §13)", async () => {
  const h = await harness();
  const p = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
  await h.clock.advanceAsync(5000);
  await p;
  const host = h.network.getHost("a")!;
  // Deno without FFI sees a link bounce only as its IPv6 addresses going and coming back.
  host.setAddresses("eth0", { ipv4: "198.18.0.2/24", ipv6: [] });
  await h.clock.advanceAsync(1000);
  const since = h.clock.now();
  host.setAddresses("eth0", { ipv4: "198.18.0.2/24", ipv6: ["fe80::2/64"] });
  await h.clock.advanceAsync(5000);
  for (const family of ["IPv4", "IPv6"] as const) {
    const after = h.sent({ since, family });
    const probes = after.filter(isProbe);
    assert.ok(
      probes.filter((s) => s.message.questions.some((q) => q.name === "Den._http._tcp.local"))
        .length >= 3,
      `${family}: the service probed again`,
    );
    const srv = after.filter(isResponse).flatMap((s) => s.message.answers)
      .filter((r) => r.type === RecordType.SRV && r.name === "Den._http._tcp.local" && r.ttl > 0);
    assert.ok(srv.length >= 2, `${family}: the service announced again (${srv.length})`);
    const firstProbe = Math.min(...probes.map((s) => s.time));
    const firstSrv = Math.min(
      ...after.filter((s) =>
        isResponse(s) && s.message.answers.some((r) => r.type === RecordType.SRV)
      ).map((s) => s.time),
    );
    assert.ok(firstProbe < firstSrv, `${family}: probes before announcements`);
  }
  await h.close();
});
