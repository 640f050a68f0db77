// The same mDNS query again and again (a querier's repeats, or a flood of
// them, issue 16 item 2): the records a question set matches are remembered
// per link by the query's bytes (responder/_query_table.ts), a query whose
// answers the §6 limit forbids plans nothing (_answer_planner.ts
// routeAnswers), and a repeat of records already pending does not push their
// reply back (_response_queue.ts). What is sent must stay what planning afresh
// would send: the remembered matches follow every change to what we publish,
// and are never carried from one link to another.
import assert from "node:assert/strict";
import { type Question, RecordType } from "../../codec/mod.ts";
import { LocalRecord } from "../../cache/local_record.ts";
import {
  matchedList,
  MULTICAST_INTERVAL_MS,
  routeAnswers,
  SHARED_DELAY_MAX_MS,
  SHARED_DELAY_MIN_MS,
} from "../../responder/_answer_planner.ts";
import { QueryTable } from "../../responder/_query_table.ts";
import { encodeMessage } from "../../codec/mod.ts";
import { harness, publishAndSettle } from "./_harness.ts";

const question = (name: string, type: number, unicastResponse = false): Question => ({
  name,
  type,
  class: 1,
  unicastResponse,
});
const ptrQuestion = question("_http._tcp.local", RecordType.PTR);

Deno.test("query flood: a query repeated every millisecond draws its answer once a second, each as soon as §6 allows", async () => {
  const h = await harness();
  try {
    await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
    const since = h.clock.now();
    for (let ms = 0; ms < 5000; ms++) {
      await h.send({ questions: [ptrQuestion] });
      await h.clock.advanceAsync(1);
    }
    await h.clock.advanceAsync(1000);
    const times = h.sent({ since, family: "IPv4" })
      .filter((s) => s.message.answers.some((r) => r.type === RecordType.PTR))
      .map((s) => s.time);
    assert.ok(times.length >= 5, `answered ${times.length} times in 5 s`);
    for (let i = 1; i < times.length; i++) {
      const gap = times[i] - times[i - 1];
      // At least a second apart (§6); and no later than the shared delay past
      // it: repeats of a pending answer do not hold it toward 500 ms (§6.4).
      assert.ok(gap >= MULTICAST_INTERVAL_MS, `gap ${gap} ms`);
      assert.ok(gap <= MULTICAST_INTERVAL_MS + SHARED_DELAY_MAX_MS + 1, `gap ${gap} ms`);
    }
  } finally {
    await h.close();
  }
});

Deno.test("query flood: repeats of a pending answer leave its time alone; a new record still joins it", async () => {
  const h = await harness();
  try {
    await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
    await publishAndSettle(h, { name: "Den", type: "_ipp._tcp", port: 631 }, 10_000);
    const since = h.clock.now();
    for (let ms = 0; ms < 400; ms += 10) {
      await h.send({ questions: [ptrQuestion] });
      await h.clock.advanceAsync(10);
    }
    const first = h.sent({ since, family: "IPv4" });
    assert.equal(first.length, 1, "answered within the 400 ms of repeats");
    const delay = first[0].time - since;
    assert.ok(delay >= SHARED_DELAY_MIN_MS && delay <= SHARED_DELAY_MAX_MS + 10, `${delay} ms`);
    // A different record asked for while one is pending joins its packet (§6.4).
    await h.clock.advanceAsync(2000);
    const next = h.clock.now();
    await h.send({ questions: [ptrQuestion] });
    await h.clock.advanceAsync(5);
    await h.send({ questions: [question("_ipp._tcp.local", RecordType.PTR)] });
    await h.clock.advanceAsync(1000);
    const joined = h.sent({ since: next, family: "IPv4" });
    assert.equal(joined.length, 1);
    assert.deepEqual(joined[0].message.answers.map((r) => r.name).sort(), [
      "_http._tcp.local",
      "_ipp._tcp.local",
    ]);
  } finally {
    await h.close();
  }
});

Deno.test("query flood: the same query bytes see a later publish, a changed TXT and an unpublish", async () => {
  const h = await harness();
  try {
    const den = await publishAndSettle(
      h,
      { name: "Den", type: "_http._tcp", port: 80, txt: { v: "1" } },
      10_000,
    );
    const ask = async (q: Question) => {
      await h.clock.advanceAsync(2000); // past the §6 limit of the last answer
      const since = h.clock.now();
      await h.send({ questions: [q] });
      await h.clock.advanceAsync(500);
      return h.sent({ since, family: "IPv4" }).flatMap((s) => s.message.answers);
    };
    const instances = async () =>
      (await ask(ptrQuestion)).filter((r) => r.type === RecordType.PTR).map((r) => r.data).sort();
    const txt = async () => {
      const [r] = (await ask(question("Den._http._tcp.local", RecordType.TXT)))
        .filter((r) => r.type === RecordType.TXT);
      return new TextDecoder().decode((r.data as Uint8Array[])[0]);
    };
    assert.deepEqual(await instances(), ["Den._http._tcp.local"]);
    assert.equal(await txt(), "v=1");
    const two = await publishAndSettle(h, { name: "Two", type: "_http._tcp", port: 81 }, 10_000);
    assert.deepEqual(await instances(), ["Den._http._tcp.local", "Two._http._tcp.local"]);
    den.updateTxt({ v: "2" });
    await h.clock.advanceAsync(5000);
    assert.equal(await txt(), "v=2");
    await two.unpublish();
    await h.clock.advanceAsync(5000);
    assert.deepEqual(await instances(), ["Den._http._tcp.local"]);
  } finally {
    await h.close();
  }
});

