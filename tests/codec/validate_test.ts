import assert from "node:assert/strict";
import {
  DnsParseError,
  encodeMessage,
  MessageReader,
  RecordType,
  type ResourceRecord,
} from "../../codec/mod.ts";
import { loadCorpus } from "./corpus.ts";

const record = (r: Partial<ResourceRecord> & Pick<ResourceRecord, "type" | "data">) =>
  ({ name: "host.local", class: 1, cacheFlush: false, ttl: 120, ...r }) as ResourceRecord;

function response(...answers: ResourceRecord[]): Uint8Array {
  return encodeMessage({
    id: 0,
    flags: 0x8400,
    questions: [],
    answers,
    authorities: [],
    additionals: [],
  });
}

/** Walks every record without decoding: the stack's pre-walk before `validate()`. */
function framingOnly(packet: Uint8Array): void {
  const reader = new MessageReader(packet);
  while (reader.nextRecord());
}

function assertRejectedAt(packet: Uint8Array, offset: number, reason: RegExp): void {
  assert.throws(
    () => new MessageReader(packet).validate(),
    (e: unknown) => e instanceof DnsParseError && e.offset === offset && reason.test(e.reason),
  );
}

Deno.test("validate: every corpus packet passes and the reader is back at the start", () => {
  for (const entry of loadCorpus()) {
    const reader = new MessageReader(entry.bytes);
    reader.nextRecord();
    reader.validate();
    let records = 0;
    while (reader.nextRecord()) records++;
    const m = entry.expected;
    assert.equal(records, m.answers.length + m.authorities.length + m.additionals.length, entry.id);
  }
});

// Defect 2 of issue 7: the A record before a bad PTR was cached because only
// framing was checked before the handlers ran. Before validate() existed the
// framing walk accepted this packet.
Deno.test("validate: a PTR whose name points into the header fails the whole packet", () => {
  const packet = response(
    record({ type: RecordType.A, data: "198.18.0.2" }),
    record({ name: "_http._tcp.local", type: RecordType.PTR, data: "x.local" }),
  );
  // Point the PTR target at the flags: 0xc0 0x02 in place of its first label.
  const reader = new MessageReader(packet);
  reader.nextRecord();
  reader.nextRecord();
  const at = reader.rdataOffset;
  const bad = packet.slice();
  bad[at] = 0xc0;
  bad[at + 1] = 2; // flags 0x84: a reserved label type
  framingOnly(bad); // framing alone sees nothing wrong
  // The handler that decodes this PTR fails on it; validate() fails first.
  const handler = new MessageReader(bad);
  assert.equal(handler.nextRecord() && handler.record().type, RecordType.A); // the A reads fine
  assert.throws(() => handler.nextRecord() && handler.record(), DnsParseError);
  assertRejectedAt(bad, at, /points into the header/);
  bad[at + 1] = 0; // offset 0: the id's zero byte reads as the root name
  framingOnly(bad);
  assertRejectedAt(bad, at, /points into the header/);
});

Deno.test("validate: fixed rdata sizes are checked", () => {
  const cases: [number, number[], RegExp][] = [
    [RecordType.A, [1, 2, 3], /A rdata of 3 bytes/],
    [RecordType.AAAA, new Array(15).fill(0), /AAAA rdata of 15 bytes/],
    [RecordType.SRV, [0, 0, 0, 0, 0, 80], /SRV rdata of 6 bytes/],
    [RecordType.SRV, [0, 0, 0, 0, 0, 80, 1, 97, 0, 9], /target does not fill/],
    [RecordType.PTR, [1, 97, 0, 0], /name does not fill PTR/],
    [RecordType.TXT, [4, 97, 61], /TXT string runs past/],
    [RecordType.HINFO, [1, 65], /HINFO rdata too short/],
    [RecordType.NSEC, [0, 0, 0], /NSEC bitmap length 0/],
  ];
  for (const [type, rdata, reason] of cases) {
    const packet = response(record({ type: 999, data: new Uint8Array(rdata) }));
    const reader = new MessageReader(packet);
    reader.nextRecord();
    const typeAt = reader.rdataOffset - 10;
    packet[typeAt] = type >> 8;
    packet[typeAt + 1] = type & 0xff;
    framingOnly(packet);
    assert.throws(
      () => new MessageReader(packet).validate(),
      (e: unknown) => e instanceof DnsParseError && reason.test(e.reason),
      `type ${type}`,
    );
  }
});

Deno.test("validate: owner names are followed through their pointers", () => {
  const packet = response(
    record({ type: RecordType.A, data: "198.18.0.2" }),
    record({ type: RecordType.A, data: "198.18.0.3" }),
  );
  const reader = new MessageReader(packet);
  reader.nextRecord();
  reader.nextRecord();
  const owner = reader.nameOffset; // a pointer to the first owner
  assert.equal(packet[owner] & 0xc0, 0xc0);
  const bad = packet.slice();
  bad[owner + 1] = 3; // flags byte 0x00 → root; then into the header
  assertRejectedAt(bad, owner, /points into the header/);
  const bad2 = packet.slice();
  bad2[12] = 64; // first label's length byte now 64: the second owner reads it too
  assert.throws(() => new MessageReader(bad2).validate(), DnsParseError);
});

Deno.test("validate: unknown types stay opaque and trailing bytes are ignored", () => {
  const packet = response(record({ type: 999, data: new Uint8Array([0xc0, 0xff]) }));
  const padded = new Uint8Array(packet.length + 3);
  padded.set(packet);
  assert.equal(new MessageReader(padded).validate().nextRecord(), true);
});
