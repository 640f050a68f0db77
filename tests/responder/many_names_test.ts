// Issue 13 item 6: many names at once. Probes are split by name, each packet
// carrying whole names (the question and every proposed record of that name
// in Authority), so a peer's §8.2.1 tie-break sees our whole set; no name is
// announced that was not probed three times.
import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { type Harness, harness, isProbe, isResponse } from "./_harness.ts";

const longName = (i: number) =>
  `Service number ${i} with a rather long instance name`.padEnd(55, "x");

/** Asserts each probe packet holds whole names, and each name's probes and announcements. */
function checkProbes(h: Harness, interfaceName: string, names: string[], since = 0): void {
  const sent = h.sent({ since, family: "IPv4", interfaceName });
  const probes = sent.filter(isProbe);
  for (const p of probes) {
    const asked = new Set(p.message.questions.map((q) => q.name.toLowerCase()));
    for (const r of p.message.authorities) {
      assert.ok(asked.has(r.name.toLowerCase()), `${r.name} proposed without its question`);
    }
    for (const q of p.message.questions) {
      const types = p.message.authorities.filter((r) => r.name === q.name).map((r) => r.type);
      if (q.name.endsWith("._http._tcp.local")) {
        assert.deepEqual(types.sort(), [RecordType.TXT, RecordType.SRV].sort(), `${q.name} whole`);
      }
    }
    assert.ok(p.message.questions.length > 0);
  }
  const responses = sent.filter(isResponse);
  for (const name of names) {
    const mine = probes.filter((p) => p.message.questions.some((q) => q.name === name));
    assert.equal(mine.length, 3, `${name}: ${mine.length} probes`);
    const announced = responses.filter((s) => s.message.answers.some((r) => r.name === name));
    assert.ok(announced.length >= 2, `${name} announced`);
    assert.ok(announced[0].time >= mine[2].time + 250, `${name} announced after its probes`);
  }
}

for (const count of [30, 60]) {
  Deno.test(`many names: ${count} services with 55-character names on a new link are each probed whole, three times`, async () => {
    const h = await harness();
    const names = Array.from({ length: count }, (_, i) => longName(i));
    const all = names.map((name) => h.mdns.publish({ name, type: "_http._tcp", port: 80 }));
    await h.clock.advanceAsync(10_000);
    await Promise.all(all);
    checkProbes(h, "eth0", [...names.map((n) => `${n}._http._tcp.local`), "box.local"]);
    const since = h.clock.now();
    h.network.getHost("a")!.addInterface({ name: "eth1", link: "lan2", ipv4: "198.18.1.2/24" });
    await h.clock.advanceAsync(10_000);
    checkProbes(h, "eth1", [...names.map((n) => `${n}._http._tcp.local`), "box.local"], since);
    await h.close();
  });
}

Deno.test("many names: on a new link, every probe packet carries each of its names' whole set (§8.2.1)", async () => {
  const h = await harness();
  const names = Array.from({ length: 60 }, (_, i) => longName(i));
  const all = names.map((name) => h.mdns.publish({ name, type: "_http._tcp", port: 80 }));
  await h.clock.advanceAsync(10_000);
  await Promise.all(all);
  const since = h.clock.now();
  h.network.getHost("a")!.addInterface({ name: "eth1", link: "lan2", ipv4: "198.18.1.2/24" });
  await h.clock.advanceAsync(3000);
  const whole = new Map<string, number>();
  for (const p of h.sent({ since, interfaceName: "eth1" }).filter(isProbe)) {
    for (const q of p.message.questions) {
      const types = p.message.authorities.filter((r) => r.name === q.name).map((r) => r.type);
      const set = q.name === "box.local" ? [RecordType.A] : [RecordType.SRV, RecordType.TXT];
      if (set.every((t) => types.includes(t)) && types.length === set.length) {
        whole.set(q.name, (whole.get(q.name) ?? 0) + 1);
      }
    }
  }
  assert.equal(whole.size, 61, "every name was probed with its whole set");
  assert.ok([...whole.values()].every((n) => n === 3), "three times each");
  await h.close();
});
