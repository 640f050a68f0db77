import assert from "node:assert/strict";
import { type DnsMessage, RecordType, type ResourceRecord } from "../../codec/mod.ts";
import { A_IPV4, type Harness, harness, TESTER_IPV4 } from "./_harness.ts";

const q = (name: string, type: number, unicastResponse = false) => ({
  name,
  type,
  class: 1,
  unicastResponse,
});
const key = (r: ResourceRecord) => `${r.name}/${r.type}`;
const ptr = (instance: string, ttl = 4500): ResourceRecord => ({
  name: "_http._tcp.local",
  type: RecordType.PTR,
  class: 1,
  cacheFlush: false,
  ttl,
  data: `${instance}._http._tcp.local`,
});

async function published(options: Parameters<typeof harness>[0] = {}, names = ["Den"]) {
  const h = await harness(options);
  const all = names.map((name) =>
    h.mdns.publish({ name, type: "_http._tcp", port: 80, txt: { path: "/" } })
  );
  await h.clock.advanceAsync(10_000); // probing and announcements done, rate limits clear
  await Promise.all(all);
  return h;
}

/** Sends a query and returns what "a" answered (IPv4) in the next `ms`. */
async function ask(h: Harness, message: Partial<DnsMessage>, ms = 1000, to = {}) {
  const since = h.clock.now();
  await h.send(message, to);
  await h.clock.advanceAsync(ms);
  return h.sent({ since, family: "IPv4" }).map((s) => ({ ...s, delay: s.time - since }));
}

Deno.test("answering: a shared PTR answer waits 20-120 ms and carries SRV, TXT and addresses as additionals", async () => {
  const h = await published();
  const delays: number[] = [];
  for (let i = 0; i < 10; i++) {
    const replies = await ask(h, { questions: [q("_http._tcp.local", RecordType.PTR)] }, 1500);
    assert.equal(replies.length, 1);
    const [reply] = replies;
    delays.push(reply.delay);
    assert.equal(reply.to, "multicast");
    assert.deepEqual(reply.message.answers.map(key), ["_http._tcp.local/12"]);
    const extra = reply.message.additionals.map(key);
    for (
      const k of [
        "Den._http._tcp.local/33",
        "Den._http._tcp.local/16",
        "box.local/1",
        "box.local/28",
      ]
    ) {
      assert.ok(extra.includes(k), `${k} in additionals`);
    }
    assert.equal(new Set(extra).size, extra.length, "no record twice");
  }
  assert.ok(delays.every((d) => d >= 20 && d <= 121), `delays ${delays}`);
  assert.ok(new Set(delays).size > 3, "delays are random");
  await h.close();
});

Deno.test("answering: unique answers (SRV, A) go out at once with the target's addresses", async () => {
  const h = await published();
  const srv = await ask(h, { questions: [q("DEN._HTTP._TCP.LOCAL", RecordType.SRV)] });
  assert.equal(srv.length, 1);
  assert.ok(srv[0].delay <= 10);
  assert.deepEqual(srv[0].message.answers.map(key), ["Den._http._tcp.local/33"]);
  assert.ok(srv[0].message.additionals.some((r) => r.type === RecordType.A && r.data === A_IPV4));
  const a = await ask(h, { questions: [q("box.local", RecordType.A)] });
  assert.ok(a[0].delay <= 10);
  assert.deepEqual(a[0].message.answers.map((r) => r.data), [A_IPV4]);
  assert.ok(a[0].message.additionals.some((r) => r.type === RecordType.AAAA), "AAAA shares fate");
  await h.close();
});

Deno.test("answering: reverse-mapping PTRs of our host's addresses, at once", async () => {
  const h = await published();
  const [reply] = await ask(h, { questions: [q("2.0.18.198.in-addr.arpa", RecordType.PTR)] });
  assert.ok(reply.delay <= 10);
  assert.deepEqual(reply.message.answers.map((r) => r.data), ["box.local"]);
  await h.close();
});

Deno.test("answering: ANY on the instance name returns SRV and TXT", async () => {
  const h = await published();
  const [reply] = await ask(h, { questions: [q("Den._http._tcp.local", RecordType.ANY)] });
  const types = reply.message.answers.map((r) => r.type);
  assert.ok(types.includes(RecordType.SRV) && types.includes(RecordType.TXT));
  await h.close();
});

