/**
 * Issue 16 item 4: a peer that keeps claiming our service name and our host
 * name, over IPv4 and IPv6. Renames back off (RFC 6762 §8.1: after 15
 * conflicts in 10 s, 5 s between probe series), the number of attempts stays
 * bounded by that schedule, the final names are reported once the storm ends,
 * and the attacker's goodbyes (TTL 0) are never conflicts.
 */
import assert from "node:assert/strict";
import { type DnsMessage, RecordType, type ResourceRecord } from "../../codec/mod.ts";
import type { PublishEvent } from "../../responder/publish_options.ts";
import { type Harness, harness, isProbe, isResponse, publishAndSettle } from "./_harness.ts";

const ATTACKER_IPV4 = "198.18.0.66";
const ATTACKER_IPV6 = "fe80::66";

const claimOf = (name: string, ttl = 120): ResourceRecord =>
  name.includes("._http._tcp.")
    ? {
      name,
      type: RecordType.SRV,
      class: 1,
      cacheFlush: true,
      ttl,
      data: { priority: 0, weight: 0, port: 6666, target: "attacker.local" },
    }
    : name.endsWith(".local") && !name.includes("._")
    ? { name, type: RecordType.A, class: 1, cacheFlush: true, ttl, data: ATTACKER_IPV4 }
    : { name, type: RecordType.A, class: 1, cacheFlush: true, ttl, data: ATTACKER_IPV4 };
const claimOfV6 = (name: string, ttl = 120): ResourceRecord =>
  name.includes("._http._tcp.") ? claimOf(name, ttl) : {
    name,
    type: RecordType.AAAA,
    class: 1,
    cacheFlush: true,
    ttl,
    data: ATTACKER_IPV6,
  };

const ours = (name: string) => name.startsWith("Den") || name.startsWith("box");

/**
 * The attacker: it answers every probe for our names with its own records,
 * over the family the probe did not come on as well as the same one, and
 * every `periodMs` announces its claim on the names we hold now.
 */
function attack(h: Harness, held: () => string[]) {
  let on = true;
  h.onHeard = (m: DnsMessage) => {
    if (!on || m.flags & 0x8000 || m.authorities.length === 0) return;
    const names = m.questions.map((q) => q.name).filter(ours);
    if (names.length === 0) return;
    void h.send({ flags: 0x8400, answers: names.map((n) => claimOf(n)) }, { family: "IPv4" });
    void h.send({ flags: 0x8400, answers: names.map((n) => claimOfV6(n)) }, { family: "IPv6" });
  };
  const announce = async () => {
    if (!on) return;
    const names = held();
    await h.send({ flags: 0x8400, answers: names.map((n) => claimOf(n)) }, { family: "IPv4" });
    await h.send({ flags: 0x8400, answers: names.map((n) => claimOfV6(n)) }, { family: "IPv6" });
  };
  return {
    announce,
    stop() {
      on = false;
      h.onHeard = undefined;
    },
  };
}

/** Start times of the probe series for names matching `prefix` (a new name's first probe). */
function seriesStarts(h: Harness, matches: (name: string) => boolean): number[] {
  const starts: number[] = [];
  let last = "";
  for (const s of h.sent({ family: "IPv4" }).filter(isProbe)) {
    const name = s.message.questions.map((q) => q.name).find(matches);
    if (name === undefined) continue;
    if (name !== last) starts.push(s.time);
    last = name;
  }
  return starts;
}

Deno.test("conflict storm: a peer claiming our service and host names over both families is met with the §8.1 back-off, a bounded number of attempts, and the final names reported", async () => {
  const h = await harness();
  const events: PublishEvent[] = [];
  const service = await publishAndSettle(h, {
    name: "Den",
    type: "_http._tcp",
    port: 80,
    onEvent: (e) => events.push(e),
  }, 10_000);
  assert.equal(service.name, "Den");
  assert.equal(service.host, "box.local");
  const since = h.clock.now();
  const attacker = attack(h, () => [service.fullName, service.host]);
  const stormMs = 120_000;
  for (let t = 0; t < stormMs; t += 1000) {
    await attacker.announce();
    await h.clock.advanceAsync(1000);
  }
  attacker.stop();
  await h.clock.advanceAsync(30_000);

  for (
    const [what, matches] of [
      ["service", (n: string) => n.startsWith("Den")],
      ["host", (n: string) => n.startsWith("box") && n.endsWith(".local") && !n.includes("._")],
    ] as const
  ) {
    const starts = seriesStarts(h, matches).filter((t) => t >= since);
    // §8.1: up to 15 quick series, then at most one per 5 s for the rest of the storm.
    const bound = 15 + Math.ceil(stormMs / 5000) + 2;
    assert.ok(starts.length > 15, `${what}: ${starts.length} probe series, the storm was felt`);
    assert.ok(starts.length <= bound, `${what}: ${starts.length} probe series, at most ${bound}`);
    // Once 15 series fell within 10 s, the next ones are 5 s apart.
    for (let i = 15; i < starts.length; i++) {
      if (starts[i - 1] - starts[i - 15] > 10_000) continue;
      assert.ok(
        starts[i] - starts[i - 1] >= 5000,
        `${what}: series ${i} came ${starts[i] - starts[i - 1]} ms after the one before`,
      );
    }
  }
  // The names settled after the storm and are reported: the last rename event,
  // the handle, and the records announced since.
  const renames = events.filter((e) => e.type === "renamed");
  assert.ok(renames.length > 15, `${renames.length} renames`);
  assert.equal(renames.at(-1)!.name, service.name);
  assert.equal(events.at(-1)!.type, "registered");
  assert.equal(events.at(-1)!.name, service.name);
  assert.notEqual(service.name, "Den");
  assert.notEqual(service.host, "box.local");
  const late = h.sent({ since: h.clock.now() - 30_000, family: "IPv4" });
  assert.equal(late.filter(isProbe).length <= 6, true, "probing stopped after the storm");
  const answers = late.filter(isResponse).flatMap((s) => s.message.answers);
  assert.ok(answers.some((r) => r.name === service.fullName && r.type === RecordType.SRV));
  assert.ok(
    answers.some((r) =>
      r.type === RecordType.SRV && (r.data as { target: string }).target === service.host
    ),
  );
  // Resolving our own service now gives the final names.
  const info = await h.mdns.resolve(service.fullName);
  assert.equal(info.host, service.host);
  await h.close();
});

for (const family of ["IPv4", "IPv6"] as const) {
  Deno.test(`conflict storm: goodbyes (TTL 0) for our names from an attacker over ${family} never count as conflicts`, async () => {
    const h = await harness();
    const events: PublishEvent[] = [];
    const service = await publishAndSettle(h, {
      name: "Den",
      type: "_http._tcp",
      port: 80,
      onEvent: (e) => events.push(e),
    }, 10_000);
    const since = h.clock.now();
    const claim = family === "IPv4" ? claimOf : claimOfV6;
    for (let i = 0; i < 50; i++) {
      await h.send({
        flags: 0x8400,
        answers: [claim(service.fullName, 0), claim(service.host, 0)],
      }, { family });
      await h.clock.advanceAsync(200);
    }
    await h.clock.advanceAsync(5000);
    assert.deepEqual(events.map((e) => e.type), ["probing", "registered"]);
    assert.equal(h.sent({ since }).filter(isProbe).length, 0, "no probe again");
    assert.equal(service.name, "Den");
    assert.equal(service.host, "box.local");
    await h.close();
  });
}
