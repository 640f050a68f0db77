/**
 * Names that begin probing within one probe interval share one probe series
 * (RFC 6762 §8.1: several records "in a single query"; mDNSResponder opens a
 * probe window and lets records registered in it join), and so share the
 * announcements that follow (§8.3). Each name keeps its own question, its own
 * Authority records, its own tie-break (§8.2) and its own conflicts (§9).
 */
import assert from "node:assert/strict";
import { type DnsMessage, RecordType, type ResourceRecord } from "../../codec/mod.ts";
import type { PublishedService } from "../../responder/publish_options.ts";
import { A_IPV4, type Harness, harness, isProbe, isResponse, type Sent } from "./_harness.ts";

const TYPES = ["_a._tcp", "_b._tcp", "_c._tcp"];
const fullName = (type: string) => `Den.${type}.local`;

/** Probes sent over IPv4 (the IPv6 copies are the same packets again). */
const probes = (h: Harness, since = 0): Sent[] => h.sent({ since, family: "IPv4" }).filter(isProbe);
const questions = (s: Sent): string[] => s.message.questions.map((q) => q.name).sort();
/** Announcements: unsolicited responses, which carry the `_services` PTR. */
const announcements = (h: Harness, since = 0): Sent[] =>
  h.sent({ since, family: "IPv4" }).filter((s) =>
    isResponse(s) && s.message.answers.some((r) => r.name === "_services._dns-sd._udp.local")
  );

async function publishTogether(h: Harness, ms = 3000): Promise<PublishedService[]> {
  const all = Promise.all(
    TYPES.map((type) => h.mdns.publish({ name: "Den", type, port: 80 })),
  );
  await h.clock.advanceAsync(ms);
  return await all;
}

Deno.test("probe grouping: three services published together (and the host) share one series: 3 probe packets, not 9", async () => {
  const h = await harness();
  await publishTogether(h);
  const sent = probes(h);
  assert.equal(sent.length, 3, `${sent.length} probe packets`);
  assert.ok(sent[0].time >= 0 && sent[0].time <= 250, `first probe at ${sent[0].time}`);
  assert.deepEqual(sent.map((s) => s.time - sent[0].time), [0, 250, 500]);
  const everyName = ["box.local", ...TYPES.map(fullName)].sort();
  for (const probe of sent) {
    // Each name is its own ANY question with its own proposed records.
    assert.deepEqual(questions(probe), everyName);
    assert.ok(probe.message.questions.every((q) => q.type === RecordType.ANY));
    const auth = probe.message.authorities.map((r) => `${r.name}/${r.type}`).sort();
    assert.deepEqual(auth, [
      "Den._a._tcp.local/16",
      "Den._a._tcp.local/33",
      "Den._b._tcp.local/16",
      "Den._b._tcp.local/33",
      "Den._c._tcp.local/16",
      "Den._c._tcp.local/33",
      "box.local/1",
      "box.local/28",
    ]);
  }
  // Only the first probe of each name asks for unicast replies (§8.1).
  assert.deepEqual(
    sent.map((s) => s.message.questions.every((q) => q.unicastResponse)),
    [true, false, false],
  );
  await h.close();
});

Deno.test("probe grouping: the announcements that follow are shared too: 2 packets carrying every service and the host", async () => {
  const h = await harness();
  await publishTogether(h, 5000);
  const sent = announcements(h);
  assert.equal(sent.length, 2, `${sent.length} announcement packets`);
  assert.equal(sent[1].time - sent[0].time, 1000);
  assert.equal(sent[0].time - probes(h)[2].time, 250);
  for (const a of sent) {
    const names = new Set(a.message.answers.map((r) => `${r.name}/${r.type}`));
    for (const type of TYPES) {
      assert.ok(names.has(`${fullName(type)}/33`), `${type} SRV in the announcement`);
      assert.ok(names.has(`${type}.local/12`), `${type} PTR in the announcement`);
    }
    assert.ok(names.has("box.local/1"));
  }
  await h.close();
});

Deno.test("probe grouping: a service published much later still probes on its own", async () => {
  const h = await harness();
  await publishTogether(h, 5000);
  const since = h.clock.now();
  const late = h.mdns.publish({ name: "Late", type: "_http._tcp", port: 81 });
  await h.clock.advanceAsync(3000);
  await late;
  const sent = probes(h, since);
  assert.equal(sent.length, 3);
  for (const probe of sent) assert.deepEqual(questions(probe), ["Late._http._tcp.local"]);
  assert.ok(sent[0].time - since <= 250, "within the §8.1 0-250 ms wait");
  assert.deepEqual(sent.map((s) => s.time - sent[0].time), [0, 250, 500]);
  await h.close();
});

Deno.test("probe grouping: a service published while a series is under way joins its next probe, then finishes on its own", async () => {
  const h = await harness();
  const first = h.mdns.publish({ name: "Den", type: "_a._tcp", port: 80 });
  await h.clock.advanceAsync(260); // the first probe (0-250 ms) is out
  assert.equal(probes(h).length, 1);
  const second = h.mdns.publish({ name: "Den", type: "_b._tcp", port: 80 });
  await h.clock.advanceAsync(3000);
  await first;
  await second;
  const sent = probes(h);
  const of = (name: string) => sent.filter((s) => questions(s).includes(name));
  const a = of(fullName("_a._tcp"));
  const b = of(fullName("_b._tcp"));
  assert.equal(a.length, 3);
  assert.equal(b.length, 3);
  assert.equal(b[0].time, a[1].time, "its first probe rides in the series' second packet");
  assert.equal(b[1].time, a[2].time);
  assert.deepEqual(b.map((s) => s.time - b[0].time), [0, 250, 500]);
  const qu = (s: Sent, name: string) =>
    s.message.questions.find((q) => q.name === name)!.unicastResponse;
  assert.equal(qu(b[0], fullName("_b._tcp")), true, "its first question still asks QU");
  assert.equal(qu(b[0], fullName("_a._tcp")), false);
  assert.equal(sent.length, 4, "3 shared + its last one alone");
  await h.close();
});

