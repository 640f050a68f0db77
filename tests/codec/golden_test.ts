import assert from "node:assert/strict";
import {
  decodeMessage,
  encodeMessage,
  MessageFlags,
  MessageReader,
  MessageWriter,
  readName,
  RecordType,
  Section,
} from "../../codec/mod.ts";
import { loadCorpus, plain } from "./corpus.ts";

const corpus = loadCorpus();

Deno.test("decodeMessage() reads every corpus packet as the corpus describes it", async (t) => {
  for (const entry of corpus) {
    await t.step(`${entry.id}: ${entry.description}`, () => {
      assert.deepEqual(plain(decodeMessage(entry.bytes)), plain(entry.expected));
    });
  }
});

Deno.test("encodeMessage() reproduces the compressed corpus packets byte for byte", async (t) => {
  for (const entry of corpus.filter((e) => e.encode)) {
    await t.step(entry.id, () => {
      assert.deepEqual(encodeMessage(entry.expected), entry.bytes);
    });
  }
});

Deno.test("encodeMessage() compresses the uncompressed 25-service packet to the compressed one", () => {
  const d0 = corpus.find((e) => e.id === "d0")!;
  const d = corpus.find((e) => e.id === "d")!;
  const reencoded = encodeMessage(decodeMessage(d0.bytes));
  assert.equal(d0.bytes.length, 6938);
  assert.deepEqual(reencoded, d.bytes);
});

// RFC 1035 §4.1.4: F.ISI.ARPA at offset 20, FOO.F.ISI.ARPA at 40 as "FOO" plus a
// pointer to 20, ARPA at 64 as a pointer to 26, and the root at 92.
Deno.test("readName() follows the RFC 1035 §4.1.4 compression example", () => {
  const p = new Uint8Array(100);
  p.set([1, 70, 3, 73, 83, 73, 4, 65, 82, 80, 65, 0], 20); // F.ISI.ARPA
  p.set([3, 70, 79, 79, 0xc0, 20], 40); // FOO + ptr 20
  p.set([0xc0, 26], 64); // ptr 26 (ARPA)
  p.set([0], 92);
  const names = [20, 40, 64, 92].map((at) => readName(p, at));
  assert.deepEqual(names, ["F.ISI.ARPA", "FOO.F.ISI.ARPA", "ARPA", ""]);
});

Deno.test("MessageWriter lays out a known-answer query exactly as worked out by hand", () => {
  const w = new MessageWriter();
  w.reset(0, 0);
  w.question({ name: "_ipp._tcp.local", type: RecordType.PTR, class: 1, unicastResponse: true });
  w.answer({
    name: "_ipp._tcp.local",
    type: RecordType.PTR,
    class: 1,
    cacheFlush: false,
    ttl: 4500,
    data: "P._ipp._tcp.local",
  });
  const expected = [
    // header: id 0, flags 0, qd 1, an 1, ns 0, ar 0
    0,
    0,
    0,
    0,
    0,
    1,
    0,
    1,
    0,
    0,
    0,
    0,
    // offset 12: _ipp._tcp.local
    4,
    95,
    105,
    112,
    112,
    4,
    95,
    116,
    99,
    112,
    5,
    108,
    111,
    99,
    97,
    108,
    0,
    0,
    12,
    0x80,
    1, // PTR, IN with the QU bit
    // offset 33: answer owner is a pointer to 12
    0xc0,
    12,
    0,
    12,
    0,
    1,
    0,
    0,
    0x11,
    0x94,
    0,
    4,
    // rdata: "P" + pointer to 12
    1,
    80,
    0xc0,
    12,
  ];
  assert.deepEqual([...w.finish()], expected);
});

Deno.test("MessageReader exposes header flags, QU and cache-flush bits as booleans", () => {
  const packet = encodeMessage({
    id: 0x1234,
    flags: MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE | MessageFlags.TRUNCATED | 3,
    questions: [{ name: "a.local", type: RecordType.ANY, class: 1, unicastResponse: true }],
    answers: [{
      name: "a.local",
      type: RecordType.A,
      class: 1,
      cacheFlush: true,
      ttl: 120,
      data: "198.18.0.1",
    }],
    authorities: [],
    additionals: [],
  });
  const r = new MessageReader(packet);
  assert.equal(r.id, 0x1234);
  assert.equal(r.isResponse, true);
  assert.equal(r.authoritative, true);
  assert.equal(r.truncated, true);
  assert.equal(r.rcode, 3);
  assert.equal(r.opcode, 0);
  assert.ok(r.nextQuestion());
  assert.equal(r.unicastResponse, true);
  assert.equal(r.class, 1);
  assert.equal(r.type, RecordType.ANY);
  assert.ok(r.nextRecord());
  assert.equal(r.section, Section.Answer);
  assert.equal(r.cacheFlush, true);
  assert.equal(r.class, 1);
  assert.equal(r.ttl, 120);
  assert.deepEqual([...r.rdata()], [198, 18, 0, 1]);
  assert.equal(r.rdata().buffer, packet.buffer, "rdata is a view, not a copy");
  assert.equal(r.nextRecord(), false);
});

Deno.test("MessageReader skips bodies it is not asked for and builds no strings for them", () => {
  const d = corpus.find((e) => e.id === "d")!;
  const r = new MessageReader(d.bytes);
  const counts = [0, 0, 0, 0];
  let srvPorts = 0;
  while (r.nextRecord()) {
    counts[r.section]++;
    if (r.type === RecordType.SRV) srvPorts += (r.rdata()[4] << 8) | r.rdata()[5];
  }
  assert.deepEqual(counts, [0, 25, 0, 100]);
  assert.ok(srvPorts > 0);
  assert.equal(r.offset, d.bytes.length);
});