Deno.test("query flood: a query matched on one link is matched again on another (a service limited to one)", async () => {
  const h = await harness({
    interfaces: [
      { name: "eth0", link: "lan0", ipv4: "198.18.0.2/24" },
      { name: "eth1", link: "lan1", ipv4: "198.18.1.2/24" },
    ],
    testerInterfaces: [
      { name: "eth0", link: "lan0", ipv4: "198.18.0.9/24" },
      { name: "eth1", link: "lan1", ipv4: "198.18.1.9/24" },
    ],
  });
  try {
    const p = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80, interfaces: ["eth0"] });
    await h.clock.advanceAsync(10_000);
    await p;
    const since = h.clock.now();
    for (const iface of ["eth0", "eth1", "eth0", "eth1"]) {
      await h.send({ questions: [ptrQuestion] }, { interfaceName: iface });
      await h.clock.advanceAsync(1500);
    }
    const ptrs = (iface: string) =>
      h.sent({ since, interfaceName: iface }).filter((s) =>
        s.message.answers.some((r) => r.type === RecordType.PTR)
      ).length;
    assert.equal(ptrs("eth0"), 2);
    assert.equal(ptrs("eth1"), 0);
  } finally {
    await h.close();
  }
});

Deno.test("routeAnswers: a record multicast on the link and family within a second of when the reply would go is left out", () => {
  const record = new LocalRecord({
    name: "_http._tcp.local",
    type: RecordType.PTR,
    class: 1,
    cacheFlush: false,
    ttl: 4500,
    data: "Den._http._tcp.local",
  }, { state: "announced" });
  const origin = { interfaceName: "eth0", family: "IPv4" as const, sourcePort: 5353 };
  const qm = matchedList(new Map([[record, false]]));
  const qu = matchedList(new Map([[record, true]]));
  const at = (now: number, answers = qm, unicast = false) =>
    routeAnswers(answers, { ...origin, unicast }, { now, random: () => 0.5, truncated: false });
  record.markMulticast("eth0", 10_000, "IPv4");
  const delay = 70; // 20 + 0.5 × 100
  // Its reply would go within the second: nothing planned.
  assert.deepEqual(at(10_000 + MULTICAST_INTERVAL_MS - delay - 1), []);
  // Its reply would go a second after: planned, with its delay.
  assert.deepEqual(at(10_000 + MULTICAST_INTERVAL_MS - delay), [
    { route: "multicast", records: [record], delayMs: delay, defend: false },
  ]);
  // The limit is per family: over IPv6 it was never multicast.
  assert.equal(
    routeAnswers(qm, { ...origin, family: "IPv6", unicast: false }, {
      now: 10_001,
      random: () => 0.5,
      truncated: false,
    }).length,
    1,
  );
  // A QU question, or a query sent to our address, still gets its unicast
  // reply (§5.4, §5.5): the limit is on multicast only.
  assert.deepEqual(at(10_001, qu).map((r) => r.route), ["unicast"]);
  assert.deepEqual(at(10_001, qm, true).map((r) => r.route), ["unicast"]);
});

Deno.test("QueryTable: found by the bytes after the ID on the same link; a different byte or link misses", () => {
  const table = new QueryTable<string>(2);
  const packet = (id: number, name: string) =>
    encodeMessage({
      id,
      flags: 0,
      questions: [question(name, RecordType.PTR)],
      answers: [],
      authorities: [],
      additionals: [],
    });
  table.set(packet(1, "_http._tcp.local"), "eth0", "http");
  assert.equal(table.get(packet(2, "_http._tcp.local"), "eth0"), "http", "another ID");
  assert.equal(table.get(packet(1, "_http._tcp.local"), "eth1"), undefined, "another link");
  assert.equal(table.get(packet(1, "_hTtp._tcp.local"), "eth0"), undefined, "another byte");
  assert.equal(table.get(packet(1, "_http._tcp.local").subarray(0, 20), "eth0"), undefined);
  table.set(packet(1, "_ipp._tcp.local"), "eth0", "ipp");
  assert.equal(table.size, 2);
  table.set(packet(1, "_ftp._tcp.local"), "eth0", "ftp"); // full: starts over
  assert.equal(table.size, 1);
  assert.equal(table.get(packet(1, "_http._tcp.local"), "eth0"), undefined);
  assert.equal(table.get(packet(9, "_ftp._tcp.local"), "eth0"), "ftp");
  table.clear();
  assert.equal(table.get(packet(9, "_ftp._tcp.local"), "eth0"), undefined);
});
