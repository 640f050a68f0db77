// One IPv6 link-local test (fe80::/10, RFC 4291 §2.5.6), issue 7.
import assert from "node:assert/strict";
import { isIPv6LinkLocal } from "../../codec/mod.ts";
import { scopedSource } from "../../transport/transport.ts";

Deno.test("isIPv6LinkLocal: fe80::/10 by value, any spelling", () => {
  for (const a of ["fe80::1", "FE80::1", "febf::1", "fe80:0:0:0:0:0:0:1", "fe80::1%eth0"]) {
    assert.ok(isIPv6LinkLocal(a), a);
  }
  for (const a of ["fec0::1", "fe8::1", "fd00::1", "::1", "198.18.0.1", "fe80", ""]) {
    assert.ok(!isIPv6LinkLocal(a), a);
  }
});

// Before the fix scopedSource tested a prefix with its own regex, /^fe[89ab]/,
// and zoned "fe8::1" (0x0fe8 as first group: global, not link-local).
Deno.test("scopedSource zones exactly the link-local sources", () => {
  const datagram = (address: string) => ({
    data: new Uint8Array(0),
    interfaceName: "eth0",
    family: "IPv6" as const,
    source: { address, port: 5353 },
    unicast: false,
  });
  assert.equal(scopedSource(datagram("fe80::1")), "fe80::1%eth0");
  assert.equal(scopedSource(datagram("fe8::1")), "fe8::1");
  assert.equal(scopedSource(datagram("fe80::1%eth1")), "fe80::1%eth1");
});