const srv = (name: string): ResourceRecord => ({
  name,
  type: RecordType.SRV,
  class: 1,
  cacheFlush: true,
  ttl: 120,
  data: { priority: 0, weight: 0, port: 9, target: "other.local" },
});

Deno.test("probe grouping: a conflict on one name renames that one only; the others keep their series", async () => {
  const h = await harness();
  const denied = fullName("_b._tcp");
  h.onHeard = (m: DnsMessage) => {
    if (m.flags & 0x8000 || m.authorities.length === 0) return;
    if (m.questions.some((q) => q.name === denied)) {
      void h.send({ flags: 0x8400, answers: [srv(denied)] });
    }
  };
  const services = await publishTogether(h, 5000);
  assert.deepEqual(services.map((s) => s.fullName), [
    "Den._a._tcp.local",
    "Den (2)._b._tcp.local",
    "Den._c._tcp.local",
  ]);
  assert.ok(services.every((s) => s.host === "box.local"), "the host is not renamed");
  const sent = probes(h);
  const of = (name: string) => sent.filter((s) => questions(s).includes(name));
  const series = of("box.local").map((s) => s.time);
  assert.equal(series.length, 3, "the host probed three times, not restarted");
  assert.deepEqual(of(fullName("_a._tcp")).map((s) => s.time), series);
  assert.deepEqual(of(fullName("_c._tcp")).map((s) => s.time), series);
  assert.equal(of(denied).length, 1, "the denied name stops at its first probe");
  assert.equal(of("Den (2)._b._tcp.local").length, 3);
  await h.close();
});

Deno.test("probe grouping: losing a simultaneous-probe tie-break defers that name only (§8.2)", async () => {
  const h = await harness();
  const contested = fullName("_b._tcp");
  let contestedOnce = false;
  h.onHeard = (m: DnsMessage) => {
    if (contestedOnce || m.flags & 0x8000 || !m.questions.some((q) => q.name === contested)) {
      return;
    }
    contestedOnce = true;
    // Another host probes the same name with later (greater) data: we lose.
    const theirs = { ...srv(contested), cacheFlush: false };
    (theirs.data as { port: number }).port = 65000;
    void h.send({
      questions: [{ name: contested, type: RecordType.ANY, class: 1, unicastResponse: true }],
      authorities: [theirs],
    });
  };
  const services = await publishTogether(h, 5000);
  assert.deepEqual(services.map((s) => s.fullName), TYPES.map(fullName));
  const sent = probes(h);
  const of = (name: string) => sent.filter((s) => questions(s).includes(name)).map((s) => s.time);
  const series = of("box.local");
  assert.equal(series.length, 3);
  assert.deepEqual(of(fullName("_a._tcp")), series);
  assert.deepEqual(of(fullName("_c._tcp")), series);
  const deferred = of(contested);
  assert.equal(deferred.length, 4, "one probe lost the tie-break, then three");
  assert.ok(
    deferred[1] - deferred[0] >= 1000,
    `probed again after ${deferred[1] - deferred[0]} ms`,
  );
  await h.close();
});

Deno.test("probe grouping: a later service's announcements and answers carry the host's addresses as additionals (RFC 6763 §12.2)", async () => {
  const h = await harness();
  await publishTogether(h, 5000);
  const since = h.clock.now();
  const late = h.mdns.publish({ name: "Late", type: "_http._tcp", port: 81 });
  await h.clock.advanceAsync(5000);
  await late;
  const sent = announcements(h, since);
  assert.equal(sent.length, 2);
  const hostRecords = (m: DnsMessage) =>
    [...m.answers, ...m.additionals].filter((r) => r.name === "box.local")
      .map((r) => `${r.type}/${r.data}`);
  for (const a of sent) {
    assert.ok(
      !a.message.answers.some((r) => r.name === "box.local"),
      "the host is not announced again",
    );
    const extra = a.message.additionals;
    assert.ok(extra.some((r) => r.type === RecordType.A && r.data === A_IPV4), "A as additional");
    assert.ok(extra.some((r) => r.type === RecordType.AAAA && r.data === "fe80::2"), "AAAA");
    assert.ok(extra.some((r) => r.type === RecordType.NSEC && r.name === "box.local"), "NSEC");
  }
  // Answers to a browse (PTR) and to a resolve (SRV) carry them too.
  for (const type of [RecordType.PTR, RecordType.SRV]) {
    const asked = h.clock.now();
    const name = type === RecordType.PTR ? "_http._tcp.local" : "Late._http._tcp.local";
    await h.send({ questions: [{ name, type, class: 1, unicastResponse: false }] });
    await h.clock.advanceAsync(2000);
    const replies = h.sent({ since: asked, family: "IPv4" }).filter(isResponse);
    assert.equal(replies.length, 1, `one reply to the ${type} question`);
    assert.ok(hostRecords(replies[0].message).includes(`1/${A_IPV4}`), `A in the ${type} reply`);
  }
  await h.close();
});