Deno.test("answering: NSEC for a type we own the name of but lack; silence for names we do not own", async () => {
  const h = await published({
    interfaces: [{ name: "eth0", link: "lan", ipv4: `${A_IPV4}/24` }],
    testerInterfaces: [{ name: "eth0", link: "lan", ipv4: `${TESTER_IPV4}/24` }],
  });
  const [aaaa] = await ask(h, { questions: [q("box.local", RecordType.AAAA)] });
  assert.ok(aaaa.delay <= 10);
  const nsec = aaaa.message.answers[0];
  assert.equal(nsec.type, RecordType.NSEC);
  assert.deepEqual((nsec.data as { types: number[] }).types, [RecordType.A]);
  assert.equal(nsec.ttl, 120);
  const [inst] = await ask(h, { questions: [q("Den._http._tcp.local", RecordType.A)] });
  assert.deepEqual((inst.message.answers[0].data as { types: number[] }).types, [16, 33]);
  assert.equal((await ask(h, { questions: [q("_nothere._tcp.local", RecordType.PTR)] })).length, 0);
  assert.equal((await ask(h, { questions: [q("other.local", RecordType.AAAA)] })).length, 0);
  assert.equal((await ask(h, { questions: [q("_http._tcp.local", RecordType.TXT)] })).length, 0);
  await h.close();
});

Deno.test("answering: known-answer suppression with the half-TTL rule, per record", async () => {
  const h = await published({}, ["One", "Two"]);
  const question = [q("_http._tcp.local", RecordType.PTR)];
  for (const ttl of [4500, 2250]) {
    const replies = await ask(h, {
      questions: question,
      answers: [ptr("One", ttl), ptr("Two", ttl)],
    }, 1500);
    assert.equal(replies.length, 0, `known answer at TTL ${ttl} suppresses`);
  }
  const below = await ask(
    h,
    { questions: question, answers: [ptr("One", 2249), ptr("Two", 2249)] },
    1500,
  );
  assert.equal(below.length, 1);
  assert.equal(below[0].message.answers.length, 2);
  await h.clock.advanceAsync(2000);
  const one = await ask(h, { questions: question, answers: [ptr("One")] }, 1500);
  assert.deepEqual(one[0].message.answers.map((r) => r.data), ["Two._http._tcp.local"]);
  await h.close();
});

Deno.test("answering: a truncated query waits 400-500 ms after its last truncated known-answer packet", async () => {
  const h = await published({}, ["One", "Two"]);
  const since = h.clock.now();
  await h.send({ flags: 0x0200, questions: [q("_http._tcp.local", RecordType.PTR)] });
  await h.clock.advanceAsync(300);
  const followUpAt = h.clock.now();
  await h.send({ flags: 0x0200, answers: [ptr("One")] }); // TC: more known answers follow
  await h.clock.advanceAsync(1500);
  const replies = h.sent({ since, family: "IPv4" });
  assert.equal(replies.length, 1);
  const delay = replies[0].time - followUpAt;
  assert.ok(delay >= 400 && delay <= 501, `answered ${delay} ms after the follow-up`);
  assert.deepEqual(replies[0].message.answers.map((r) => r.data), ["Two._http._tcp.local"]);
  await h.close();
});

Deno.test("answering: answers to back-to-back queries are aggregated into one packet", async () => {
  const h = await harness();
  const both = [
    h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80 }),
    h.mdns.publish({ name: "Den", type: "_ipp._tcp", port: 631 }),
  ];
  await h.clock.advanceAsync(10_000);
  await Promise.all(both);
  const since = h.clock.now();
  await h.send({ questions: [q("_http._tcp.local", RecordType.PTR)] });
  await h.clock.advanceAsync(5);
  await h.send({ questions: [q("_ipp._tcp.local", RecordType.PTR)] });
  await h.clock.advanceAsync(1000);
  const replies = h.sent({ since, family: "IPv4" });
  assert.equal(replies.length, 1);
  assert.deepEqual(replies[0].message.answers.map(key).sort(), [
    "_http._tcp.local/12",
    "_ipp._tcp.local/12",
  ]);
  await h.close();
});

Deno.test("answering: a record is multicast at most once a second per interface", async () => {
  const h = await published();
  const since = h.clock.now();
  await h.send({ questions: [q("_http._tcp.local", RecordType.PTR)] });
  await h.clock.advanceAsync(200);
  await h.send({ questions: [q("_http._tcp.local", RecordType.PTR)] });
  await h.clock.advanceAsync(300);
  await h.send({ questions: [q("_http._tcp.local", RecordType.PTR)] });
  await h.clock.advanceAsync(500);
  const ptrs = h.sent({ since, family: "IPv4" }).filter((s) =>
    s.message.answers.some((r) => r.type === RecordType.PTR)
  );
  assert.equal(ptrs.length, 1);
  await h.close();
});

