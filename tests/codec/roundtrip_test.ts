import assert from "node:assert/strict";
import {
  copyRdata,
  copyRdataInto,
  decodeMessage,
  decodeRdata,
  type DnsMessage,
  DnsParseError,
  encodeMessage,
  encodeRdata,
  formatIPv6,
  MessageReader,
  parseIPv6,
  type Question,
  RecordType,
  type ResourceRecord,
} from "../../codec/mod.ts";
import { seededRandom } from "../../testing/mod.ts";
import { loadCorpus, plain } from "./corpus.ts";

Deno.test("decode(encode(decode(x))) equals decode(x) for every corpus packet", () => {
  for (const entry of loadCorpus()) {
    const once = decodeMessage(entry.bytes);
    assert.deepEqual(plain(decodeMessage(encodeMessage(once))), plain(once), entry.id);
  }
});

const SEED = 1234;

function randomMessage(random: () => number): DnsMessage {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (n: number) => Math.floor(random() * n);
  const labelChars = ["a", "B", "z", "0", "-", "_", " ", "\\.", "\\\\", "é", "ü", "会", "\\007"];
  const label = () => Array.from({ length: 1 + int(12) }, () => pick(labelChars)).join("");
  const domains = ["local", "_http._tcp.local", "_ipp._tcp.local", "host.local"];
  const name = () => (random() < 0.7 ? label() + "." : "") + pick(domains);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  const record = (): ResourceRecord => {
    const base = { name: name(), class: 1, cacheFlush: random() < 0.5, ttl: int(2 ** 32) };
    switch (int(8)) {
      case 0:
        return {
          ...base,
          type: RecordType.A,
          data: `${int(256)}.${int(256)}.${int(256)}.${int(256)}`,
        };
      case 1:
        return { ...base, type: RecordType.AAAA, data: formatIPv6(bytes(16), 0) };
      case 2:
        return { ...base, type: RecordType.PTR, data: name() };
      case 3:
        return {
          ...base,
          type: RecordType.SRV,
          data: { priority: int(65536), weight: int(65536), port: int(65536), target: name() },
        };
      case 4:
        return {
          ...base,
          type: RecordType.TXT,
          data: Array.from({ length: int(4) }, () => bytes(int(40))),
        };
      case 5: {
        const types = [
          ...new Set(Array.from({ length: 1 + int(5) }, () => pick([1, 16, 28, 33, 47, 300]))),
        ];
        return {
          ...base,
          type: RecordType.NSEC,
          data: { nextName: base.name, types: types.sort((a, b) => a - b) },
        };
      }
      case 6:
        return { ...base, type: RecordType.HINFO, data: { cpu: label(), os: label() } };
      default:
        return { ...base, type: 1000 + int(100), data: bytes(int(30)) };
    }
  };
  const question = (): Question => ({
    name: name(),
    type: pick([1, 12, 16, 28, 33, 255]),
    class: 1,
    unicastResponse: random() < 0.5,
  });
  return {
    id: int(65536),
    flags: int(65536),
    questions: Array.from({ length: int(3) }, question),
    answers: Array.from({ length: int(6) }, record),
    authorities: Array.from({ length: int(3) }, record),
    additionals: Array.from({ length: int(6) }, record),
  };
}

Deno.test(`random messages round-trip through encode and decode (seed ${SEED})`, () => {
  const random = seededRandom(SEED);
  for (let i = 0; i < 2000; i++) {
    const message = randomMessage(random);
    const packet = encodeMessage(message);
    const decoded = decodeMessage(packet);
    assert.deepEqual(plain(decoded), plain(message), `message ${i}`);
    assert.deepEqual(encodeMessage(decoded), packet, `message ${i} re-encodes identically`);
  }
});

Deno.test("copyRdata() expands names so equal rdata compares equal across packets", () => {
  const random = seededRandom(99);
  for (let i = 0; i < 300; i++) {
    const message = randomMessage(random);
    const reader = new MessageReader(encodeMessage(message));
    while (reader.nextRecord()) {
      const canonical = copyRdata(
        reader.packet,
        reader.type,
        reader.rdataOffset,
        reader.rdataLength,
      );
      const record = reader.record();
      assert.deepEqual(canonical, encodeRdata(record.type, record.data));
      assert.deepEqual(
        plain({ d: decodeRdata(record.type, canonical) } as never),
        plain({ d: record.data } as never),
      );
    }
  }
});

Deno.test("copyRdataInto() writes what copyRdata() returns, at the offset asked, into a reused buffer", () => {
  const random = seededRandom(7);
  const out = new Uint8Array(0xffff + 512);
  for (let i = 0; i < 300; i++) {
    const reader = new MessageReader(encodeMessage(randomMessage(random)));
    while (reader.nextRecord()) {
      const { packet, type, rdataOffset, rdataLength } = reader;
      out.fill(0xee, 0, 8);
      const end = copyRdataInto(packet, type, rdataOffset, rdataLength, out, 5);
      assert.deepEqual(out.subarray(5, end), copyRdata(packet, type, rdataOffset, rdataLength));
      assert.deepEqual([...out.subarray(0, 5)], [0xee, 0xee, 0xee, 0xee, 0xee], "before untouched");
    }
  }
  // A PTR pointing past its packet is malformed, as for copyRdata().
  assert.throws(() => copyRdataInto(new Uint8Array([0xc0, 0x40]), 12, 0, 2, out), DnsParseError);
  // No room: a RangeError, not a write past the end.
  const ptr = new Uint8Array([1, 97, 5, 108, 111, 99, 97, 108, 0]);
  assert.throws(() => copyRdataInto(ptr, 12, 0, ptr.length, new Uint8Array(4)), RangeError);
  assert.throws(() => copyRdataInto(ptr, 1, 0, 4, new Uint8Array(4), 2), RangeError);
});

Deno.test("IPv6 text follows RFC 5952 and parses every form back", () => {
  const cases: [string, string][] = [
    ["fd00:0:0:0:0:0:0:1", "fd00::1"],
    ["FE80::0001", "fe80::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["::", "::"],
    ["::ffff:198.18.0.1", "::ffff:c612:1"],
    ["1:0:0:0:0:0:0:0", "1::"],
    ["fe80::1%eth0", "fe80::1"],
  ];
  for (const [input, expected] of cases) assert.equal(formatIPv6(parseIPv6(input), 0), expected);
  for (const bad of ["1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", ":", "g::1", "1:2:3:4:5:6:7"]) {
    assert.throws(() => parseIPv6(bad), TypeError, bad);
  }
});
