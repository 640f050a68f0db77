import assert from "node:assert/strict";
import { type DnsMessage, RecordType, type ResourceRecord } from "../../codec/mod.ts";
import type { PublishEvent } from "../../responder/publish_options.ts";
import {
  A_IPV4,
  type Harness,
  harness,
  isProbe,
  isResponse,
  publishAndSettle,
} from "./_harness.ts";

const srv = (
  name: string,
  port = 9,
  cacheFlush = true,
  target = "other.local",
): ResourceRecord => ({
  name,
  type: RecordType.SRV,
  class: 1,
  cacheFlush,
  ttl: 120,
  data: { priority: 0, weight: 0, port, target },
});
const a = (name: string, address: string, cacheFlush = true): ResourceRecord => ({
  name,
  type: RecordType.A,
  class: 1,
  cacheFlush,
  ttl: 120,
  data: address,
});

/** The tester answers every probe for `name`'s label prefix with a conflicting record. */
function denyProbes(
  h: Harness,
  matches: (name: string) => boolean,
  record: (name: string) => ResourceRecord,
) {
  h.onHeard = (m: DnsMessage) => {
    if (m.flags & 0x8000 || m.authorities.length === 0) return;
    const answers = m.questions.filter((q) => matches(q.name)).map((q) => record(q.name));
    if (answers.length > 0) void h.send({ flags: 0x8400, answers });
  };
}

const probedNames = (h: Harness, since = 0) =>
  h.sent({ since, family: "IPv4" }).filter(isProbe).map((s) => ({
    time: s.time,
    names: s.message.questions.map((q) => q.name),
  }));

for (const cacheFlush of [true, false]) {
  Deno.test(`conflicts: a denial during probing (cache-flush ${cacheFlush}) renames the service to "Den (2)"`, async () => {
    const h = await harness();
    denyProbes(h, (n) => n === "Den._http._tcp.local", (n) => srv(n, 9, cacheFlush));
    const events: PublishEvent[] = [];
    const service = await publishAndSettle(h, {
      name: "Den",
      type: "_http._tcp",
      port: 80,
      onEvent: (e) => events.push(e),
    }, 3000);
    assert.equal(service.name, "Den (2)");
    assert.equal(service.fullName, "Den (2)._http._tcp.local");
    assert.deepEqual(events.map((e) => e.type), ["probing", "conflict", "renamed", "registered"]);
    assert.deepEqual(events[2], { type: "renamed", from: "Den", name: "Den (2)" });
    const probes = probedNames(h).filter((p) => p.names.some((n) => n.startsWith("Den (2)")));
    assert.equal(probes.length, 3);
    const denied = probedNames(h).find((p) => p.names.includes("Den._http._tcp.local"))!;
    assert.ok(probes[0].time - denied.time <= 1000, "the new name is probed within a second");
    // The old name is never announced.
    const announced = h.sent().filter(isResponse).flatMap((s) => s.message.answers);
    assert.ok(!announced.some((r) => r.name === "Den._http._tcp.local"));
    await h.close();
  });
}

Deno.test("conflicts: a host name conflict renames the host to box-2.local and the SRV follows", async () => {
  const h = await harness();
  denyProbes(h, (n) => n === "box.local", (n) => a(n, "198.18.0.77"));
  const service = await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 5000);
  assert.equal(service.host, "box-2.local");
  const answers = h.sent({ family: "IPv4" }).filter(isResponse).flatMap((s) => s.message.answers);
  const srvs = answers.filter((r) => r.type === RecordType.SRV);
  assert.ok(srvs.length > 0);
  assert.ok(srvs.every((r) => (r.data as { target: string }).target === "box-2.local"));
  assert.ok(answers.some((r) => r.name === "box-2.local" && r.data === A_IPV4));
  assert.ok(!answers.some((r) => r.name === "box.local" && r.ttl > 0));
  await h.close();
});

async function simultaneous(theirAddress: string) {
  const h = await harness({
    interfaces: [{ name: "eth0", link: "lan", ipv4: "169.254.99.200/16" }],
    testerInterfaces: [{ name: "eth0", link: "lan", ipv4: "169.254.7.7/16" }],
  });
  h.onHeard = (m) => {
    if (m.flags & 0x8000 || !m.questions.some((q) => q.name === "box.local")) return;
    if (h.heard.filter((x) => !(x.message.flags & 0x8000)).length > 1) return;
    // Our own probe of the same name, at the same time, with other data.
    void h.send({
      questions: [{ name: "box.local", type: RecordType.ANY, class: 1, unicastResponse: true }],
      authorities: [a("box.local", theirAddress, false)],
    });
  };
  const p = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
  await h.clock.advanceAsync(6000);
  await p;
  return h;
}

