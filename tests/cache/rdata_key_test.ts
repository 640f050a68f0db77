import assert from "node:assert/strict";
import { encodeRdata } from "../../codec/mod.ts";
import {
  binaryToBytes,
  bytesToBinary,
  flatString,
  nsecListsType,
  rdataKey,
} from "../../cache/_rdata_key.ts";

Deno.test("binary strings round-trip every byte value, large rdata included", () => {
  const bytes = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 7) & 0xff);
  const s = bytesToBinary(bytes);
  assert.equal(s.length, bytes.length);
  assert.deepEqual(binaryToBytes(s), bytes);
  assert.equal(bytesToBinary(bytes, 2, 5), String.fromCharCode(14, 21, 28));
});

Deno.test("rdataKey lowers names inside PTR, SRV and NSEC only", () => {
  const ptr = bytesToBinary(encodeRdata(12, "Den._HTTP._tcp.local"));
  assert.equal(rdataKey(12, ptr), bytesToBinary(encodeRdata(12, "den._http._tcp.local")));
  // SRV: port 0x4142 ("AB") must not be lowered; the target must.
  const srv = bytesToBinary(
    encodeRdata(33, { priority: 0, weight: 0, port: 0x4142, target: "H.local" }),
  );
  const key = rdataKey(33, srv);
  assert.equal(key.charCodeAt(4), 0x41);
  assert.equal(key.charCodeAt(5), 0x42);
  assert.equal(key.slice(6), bytesToBinary(encodeRdata(12, "h.local")));
  // NSEC: the bitmap after the name is untouched.
  const nsec = bytesToBinary(encodeRdata(47, { nextName: "H.local", types: [1, 16, 33] }));
  const nkey = rdataKey(47, nsec);
  assert.equal(nkey.slice(0, 9), bytesToBinary(encodeRdata(12, "h.local")));
  assert.equal(nkey.slice(9), nsec.slice(9));
  // TXT and A are compared bytewise: case matters there.
  const t = bytesToBinary(encodeRdata(16, [new TextEncoder().encode("A=B")]));
  assert.equal(rdataKey(16, t), t);
  const lower = bytesToBinary(encodeRdata(12, "a.local"));
  assert.equal(rdataKey(12, lower), lower, "no capitals: the same string");
});

Deno.test("nsecListsType reads the type bitmap", () => {
  const nsec = bytesToBinary(encodeRdata(47, { nextName: "h.local", types: [1, 28, 47, 300] }));
  for (const t of [1, 28, 47, 300]) assert.ok(nsecListsType(nsec, t), String(t));
  for (const t of [2, 16, 33, 255, 299, 301, 1000]) assert.ok(!nsecListsType(nsec, t), String(t));
});

Deno.test("short and long rdata convert the same way, and flatString keeps the text", () => {
  for (const n of [0, 1, 12, 13, 100, 8192, 8193]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
    assert.deepEqual(binaryToBytes(bytesToBinary(bytes)), bytes, String(n));
  }
  const long = "x".repeat(9000) + "y";
  assert.equal(flatString(long), long);
  assert.equal(flatString("Den" + "._http._tcp.local"), "Den._http._tcp.local");
});
