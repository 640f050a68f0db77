// A legacy unicast reply (RFC 6762 §6.7) goes to a conventional resolver,
// which takes 512 bytes of UDP message (RFC 1035 §4.2.1) unless its query
// carries an EDNS0 OPT record advertising more (RFC 6891 §6.2.3, §6.2.5: a
// value under 512 counts as 512). A reply that does not fit is cut between
// whole answers and has TC set; a query with OPT gets an OPT back (§7).
import assert from "node:assert/strict";
import { RecordType, type ResourceRecord } from "../../codec/mod.ts";
import { type Harness, harness } from "./_harness.ts";

const TC = 0x0200;

/** Publishes `count` services of `_http._tcp` with 40-byte instance names. */
async function published(count: number): Promise<Harness> {
  const h = await harness({ testerPort: 40000 });
  const all = Array.from(
    { length: count },
    (_, i) => h.mdns.publish({ name: `Size ${i} `.padEnd(40, "z"), type: "_http._tcp", port: 80 }),
  );
  await h.clock.advanceAsync(10_000);
  await Promise.all(all);
  return h;
}

function opt(payloadSize: number): ResourceRecord {
  return {
    name: "",
    type: RecordType.OPT,
    class: payloadSize,
    cacheFlush: false,
    ttl: 0,
    data: new Uint8Array(0),
  };
}

/** Sends a legacy PTR query for `_http._tcp.local` and returns the one reply's bytes and message. */
async function ask(h: Harness, additionals: ResourceRecord[] = []) {
  const since = h.clock.now();
  await h.send({
    id: 0x5150,
    questions: [{
      name: "_http._tcp.local",
      type: RecordType.PTR,
      class: 1,
      unicastResponse: false,
    }],
    additionals,
  });
  await h.clock.advanceAsync(1000);
  const packets = h.network.packets({ from: "a", since });
  assert.equal(packets.length, 1, "one packet");
  assert.equal(packets[0].port, 40000, "back to the resolver's port");
  return { bytes: packets[0].data.length, message: h.sent({ since })[0].message };
}

Deno.test("legacy size: without EDNS0 a reply is cut at 512 bytes, whole answers, TC set", async () => {
  // 12 PTRs of ~70 bytes each (names uncompressed in rdata, §6.7): ~850 bytes in all.
  const h = await published(12);
  const { bytes, message } = await ask(h);
  assert.ok(bytes <= 512, `${bytes} bytes`);
  assert.ok((message.flags & TC) !== 0, "TC set");
  assert.ok(message.answers.length > 0 && message.answers.length < 12, `${message.answers.length}`);
  for (const a of message.answers) assert.equal(a.type, RecordType.PTR); // each one whole
  assert.equal(message.id, 0x5150);
  assert.equal(message.questions.length, 1);
  assert.ok(!message.additionals.some((r) => r.type === RecordType.OPT), "no OPT unasked");
  // Asked again, the reply remembered (responder/_legacy_replies.ts) is the same size.
  const again = await ask(h);
  assert.equal(again.bytes, bytes);
  assert.deepEqual(again.message.answers, message.answers);
  // The same question with OPT is another query, with a larger reply.
  const edns = await ask(h, [opt(1440)]);
  assert.ok(edns.bytes > 512, `${edns.bytes} bytes`);
  await h.close();
});

Deno.test("legacy size: a reply that fits 512 bytes has no TC and no OPT", async () => {
  const h = await published(2);
  const { bytes, message } = await ask(h);
  assert.ok(bytes <= 512, `${bytes} bytes`);
  assert.equal(message.flags & TC, 0);
  assert.equal(message.answers.length, 2);
  assert.ok(!message.additionals.some((r) => r.type === RecordType.OPT));
  await h.close();
});

Deno.test("legacy size: an OPT advertising 1232 bytes gets up to 1232 and an OPT back", async () => {
  const h = await published(12);
  const { bytes, message } = await ask(h, [opt(1232)]);
  assert.ok(bytes > 512 && bytes <= 1232, `${bytes} bytes`);
  assert.equal(message.flags & TC, 0, "all 12 fit");
  assert.equal(message.answers.length, 12);
  const [echo] = message.additionals.filter((r) => r.type === RecordType.OPT);
  assert.ok(echo !== undefined, "OPT in the reply (RFC 6891 §7)");
  assert.equal(echo.name, "");
  assert.equal(echo.ttl, 0, "extended RCODE 0, version 0, no flags");
  assert.equal(message.additionals.at(-1)!.type, RecordType.OPT);
  await h.close();
});

Deno.test("legacy size: an OPT's size is capped at the link's 1440 and raised to 512", async () => {
  const big = await published(30);
  const large = await ask(big, [opt(4096)]);
  assert.ok(large.bytes > 1232 && large.bytes <= 1440, `${large.bytes} bytes`);
  assert.ok((large.message.flags & TC) !== 0, "30 do not fit 1440");
  assert.ok(large.message.additionals.some((r) => r.type === RecordType.OPT), "OPT kept when cut");
  await big.close();
  const small = await published(12);
  const tiny = await ask(small, [opt(100)]);
  assert.ok(tiny.bytes > 400 && tiny.bytes <= 512, `${tiny.bytes} bytes`);
  assert.ok((tiny.message.flags & TC) !== 0);
  assert.ok(tiny.message.additionals.some((r) => r.type === RecordType.OPT));
  await small.close();
});