Deno.test("conflicts: simultaneous probe, we lose the tie-break: wait 1 s and probe again", async () => {
  const h = await simultaneous("169.254.200.50"); // later data wins (unsigned bytes)
  const hostProbes = probedNames(h).filter((p) => p.names.includes("box.local"));
  assert.ok(hostProbes.length >= 4, `${hostProbes.length} probes`);
  const gap = hostProbes[1].time - hostProbes[0].time;
  assert.ok(gap >= 1000 && gap <= 1100, `probed again after ${gap} ms`);
  assert.equal(hostProbes.length, 4, "one lost probe, then three");
  await h.close();
});

Deno.test("conflicts: simultaneous probe, we win the tie-break: carry on", async () => {
  const h = await simultaneous("169.254.1.1");
  const hostProbes = probedNames(h).filter((p) => p.names.includes("box.local"));
  assert.equal(hostProbes.length, 3);
  assert.equal(hostProbes[1].time - hostProbes[0].time, 250);
  await h.close();
});

Deno.test("conflicts: simultaneous probe with identical data is no conflict", async () => {
  const h = await simultaneous("169.254.99.200");
  const hostProbes = probedNames(h).filter((p) => p.names.includes("box.local"));
  assert.equal(hostProbes.length, 3);
  assert.ok(
    h.sent().filter(isResponse).some((s) => s.message.answers.some((r) => r.name === "box.local")),
  );
  await h.close();
});

Deno.test("conflicts: after announcing, a conflicting record makes us probe again, then rename if defended", async () => {
  const h = await harness();
  const events: PublishEvent[] = [];
  const service = await publishAndSettle(h, {
    name: "Den",
    type: "_http._tcp",
    port: 80,
    onEvent: (e) => events.push(e),
  }, 10_000);
  const since = h.clock.now();
  denyProbes(h, (n) => n === "Den._http._tcp.local", (n) => srv(n));
  await h.send({ flags: 0x8400, answers: [srv("Den._http._tcp.local")] });
  await h.clock.advanceAsync(5000);
  const probes = probedNames(h, since);
  assert.ok(probes[0].names.includes("Den._http._tcp.local"), "the same name is probed first");
  assert.ok(probes[0].time - since <= 260, `re-probe after ${probes[0].time - since} ms`);
  assert.equal(service.name, "Den (2)");
  assert.deepEqual(events.map((e) => e.type), [
    "probing",
    "registered",
    "conflict",
    "conflict",
    "renamed",
    "registered",
  ]);
  await h.close();
});

Deno.test("conflicts: 15 conflicts within 10 s, then at least 5 s between attempts", async () => {
  const h = await harness();
  denyProbes(h, (n) => n.startsWith("Den"), (n) => srv(n));
  const p = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
  p.catch(() => {});
  await h.clock.advanceAsync(60_000);
  // The first probe of each name is the start of an attempt.
  const starts: number[] = [];
  let last = "";
  for (const probe of probedNames(h)) {
    const name = probe.names.find((n) => n.startsWith("Den"));
    if (name === undefined) continue; // a probe of the host name alone
    if (name !== last) starts.push(probe.time);
    last = name;
  }
  assert.ok(starts.length >= 18, `${starts.length} attempts`);
  const first15 = starts.slice(0, 15);
  assert.ok(first15[14] - first15[0] < 10_000, "the first 15 come quickly");
  for (let i = 16; i < starts.length; i++) {
    assert.ok(
      starts[i] - starts[i - 1] >= 5000,
      `attempt ${i} after ${starts[i] - starts[i - 1]} ms`,
    );
  }
  await h.mdns.close();
  await h.network.close();
});

Deno.test("conflicts: identical rdata from another host is never a conflict", async () => {
  const h = await harness();
  const service = await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
  const since = h.clock.now();
  await h.send({ flags: 0x8400, answers: [a("box.local", A_IPV4)] });
  await h.send({
    flags: 0x8400,
    answers: [srv("Den._http._tcp.local", 80, true, "box.local")],
  });
  await h.clock.advanceAsync(5000);
  assert.equal(h.sent({ since }).filter(isProbe).length, 0);
  assert.equal(service.name, "Den");
  await h.close();
});

Deno.test("conflicts: responses before the first probe are ignored", async () => {
  const h = await harness();
  const p = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
  await h.send({ flags: 0x8400, answers: [srv("Den._http._tcp.local")] });
  await h.clock.advanceAsync(3000);
  assert.equal((await p).name, "Den");
  await h.close();
});

