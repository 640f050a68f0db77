// Packets that fit a 1500-byte link (RFC 6762 §17; issue 7 defect 4).
import assert from "node:assert/strict";
import {
  decodeMessage,
  Limits,
  MessageWriter,
  RecordType,
  type ResourceRecord,
} from "../../codec/mod.ts";
import { writeAll } from "../../codec/_write_all.ts";

const txt = (i: number): ResourceRecord => ({
  name: `instance-${i}._http._tcp.local`,
  type: RecordType.TXT,
  class: 1,
  cacheFlush: true,
  ttl: 4500,
  data: [new TextEncoder().encode(`path=/${"x".repeat(100)}/${i}`)],
});

// Before the fix the default was 8952 bytes: all 40 records went in one packet.
Deno.test("MessageWriter defaults to 1440 bytes, rolls back, and the caller goes on", () => {
  assert.equal(Limits.LINK_MESSAGE_BYTES, 1440);
  const records = Array.from({ length: 40 }, (_, i) => txt(i));
  const w = new MessageWriter();
  const packets: Uint8Array[] = [];
  let next = 0;
  while (next < records.length) {
    w.reset(0, 0x8400);
    while (next < records.length && w.answer(records[next])) next++;
    assert.ok(w.recordCount > 0, "each packet holds at least one record");
    const packet = w.finishCopy();
    assert.ok(packet.length <= 1440, `${packet.length} bytes`);
    packets.push(packet);
  }
  assert.ok(packets.length > 1);
  const names = packets.flatMap((p) => decodeMessage(p).answers.map((r) => r.name));
  assert.deepEqual(names, records.map((r) => r.name));
});

Deno.test("writeAll splits records over as few packets as fit, in order", () => {
  const records = Array.from({ length: 40 }, (_, i) => txt(i));
  const packets = writeAll(records, { flags: 0x8400 });
  assert.ok(packets.length > 1);
  for (const p of packets) {
    assert.ok(p.length <= 1440);
    assert.equal(decodeMessage(p).flags, 0x8400);
  }
  const decoded = packets.flatMap((p) => decodeMessage(p).answers);
  assert.deepEqual(decoded.map((r) => r.name), records.map((r) => r.name));
  assert.deepEqual(writeAll([]), []);
  const big = {
    ...txt(0),
    data: Array.from({ length: 8 }, () => new Uint8Array(255)),
  } as ResourceRecord;
  assert.throws(() => writeAll([big]), RangeError);
  assert.equal(writeAll([big], { maxSize: 9000 - 48 }).length, 1);
});
