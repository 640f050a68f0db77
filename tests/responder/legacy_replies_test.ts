// Legacy unicast replies (RFC 6762 §6.7) are planned and encoded once per
// query and sent again with each query's own ID (responder/_legacy_replies.ts,
// issue 15 item 2: the cost per answer under a 20,000/s legacy load). What is
// sent must stay exactly what planning afresh would send: each reply carries
// its query's ID and questions, a changed TXT is answered with the new data,
// a name published after a first unanswered ask is answered, and an
// unpublished one is no longer.
import assert from "node:assert/strict";
import { type Question, RecordType } from "../../codec/mod.ts";
import { LEGACY_REPLIES_MAX } from "../../responder/_legacy_replies.ts";
import { harness, publishAndSettle } from "./_harness.ts";

const srvQuestion = (name: string): Question => ({
  name,
  type: RecordType.SRV,
  class: 1,
  unicastResponse: false,
});
const txtQuestion = (name: string): Question => ({
  name,
  type: RecordType.TXT,
  class: 1,
  unicastResponse: false,
});

Deno.test("legacy replies: the same query again gets the same answers with its own ID", async () => {
  const h = await harness({ testerPort: 40000 });
  try {
    await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
    const since = h.clock.now();
    for (const id of [0x1111, 0x2222, 0x3333]) {
      await h.send({ id, questions: [srvQuestion("Den._http._tcp.local")] });
      await h.clock.advanceAsync(100);
    }
    const replies = h.sent({ since });
    assert.deepEqual(replies.map((r) => r.message.id), [0x1111, 0x2222, 0x3333]);
    for (const r of replies) {
      assert.equal(r.port, 40000);
      assert.deepEqual(r.message.questions.map((q) => q.name), ["Den._http._tcp.local"]);
      assert.deepEqual(r.message.answers, replies[0].message.answers);
      assert.deepEqual(r.message.additionals, replies[0].message.additionals);
      assert.equal(r.message.answers[0].ttl, 10, "TTL capped at 10 (§6.7)");
    }
  } finally {
    await h.close();
  }
});

Deno.test("legacy replies: a changed TXT, a later publish and an unpublish are seen at once", async () => {
  const h = await harness({ testerPort: 40000 });
  try {
    const service = await publishAndSettle(
      h,
      { name: "Den", type: "_http._tcp", port: 80, txt: { v: "1" } },
      10_000,
    );
    const ask = async (id: number, question: Question) => {
      const since = h.clock.now();
      await h.send({ id, questions: [question] });
      await h.clock.advanceAsync(100);
      return h.sent({ since }).filter((s) => s.message.id === id);
    };
    const txtOf = (sent: Awaited<ReturnType<typeof ask>>) =>
      new TextDecoder().decode((sent[0].message.answers[0].data as Uint8Array[])[0]);
    assert.equal(txtOf(await ask(1, txtQuestion("Den._http._tcp.local"))), "v=1");
    service.updateTxt({ v: "2" });
    await h.clock.advanceAsync(5_000);
    assert.equal(txtOf(await ask(2, txtQuestion("Den._http._tcp.local"))), "v=2");
    // Not ours yet: no reply; then published: answered.
    assert.equal((await ask(3, srvQuestion("Later._http._tcp.local"))).length, 0);
    await publishAndSettle(h, { name: "Later", type: "_http._tcp", port: 81 }, 10_000);
    const later = await ask(4, srvQuestion("Later._http._tcp.local"));
    assert.equal(later.length, 1);
    assert.equal((later[0].message.answers[0].data as { port: number }).port, 81);
    await service.unpublish();
    await h.clock.advanceAsync(5_000);
    assert.equal((await ask(5, srvQuestion("Den._http._tcp.local"))).length, 0);
  } finally {
    await h.close();
  }
});

Deno.test("legacy replies: more distinct queries than the table holds are all answered", async () => {
  const h = await harness({ testerPort: 40000 });
  try {
    await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
    const since = h.clock.now();
    // Case variants are distinct queries (the reply echoes the question as asked).
    const variants = Array.from({ length: LEGACY_REPLIES_MAX + 10 }, (_, i) => {
      const bits = i.toString(2).padStart(7, "0");
      return [..."den._http"].map((c, j) => bits[j] === "1" ? c.toUpperCase() : c).join("") +
        "._tcp.local";
    });
    for (const [i, name] of variants.entries()) {
      await h.send({ id: i + 1, questions: [srvQuestion(name)] });
    }
    await h.clock.advanceAsync(100);
    const replies = h.sent({ since });
    assert.equal(replies.length, variants.length);
    for (const r of replies) {
      assert.equal(r.message.questions[0].name, variants[r.message.id - 1]);
      assert.equal(r.message.answers.length, 1);
    }
  } finally {
    await h.close();
  }
});