Deno.test("conflicts: a low-TTL copy or a goodbye of our shared PTR makes us announce it again", async () => {
  const h = await harness();
  await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
  const ptr = {
    name: "_http._tcp.local",
    type: RecordType.PTR,
    class: 1,
    cacheFlush: false,
    data: "Den._http._tcp.local",
  };
  for (const ttl of [100, 0]) {
    const since = h.clock.now();
    await h.send({ flags: 0x8400, answers: [{ ...ptr, ttl }] });
    await h.clock.advanceAsync(1500);
    const again = h.sent({ since, family: "IPv4" }).flatMap((s) => s.message.answers)
      .filter((r) => r.type === RecordType.PTR && r.name === "_http._tcp.local");
    assert.equal(again.length, 1, `re-announced after TTL ${ttl}`);
    assert.equal(again[0].ttl, 4500);
    await h.clock.advanceAsync(2000);
  }
  // Another host's PTR to another instance is no business of ours.
  const since = h.clock.now();
  await h.send({ flags: 0x8400, answers: [{ ...ptr, ttl: 4500, data: "Other._http._tcp.local" }] });
  await h.clock.advanceAsync(2000);
  assert.equal(h.sent({ since }).length, 0);
  await h.close();
});

Deno.test("conflicts: a host renamed after announcing re-announces the SRV with the new target, without goodbyes", async () => {
  const h = await harness();
  const service = await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
  const since = h.clock.now();
  denyProbes(h, (n) => n === "box.local", (n) => a(n, "198.18.0.77"));
  await h.send({ flags: 0x8400, answers: [a("box.local", "198.18.0.77")] });
  await h.clock.advanceAsync(10_000);
  assert.equal(service.host, "box-2.local");
  const after = h.sent({ since, family: "IPv4" }).filter(isResponse).flatMap((s) =>
    s.message.answers
  );
  const ptrGoodbyes = after.filter((r) => r.type === RecordType.PTR && r.ttl === 0);
  assert.deepEqual(
    ptrGoodbyes.map((r) => r.data),
    ["box.local", "box.local"],
    "only the reverse mappings",
  );
  assert.ok(after.some((r) => r.name === "2.0.18.198.in-addr.arpa" && r.data === "box-2.local"));
  const srvs = after.filter((r) => r.type === RecordType.SRV);
  assert.ok(srvs.length >= 2);
  assert.ok(
    srvs.every((r) => (r.data as { target: string }).target === "box-2.local" && r.cacheFlush),
  );
  // The service still answers, pointing at the new host name.
  const at = h.clock.now();
  await h.send({
    questions: [{
      name: "_http._tcp.local",
      type: RecordType.PTR,
      class: 1,
      unicastResponse: false,
    }],
  });
  await h.clock.advanceAsync(1000);
  const reply = h.sent({ since: at, family: "IPv4" })[0].message;
  assert.ok(reply.additionals.some((r) => r.name === "box-2.local" && r.type === RecordType.A));
  await h.close();
});

Deno.test("conflicts: a differing record with the cache-flush bit at our shared PTR's name makes us announce ours again, no conflict", async () => {
  const h = await harness();
  const events: PublishEvent[] = [];
  const service = await publishAndSettle(h, {
    name: "Den",
    type: "_http._tcp",
    port: 80,
    onEvent: (e) => events.push(e),
  }, 10_000);
  const ptr = (cacheFlush: boolean): ResourceRecord => ({
    name: "_http._tcp.local",
    type: RecordType.PTR,
    class: 1,
    cacheFlush, // RFC 6762 §10.2: a cache that hears it flushes our PTR within 1 s
    ttl: 4500,
    data: "Other._http._tcp.local",
  });
  const since = h.clock.now();
  await h.send({ flags: 0x8400, answers: [ptr(true)] });
  await h.clock.advanceAsync(1500);
  const again = h.sent({ since, family: "IPv4" }).filter(isResponse)
    .flatMap((s) => s.message.answers);
  assert.deepEqual(
    again.map((r) => `${r.name} ${r.data} ${r.ttl} ${r.cacheFlush}`),
    ["_http._tcp.local Den._http._tcp.local 4500 false"],
    "our PTR alone, shared (no cache-flush bit)",
  );
  assert.equal(h.sent({ since }).filter(isProbe).length, 0, "shared records never conflict");
  assert.equal(service.name, "Den");
  assert.deepEqual(events.map((e) => e.type), ["probing", "registered"]);
  // Without the bit, another host's PTR to another instance needs no action (§6.6).
  const later = h.clock.now();
  await h.send({ flags: 0x8400, answers: [ptr(false)] });
  await h.clock.advanceAsync(2000);
  assert.equal(h.sent({ since: later }).length, 0);
  await h.close();
});
