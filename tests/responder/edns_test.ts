// EDNS0 (RFC 6891) in the queries the responder receives (responder/_edns.ts).
// A legacy unicast query (RFC 6762 §6.7, source port not 5353) is plain DNS:
// an OPT of a VERSION above 0 draws BADVERS (§6.1.3), a malformed OPT
// FORMERR (§6.1.1, §6.1.2), each with our OPT back (§7), and only where a
// reply would have gone. An mDNS query (port 5353) is answered whatever its
// OPT says: RFC 6762 §18.11 keeps the RCODE of mDNS messages zero, and
// mDNSResponder and Avahi ignore it too.
import assert from "node:assert/strict";
import { encodeMessage, MessageReader, RecordType, type ResourceRecord } from "../../codec/mod.ts";
import { LEGACY_OPT_RECORD, queryEdns } from "../../responder/_edns.ts";
import { type Harness, harness } from "./_harness.ts";

const RCODE_MASK = 0x000f;
const FORMERR = 1;
const BADVERS = 16;

function opt(options: { version?: number; name?: string } = {}): ResourceRecord {
  return {
    name: options.name ?? "",
    type: RecordType.OPT,
    class: 1232,
    cacheFlush: false,
    ttl: (options.version ?? 0) << 16,
    data: new Uint8Array(0),
  };
}

const question = (name = "_http._tcp.local") => ({
  name,
  type: RecordType.PTR,
  class: 1,
  unicastResponse: false,
});

async function published(testerPort?: number): Promise<Harness> {
  const h = await harness({ testerPort });
  const p = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
  await h.clock.advanceAsync(10_000);
  await p;
  return h;
}

/** Sends a query (multicast, as a resolver asking .local does) and returns what came back. */
async function ask(
  h: Harness,
  sections: { answers?: ResourceRecord[]; additionals?: ResourceRecord[]; name?: string },
) {
  const since = h.clock.now();
  await h.send({
    id: 0x2a2a,
    questions: [question(sections.name)],
    answers: sections.answers ?? [],
    additionals: sections.additionals ?? [],
  });
  await h.clock.advanceAsync(1000);
  return h.sent({ since, family: "IPv4" });
}

/** The extended RCODE of a reply (RFC 6891 §6.1.3): OPT's upper 8 bits over the header's 4. */
function extendedRcode(message: { flags: number; additionals: ResourceRecord[] }): number {
  const opts = message.additionals.filter((r) => r.type === RecordType.OPT);
  assert.equal(opts.length, 1, "one OPT in the reply (RFC 6891 §7)");
  const [o] = opts;
  assert.equal(o.name, "", "owned by the root");
  assert.equal((o.ttl >>> 16) & 0xff, 0, "version 0, the one we implement");
  return ((o.ttl >>> 24) << 4) | (message.flags & RCODE_MASK);
}

Deno.test("edns: a legacy query with an OPT of version 1 gets BADVERS, its ID and question, no answers", async () => {
  const h = await published(40000);
  const [reply, ...rest] = await ask(h, { additionals: [opt({ version: 1 })] });
  assert.equal(rest.length, 0);
  assert.equal(reply.port, 40000);
  assert.equal(reply.message.id, 0x2a2a);
  assert.deepEqual(reply.message.questions.map((q) => q.name), ["_http._tcp.local"]);
  assert.equal(reply.message.answers.length, 0);
  assert.equal(extendedRcode(reply.message), BADVERS);
  // Asked again (a remembered reply), the same, with the new ID.
  const [again] = await ask(h, { additionals: [opt({ version: 1 })] });
  assert.equal(extendedRcode(again.message), BADVERS);
  // Version 0 is ours: answered.
  const [v0] = await ask(h, { additionals: [opt()] });
  assert.equal(extendedRcode(v0.message), 0);
  assert.equal(v0.message.answers.length, 1);
  await h.close();
});

