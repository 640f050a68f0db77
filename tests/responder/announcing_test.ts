import assert from "node:assert/strict";
import { RecordType, type ResourceRecord } from "../../codec/mod.ts";
import { harness, isProbe, isResponse, publishAndSettle } from "./_harness.ts";

const key = (r: ResourceRecord) => `${r.name}/${r.type}`;

Deno.test("announcing: two announcements 1 s apart with every record, cache-flush on unique ones only", async () => {
  const h = await harness();
  await publishAndSettle(h, {
    name: "Den",
    type: "_http._tcp",
    port: 8080,
    txt: { path: "/" },
    subtypes: ["_printer"],
  }, 10_000);
  const announcements = h.sent({ family: "IPv4" }).filter(isResponse);
  assert.equal(announcements.length, 2);
  assert.equal(announcements[1].time - announcements[0].time, 1000);
  for (const a of announcements) {
    const answers = a.message.answers;
    const names = answers.map(key).sort();
    for (
      const expected of [
        "_http._tcp.local/12",
        "_printer._sub._http._tcp.local/12",
        "_services._dns-sd._udp.local/12",
        "Den._http._tcp.local/33",
        "Den._http._tcp.local/16",
        "box.local/1",
        "box.local/28",
      ]
    ) assert.ok(names.includes(expected), `${expected} in ${names}`);
    for (const r of answers) {
      const shared = r.type === RecordType.PTR && !r.name.endsWith(".arpa");
      assert.equal(r.cacheFlush, !shared, `${key(r)} cache-flush`);
    }
    // The host's reverse mappings (as Avahi and mDNSResponder publish them).
    assert.ok(names.includes("2.0.18.198.in-addr.arpa/12"));
    assert.ok(names.some((n) => n.endsWith(".0.8.e.f.ip6.arpa/12")));
    const ptr = answers.find((r) => r.name === "_services._dns-sd._udp.local")!;
    assert.equal(ptr.data, "_http._tcp.local");
  }
  assert.equal(announcements[0].to, "multicast");
  await h.close();
});

Deno.test("announcing: nothing unsolicited after the burst (no periodic announcements)", async () => {
  const h = await harness();
  await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 5000);
  const before = h.sent().length;
  await h.clock.advanceAsync(3_600_000);
  assert.equal(h.sent().length, before);
  await h.close();
});

Deno.test("announcing: a TXT update is announced twice 1 s apart with cache-flush, without probing or a goodbye", async () => {
  const h = await harness();
  const service = await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 5000);
  const since = h.clock.now();
  service.updateTxt({ path: "/new" });
  await h.clock.advanceAsync(5000);
  const after = h.sent({ since, family: "IPv4" });
  assert.equal(after.filter(isProbe).length, 0);
  const txts = after.flatMap((s) =>
    s.message.answers.filter((r) => r.type === RecordType.TXT).map((r) => ({ t: s.time, r }))
  );
  assert.equal(txts.length, 2);
  assert.equal(txts[1].t - txts[0].t, 1000);
  assert.equal(txts[0].t, since);
  for (const { r } of txts) {
    assert.equal(r.cacheFlush, true);
    assert.ok(r.ttl > 0, "no goodbye for the old TXT");
    assert.equal(new TextDecoder().decode((r.data as Uint8Array[])[0]), "path=/new");
  }
  await h.close();
});

Deno.test("announcing: at most 10 TXT updates a minute are announced; later ones are coalesced", async () => {
  const h = await harness();
  const service = await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 5000);
  const since = h.clock.now();
  for (let i = 0; i < 20; i++) {
    service.updateTxt({ n: String(i) });
    await h.clock.advanceAsync(3000); // 20 updates within 60 s
  }
  const bursts = h.sent({ since, family: "IPv4" }).filter((s) =>
    s.message.answers.some((r) => r.type === RecordType.TXT)
  );
  // Each burst is two packets; within the first minute at most ten bursts start.
  const firstMinute = bursts.filter((s) => s.time < since + 60_000);
  // Ten bursts of two packets; the eleventh update waits for the window.
  assert.equal(firstMinute.length, 2 * 10, `${firstMinute.length} TXT packets in a minute`);
  await h.clock.advanceAsync(120_000);
  const last = h.sent({ since, family: "IPv4" }).filter((s) =>
    s.message.answers.some((r) => r.type === RecordType.TXT)
  ).at(-1)!;
  const txt = last.message.answers.find((r) => r.type === RecordType.TXT)!;
  assert.equal(new TextDecoder().decode((txt.data as Uint8Array[])[0]), "n=19", "latest TXT wins");
  await h.close();
});

Deno.test("announcing: an address change sends a goodbye for the address that left and announces the new set", async () => {
  const h = await harness();
  await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 5000);
  const since = h.clock.now();
  h.network.getHost("a")!.setAddresses("eth0", { ipv4: "198.18.0.5/24" });
  await h.clock.advanceAsync(5000);
  const after = h.sent({ since, family: "IPv4" });
  const goodbye = after.find((s) => s.message.answers.some((r) => r.ttl === 0))!;
  assert.ok(goodbye, "a goodbye was sent");
  assert.deepEqual(
    goodbye.message.answers.filter((r) => r.ttl === 0).map((r) => `${r.type} ${r.data}`),
    ["1 198.18.0.2", "12 box.local"], // the address and its reverse mapping
  );
  const announced = after.filter(isResponse).flatMap((s) =>
    s.message.answers.filter((r) => r.type === RecordType.A && r.ttl > 0)
  );
  assert.ok(announced.length >= 2);
  assert.ok(announced.every((r) => r.data === "198.18.0.5" && r.cacheFlush));
  await h.close();
});