Deno.test("answering: duplicate answer suppression drops an answer another host just gave", async () => {
  const h = await published();
  const since = h.clock.now();
  await h.send({ questions: [q("_http._tcp.local", RecordType.PTR)] });
  await h.clock.advanceAsync(10);
  await h.send({ flags: 0x8400, answers: [ptr("Den")] });
  await h.clock.advanceAsync(1000);
  assert.equal(h.sent({ since }).length, 0);
  await h.close();
});

Deno.test("answering: QU questions get unicast unless not multicast in the last quarter TTL", async () => {
  const h = await published();
  const fresh = await ask(h, { questions: [q("box.local", RecordType.A, true)] });
  assert.equal(fresh.length, 1);
  assert.equal(fresh[0].to, TESTER_IPV4);
  assert.equal(fresh[0].port, 5353);
  await h.clock.advanceAsync(31_000); // more than 120 s / 4 since the last multicast
  const stale = await ask(h, { questions: [q("box.local", RecordType.A, true)] });
  assert.equal(stale.length, 1);
  assert.equal(stale[0].to, "multicast");
  await h.close();
});

Deno.test("answering: a direct unicast query is answered by unicast", async () => {
  const h = await published();
  const replies = await ask(h, { questions: [q("_http._tcp.local", RecordType.PTR)] }, 1000, {
    address: A_IPV4,
  });
  assert.equal(replies.length, 1);
  assert.equal(replies[0].to, TESTER_IPV4);
  await h.close();
});

Deno.test("answering: legacy unicast gets ID and question echoed, TTL ≤ 10, no cache-flush, no rdata compression", async () => {
  const h = await published({ testerPort: 40000 });
  const since = h.clock.now();
  await h.send({ id: 0x1234, questions: [q("_http._tcp.local", RecordType.PTR)] });
  await h.clock.advanceAsync(1000);
  const replies = h.network.packets({ from: "a", since });
  assert.equal(replies.length, 1);
  assert.equal(replies[0].to, TESTER_IPV4);
  assert.equal(replies[0].port, 40000);
  const m = h.sent({ since })[0].message;
  assert.equal(m.id, 0x1234);
  assert.deepEqual(m.questions.map((x) => `${x.name}/${x.type}`), ["_http._tcp.local/12"]);
  const all = [...m.answers, ...m.additionals];
  assert.ok(all.length >= 3);
  assert.ok(all.every((r) => r.ttl <= 10 && !r.cacheFlush));
  // The PTR's rdata is the full name, no compression pointer inside.
  const data = replies[0].data;
  const target = new TextEncoder().encode("Den");
  const at = data.findIndex((_, i) => target.every((b, j) => data[i + j] === b));
  assert.ok(at > 0);
  assert.equal(data[at + 3], 5, "the next label follows in full, not a pointer");
  assert.equal(h.heard.length, 1, "the legacy querier heard the reply");
  await h.close();
});

Deno.test("answering: answers that do not fit one packet are split, none lost", async () => {
  // 130 PTRs of about 80 bytes each: more than one packet of 8952 bytes (or 1440).
  const names = Array.from({ length: 130 }, (_, i) => `Service ${i} `.padEnd(60, "x"));
  const h = await published({}, names);
  const replies = await ask(h, { questions: [q("_http._tcp.local", RecordType.PTR)] }, 1000);
  assert.ok(replies.length > 1, `${replies.length} packets`);
  const ptrs = replies.flatMap((r) => r.message.answers.filter((a) => a.type === RecordType.PTR));
  assert.equal(new Set(ptrs.map((r) => r.data)).size, 130);
  await h.close();
});

Deno.test("answering: a probe for our host name is defended at once", async () => {
  const h = await published();
  const replies = await ask(h, {
    questions: [q("box.local", RecordType.ANY, true)],
    authorities: [{
      name: "box.local",
      type: 1,
      class: 1,
      cacheFlush: false,
      ttl: 120,
      data: "198.18.0.77",
    }],
  });
  assert.ok(replies.length >= 1);
  assert.ok(replies[0].delay <= 10);
  assert.ok(replies[0].message.answers.some((r) => r.type === RecordType.A && r.data === A_IPV4));
  await h.close();
});
