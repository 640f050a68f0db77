import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { harness, isProbe, isResponse, publishAndSettle } from "./_harness.ts";

Deno.test("probing: 0-250 ms start, three probes 250 ms apart, first QU, ANY per name, proposals in Authority", async () => {
  const h = await harness();
  const events: string[] = [];
  const p = h.mdns.publish({
    name: "Den",
    type: "_http._tcp",
    port: 8080,
    txt: { path: "/" },
    onEvent: (e) => events.push(e.type),
  });
  assert.deepEqual(events, ["probing"]);
  await h.clock.advanceAsync(2000);
  await p;
  const probes = h.sent({ family: "IPv4" }).filter(isProbe);
  assert.equal(probes.length, 3);
  assert.ok(probes[0].time >= 0 && probes[0].time <= 250, `first probe at ${probes[0].time}`);
  assert.equal(probes[1].time - probes[0].time, 250);
  assert.equal(probes[2].time - probes[1].time, 250);
  assert.deepEqual(probes.map((p) => p.message.questions[0].unicastResponse), [true, false, false]);
  for (const probe of probes) {
    const names = probe.message.questions.map((q) => `${q.name}/${q.type}`).sort();
    assert.deepEqual(names, ["Den._http._tcp.local/255", "box.local/255"]);
    const auth = probe.message.authorities.map((r) => `${r.name}/${r.type}`).sort();
    assert.deepEqual(auth, [
      "Den._http._tcp.local/16",
      "Den._http._tcp.local/33",
      "box.local/1",
      "box.local/28",
    ]);
    assert.ok(probe.message.authorities.every((r) => !r.cacheFlush), "no cache-flush in probes");
  }
  // Nothing is announced before 250 ms after the third probe.
  const first = h.sent({ family: "IPv4" }).find(isResponse)!;
  assert.equal(first.time - probes[2].time, 250);
  assert.deepEqual(events, ["probing", "registered"]);
  await h.close();
});

Deno.test("probing: the random start varies with the seed and stays within 0-250 ms", async () => {
  const starts = new Set<number>();
  for (const seed of [1, 2, 3, 4, 5]) {
    const h = await harness({ seed });
    await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 });
    const t = h.sent().filter(isProbe)[0].time;
    assert.ok(t >= 0 && t <= 250);
    starts.add(t);
    await h.close();
  }
  assert.ok(starts.size > 1, "start delay is random");
});

Deno.test("probing: a stack that only browses sends nothing and claims no host name", async () => {
  const h = await harness();
  await h.send({
    questions: [{ name: "box.local", type: RecordType.A, class: 1, unicastResponse: false }],
  });
  await h.clock.advanceAsync(5000);
  assert.equal(h.sent().length, 0);
  assert.equal(h.mdns.localCache.size, 0);
  await h.close();
});

Deno.test("probing: an interface that appears later gets its own probes and announcements", async () => {
  const h = await harness();
  await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 5000);
  const host = h.network.getHost("a")!;
  host.addInterface({ name: "eth1", link: "lan2", ipv4: "198.18.1.2/24" });
  await h.clock.advanceAsync(5000);
  const onEth1 = h.sent({ interfaceName: "eth1" });
  const probes = onEth1.filter(isProbe);
  assert.equal(probes.length, 3);
  const announcements = onEth1.filter(isResponse);
  assert.ok(announcements.length >= 2);
  assert.ok(announcements[0].time > probes[2].time);
  const a = announcements[0].message.answers.filter((r) => r.type === RecordType.A);
  assert.deepEqual(a.map((r) => r.data), ["198.18.1.2"], "eth1 hears only its own address");
  await h.close();
});
