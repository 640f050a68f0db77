import assert from "node:assert/strict";
import {
  decodeMessage,
  encodeMessage,
  encodeRdata,
  MessageReader,
  MessageWriter,
  RecordType,
  type ResourceRecord,
  Section,
} from "../../codec/mod.ts";

const ptr = (instance: string): ResourceRecord => ({
  name: "_http._tcp.local",
  type: RecordType.PTR,
  class: 1,
  cacheFlush: false,
  ttl: 4500,
  data: `${instance}._http._tcp.local`,
});

Deno.test("MessageWriter compresses rdata names, and not when told to (legacy unicast)", () => {
  const srv: ResourceRecord = {
    name: "A._http._tcp.local",
    type: RecordType.SRV,
    class: 1,
    cacheFlush: true,
    ttl: 120,
    data: { priority: 0, weight: 0, port: 80, target: "host.local" },
  };
  const message = {
    id: 0,
    flags: 0x8400,
    questions: [],
    answers: [ptr("A"), srv],
    authorities: [],
    additionals: [],
  };
  const compressed = encodeMessage(message);
  const legacy = encodeMessage(message, { compressRdataNames: false });
  assert.ok(compressed.length < legacy.length);
  assert.deepEqual(decodeMessage(compressed), decodeMessage(legacy));
  // In the legacy form the PTR rdata holds the whole name: no 0xc0 byte in it.
  const r = new MessageReader(legacy);
  r.nextRecord();
  assert.ok(!r.rdata().includes(0xc0));
});

Deno.test("MessageWriter rolls back a record that passes maxSize, compression entries included", () => {
  const w = new MessageWriter({ maxSize: 120 });
  w.reset(0, 0x8400);
  let written = 0;
  for (let i = 0; i < 20; i++) if (w.answer(ptr(`instance-${i}`))) written++;
  assert.ok(written > 0 && written < 20);
  const packet = w.finish().slice();
  assert.ok(packet.length <= 120);
  const decoded = decodeMessage(packet);
  assert.equal(decoded.answers.length, written);
  assert.deepEqual(
    decoded.answers.map((a) => a.data),
    Array.from({ length: written }, (_, i) => `instance-${i}._http._tcp.local`),
  );
  // A rolled-back name must not be left in the table: a shorter record that
  // fits may reuse only suffixes that really are in the packet.
  const w2 = new MessageWriter({ maxSize: 60 });
  w2.reset();
  assert.equal(w2.answer(ptr("a-very-long-instance-name-that-does-not-fit")), false);
  assert.equal(w2.size, 12);
  assert.ok(w2.answer(ptr("b")));
  assert.equal(decodeMessage(w2.finish()).answers[0].data, "b._http._tcp.local");
});

Deno.test("MessageWriter mark() and rollback() undo records across sections", () => {
  const w = new MessageWriter();
  w.reset();
  w.answer(ptr("a"));
  const mark = w.mark();
  w.answer(ptr("b"));
  w.additional(ptr("c"));
  w.rollback(mark);
  w.authority(ptr("d"));
  const m = decodeMessage(w.finish());
  assert.deepEqual(m.answers.map((a) => a.data), ["a._http._tcp.local"]);
  assert.deepEqual(m.authorities.map((a) => a.data), ["d._http._tcp.local"]);
  assert.equal(m.additionals.length, 0);
});

Deno.test("MessageWriter keeps sections in order and rejects bad values with the message intact", () => {
  const w = new MessageWriter();
  w.reset();
  w.additional(ptr("a"));
  assert.throws(() => w.answer(ptr("b")), TypeError);
  assert.throws(
    () => w.question({ name: "x.local", type: 1, class: 1, unicastResponse: false }),
    TypeError,
  );
  const size = w.size;
  assert.throws(
    () =>
      w.additional({
        name: "t.local",
        type: RecordType.TXT,
        class: 1,
        cacheFlush: true,
        ttl: 1,
        data: [new Uint8Array(256)],
      }),
    RangeError,
  );
  assert.throws(() => w.additional(ptr("x".repeat(64))), RangeError);
  assert.throws(
    () =>
      w.additional({ name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 1, data: "1.2.3" }),
    TypeError,
  );
  assert.equal(w.size, size);
  assert.equal(decodeMessage(w.finish()).additionals.length, 1);
});

Deno.test("rdata over 65535 bytes is refused: RangeError from encoders, false from the writer", () => {
  const strings = Array.from({ length: 260 }, () => new Uint8Array(255));
  const record: ResourceRecord = {
    name: "t.local",
    type: RecordType.TXT,
    class: 1,
    cacheFlush: false,
    ttl: 1,
    data: strings,
  };
  assert.throws(() => encodeRdata(RecordType.TXT, strings), RangeError);
  assert.throws(
    () =>
      encodeMessage({
        id: 0,
        flags: 0,
        questions: [],
        answers: [record],
        authorities: [],
        additionals: [],
      }),
    RangeError,
  );
  const w = new MessageWriter({ maxSize: 0xffff });
  w.reset();
  assert.equal(w.answer(record), false);
  assert.equal(w.recordCount, 0);
});

Deno.test("unknown record types round-trip as raw bytes, HINFO and NSEC as objects", () => {
  const message = {
    id: 7,
    flags: 0,
    questions: [],
    answers: [
      {
        name: "x.local",
        type: 99,
        class: 1,
        cacheFlush: false,
        ttl: 10,
        data: new Uint8Array([1, 2, 3]),
      },
      {
        name: "x.local",
        type: RecordType.HINFO,
        class: 1,
        cacheFlush: false,
        ttl: 10,
        data: { cpu: "ARM", os: "Linux" },
      },
      {
        name: "x.local",
        type: RecordType.NSEC,
        class: 1,
        cacheFlush: true,
        ttl: 10,
        data: { nextName: "x.local", types: [1, 28, 33, 16, 256 + 5] },
      },
    ] as ResourceRecord[],
    authorities: [],
    additionals: [],
  };
  const decoded = decodeMessage(encodeMessage(message));
  assert.deepEqual([...(decoded.answers[0].data as Uint8Array)], [1, 2, 3]);
  assert.deepEqual(decoded.answers[1].data, { cpu: "ARM", os: "Linux" });
  assert.deepEqual(decoded.answers[2].data, { nextName: "x.local", types: [1, 16, 28, 33, 261] });
  const r = new MessageReader(encodeMessage(message));
  while (r.nextRecord()) assert.equal(r.section, Section.Answer);
});
