import assert from "node:assert/strict";
import {
  canonicalRdata,
  encodeRdata,
  hasNameInRdata,
  rdataEquals,
  rdataEqualsAt,
  rdataNameOffset,
  RecordType,
  type ResourceRecord,
} from "../../codec/mod.ts";
import { bytesToBinary, rdataKey } from "../../codec/mod.ts";

const enc = (type: number, data: unknown) => encodeRdata(type, data as ResourceRecord["data"]);
const srv = (target: string, port = 80) => ({ priority: 0, weight: 0, port, target });
const nsec = (nextName: string, types: number[]) => ({ nextName, types });

const samples: [number, unknown[]][] = [
  [RecordType.A, ["198.18.0.1", "198.18.0.2"]],
  [RecordType.AAAA, ["fd00::1", "fd00::2"]],
  [RecordType.PTR, ["Den._http._tcp.local", "den._HTTP._tcp.local", "ÄB.local", "äb.local"]],
  [RecordType.CNAME, ["A.local", "a.local"]],
  [RecordType.SRV, [srv("Host.local"), srv("host.local"), srv("host.local", 81)]],
  [RecordType.NSEC, [nsec("H.local", [1]), nsec("h.local", [1]), nsec("h.local", [1, 28])]],
  [RecordType.TXT, [[new Uint8Array([65])], [new Uint8Array([97])]]],
];

Deno.test("the name-carrying types are the codec's: PTR, CNAME, NS, NSEC at 0, SRV at 6", () => {
  const expected = new Map([[12, 0], [5, 0], [2, 0], [47, 0], [33, 6]]);
  for (const type of [1, 2, 5, 12, 13, 16, 28, 33, 47, 999]) {
    assert.equal(rdataNameOffset(type), expected.get(type) ?? -1, `type ${type}`);
    assert.equal(hasNameInRdata(type), expected.has(type));
  }
});

Deno.test("rdataEquals folds ASCII case in names only, and agrees with the cache's rdataKey", () => {
  const eq = (type: number, x: unknown, y: unknown) =>
    rdataEquals(type, enc(type, x), enc(type, y));
  assert.ok(eq(RecordType.PTR, "Den._http._tcp.local", "den._HTTP._tcp.local"));
  assert.ok(!eq(RecordType.PTR, "ÄB.local", "äb.local"));
  assert.ok(eq(RecordType.SRV, srv("Host.local"), srv("host.local")));
  assert.ok(!eq(RecordType.SRV, srv("host.local"), srv("host.local", 81)));
  assert.ok(eq(RecordType.NSEC, nsec("H.local", [1]), nsec("h.local", [1])));
  assert.ok(!eq(RecordType.NSEC, nsec("h.local", [1]), nsec("h.local", [1, 28])));
  assert.ok(!eq(RecordType.TXT, [new Uint8Array([65])], [new Uint8Array([97])]));
  for (const [type, values] of samples) {
    for (const x of values) {
      for (const y of values) {
        const a = enc(type, x), b = enc(type, y);
        const sameKey = rdataKey(type, bytesToBinary(a)) === rdataKey(type, bytesToBinary(b));
        assert.equal(rdataEquals(type, a, b), sameKey, `type ${type}: ${x} / ${y}`);
        assert.equal(
          rdataEquals(type, a, b),
          rdataEquals(type, canonicalRdata(type, a), canonicalRdata(type, b)),
        );
      }
    }
  }
});

Deno.test("rdataEqualsAt compares a compressed name in a packet with canonical rdata", () => {
  // "local" at 0; SRV rdata at 7: priority, weight, port 80, "HOST" + pointer to 0.
  // deno-fmt-ignore
  const packet = new Uint8Array([
    5, 108, 111, 99, 97, 108, 0,
    0, 0, 0, 0, 0, 80, 4, 72, 79, 83, 84, 0xc0, 0,
  ]);
  const length = packet.length - 7;
  const ours = enc(33, srv("host.local")), other = enc(33, srv("host.local", 81));
  assert.ok(rdataEqualsAt(33, packet, 7, length, ours, 0, ours.length));
  assert.ok(!rdataEqualsAt(33, packet, 7, length, other, 0, other.length));
  assert.deepEqual(canonicalRdata(33, packet, 7, length), enc(33, srv("host.local")));
});