Deno.test("edns: a legacy query with a malformed OPT gets FORMERR", async () => {
  const h = await published(40000);
  const cases: [string, { answers?: ResourceRecord[]; additionals?: ResourceRecord[] }][] = [
    ["two OPT records", { additionals: [opt(), opt()] }],
    ["OPT in the answer section", { answers: [opt()] }],
    ["OPT owned by a name other than the root", { additionals: [opt({ name: "box.local" })] }],
  ];
  for (const [what, sections] of cases) {
    const replies = await ask(h, sections);
    assert.equal(replies.length, 1, what);
    assert.equal(replies[0].message.answers.length, 0, what);
    assert.equal(extendedRcode(replies[0].message), FORMERR, what);
  }
  await h.close();
});

Deno.test("edns: a legacy query about names not ours stays unanswered whatever its OPT", async () => {
  const h = await published(40000);
  for (const additionals of [[opt({ version: 1 })], [opt(), opt()]]) {
    const replies = await ask(h, { additionals, name: "_ipp._tcp.local" });
    assert.deepEqual(replies, []);
  }
  await h.close();
});

Deno.test("edns: an mDNS query is answered whatever its OPT (version 1 or malformed), RCODE 0", async () => {
  const h = await published();
  const cases: { answers?: ResourceRecord[]; additionals?: ResourceRecord[] }[] = [
    { additionals: [opt({ version: 1 })] },
    { additionals: [opt(), opt()] },
    { answers: [opt()] },
    { additionals: [opt({ name: "box.local" })] },
  ];
  for (const sections of cases) {
    const replies = await ask(h, sections);
    assert.equal(replies.length, 1, JSON.stringify(sections));
    const [reply] = replies;
    assert.equal(reply.to, "multicast");
    assert.equal(reply.message.flags & RCODE_MASK, 0);
    assert.deepEqual(reply.message.answers.map((r) => r.type), [RecordType.PTR]);
    assert.ok(!reply.message.additionals.some((r) => r.type === RecordType.OPT), "no OPT");
    await h.clock.advanceAsync(1000); // the §6 limit clear
  }
  await h.close();
});

Deno.test("edns: queryEdns reads the size, the version and the shape of a query's OPT", () => {
  const read = (sections: { answers?: ResourceRecord[]; additionals?: ResourceRecord[] }) =>
    queryEdns(
      new MessageReader(encodeMessage({
        id: 1,
        flags: 0,
        questions: [question()],
        answers: sections.answers ?? [],
        authorities: [],
        additionals: sections.additionals ?? [],
      })),
    );
  assert.deepEqual(read({}), { rcode: 0, size: { maxBytes: 512 } });
  const v0 = read({ additionals: [{ ...opt(), class: 4096 }] });
  assert.deepEqual(v0, { rcode: 0, size: { maxBytes: 1440, last: LEGACY_OPT_RECORD } });
  assert.equal(read({ additionals: [{ ...opt(), class: 100 }] }).size.maxBytes, 512);
  const v1 = read({ additionals: [opt({ version: 1 })] });
  assert.equal(v1.rcode, BADVERS);
  assert.equal(
    v1.size.last?.ttl,
    0x01000000,
    "extended RCODE 1 in the OPT: 16 with the header's 0",
  );
  // Malformed beats a version we do not know, whichever comes first.
  assert.equal(read({ additionals: [opt({ version: 1 }), opt()] }).rcode, FORMERR);
  assert.equal(read({ additionals: [opt(), opt({ version: 1 })] }).rcode, FORMERR);
  assert.equal(read({ answers: [opt()], additionals: [opt()] }).rcode, FORMERR);
  // Another record in Additional is no OPT at all.
  const a = { name: "box.local", type: RecordType.A, class: 1, cacheFlush: false, ttl: 120 };
  assert.equal(read({ additionals: [{ ...a, data: "198.18.0.2" }] }).rcode, 0);
});
