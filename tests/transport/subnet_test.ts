import assert from "node:assert/strict";
import {
  cidrContains,
  cidrContainsIPv4,
  cidrContainsIPv6,
  ipv4ToNumber,
  ipv6ToBytes,
  isLoopbackAddress,
  parseCidr,
} from "../../transport/subnet.ts";
import { isIPv6LinkLocal } from "../../codec/mod.ts";

Deno.test("ipv4ToNumber parses dotted quads and rejects everything else", () => {
  assert.equal(ipv4ToNumber("0.0.0.0"), 0);
  assert.equal(ipv4ToNumber("255.255.255.255"), 0xffffffff);
  assert.equal(ipv4ToNumber("198.18.1.2"), 0xc6120102);
  for (
    const bad of [
      "",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "1..2.3",
      "1.2.3.",
      ".1.2.3",
      "1.2.3.4a",
      "1234.1.1.1",
      "fe80::1",
      "::ffff:1.2.3.4",
    ]
  ) {
    assert.equal(ipv4ToNumber(bad), -1, bad);
  }
});

Deno.test("ipv6ToBytes handles ::, zones, embedded IPv4 and rejects junk", () => {
  assert.deepEqual([...ipv6ToBytes("::")!], new Array(16).fill(0));
  assert.deepEqual([...ipv6ToBytes("::1")!], [...new Array(15).fill(0), 1]);
  assert.deepEqual([...ipv6ToBytes("fe80::1%eth0")!].slice(0, 2), [0xfe, 0x80]);
  assert.deepEqual([...ipv6ToBytes("::ffff:198.18.0.1")!].slice(10), [0xff, 0xff, 198, 18, 0, 1]);
  assert.deepEqual([...ipv6ToBytes("::198.18.0.1")!].slice(12), [198, 18, 0, 1]);
  assert.deepEqual([...ipv6ToBytes("1:2:3:4:5:6:1.2.3.4")!].slice(12), [1, 2, 3, 4]);
  assert.deepEqual(
    [...ipv6ToBytes("FD00:5353:1:0:0:0:0:2")!],
    [0xfd, 0, 0x53, 0x53, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
  );
  for (
    const bad of [
      "",
      "1::2::3",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "12345::",
      "g::1",
      "1.2.3.4",
      "1:2:3:4:5:6:7::8:9",
      "::1.2.3",
    ]
  ) {
    assert.equal(ipv6ToBytes(bad), undefined, bad);
  }
});

Deno.test("parseCidr keeps the host address and computes the IPv4 network", () => {
  const c = parseCidr("198.18.1.7/24");
  assert.equal(c.family, "IPv4");
  assert.equal(c.address, "198.18.1.7");
  assert.equal(c.prefixLength, 24);
  assert.equal(c.ipv4Network, 0xc6120100);
  assert.equal(c.ipv4Mask, 0xffffff00);
  assert.equal(parseCidr("10.0.0.1/0").ipv4Mask, 0);
  assert.equal(parseCidr("10.0.0.1/32").ipv4Mask, 0xffffffff);
  const v6 = parseCidr("FE80::1%eth0/64");
  assert.equal(v6.family, "IPv6");
  assert.equal(v6.address, "fe80::1");
  for (
    const bad of ["198.18.1.1", "198.18.1.1/33", "fe80::1/129", "x/8", "1.2.3.4/-1", "1.2.3.4/ 8"]
  ) {
    assert.throws(() => parseCidr(bad), TypeError, bad);
  }
});

Deno.test("IPv4 subnet matching at prefix boundaries", () => {
  const net = parseCidr("198.18.1.1/24");
  assert.ok(cidrContains(net, "198.18.1.0"));
  assert.ok(cidrContains(net, "198.18.1.255"));
  assert.ok(!cidrContains(net, "198.18.2.1"));
  assert.ok(!cidrContains(net, "198.18.0.255"));
  assert.ok(!cidrContains(net, "fe80::1"), "no cross-family match");
  assert.ok(!cidrContainsIPv4(net, -1));
  const odd = parseCidr("198.18.1.130/25");
  assert.ok(cidrContains(odd, "198.18.1.128"));
  assert.ok(!cidrContains(odd, "198.18.1.127"));
  assert.ok(cidrContains(parseCidr("0.0.0.0/0"), "8.8.8.8"));
});

Deno.test("IPv6 prefix matching, including prefixes that split a byte", () => {
  const net = parseCidr("fd00:5353:1::1/64");
  assert.ok(cidrContains(net, "fd00:5353:1::ffff"));
  assert.ok(cidrContains(net, "fd00:5353:1:0:1:2:3:4"));
  assert.ok(!cidrContains(net, "fd00:5353:2::1"));
  assert.ok(!cidrContains(net, "198.18.1.1"));
  const ten = parseCidr("fe80::/10");
  assert.ok(cidrContains(ten, "febf::1"));
  assert.ok(!cidrContains(ten, "fec0::1"));
  assert.ok(!cidrContainsIPv6(net, new Uint8Array(4)));
  assert.ok(cidrContains(parseCidr("::/0"), "2001:db8::1"));
});

Deno.test("link-local and loopback classification", () => {
  assert.ok(isIPv6LinkLocal("fe80::1"));
  assert.ok(isIPv6LinkLocal("febf::1"));
  assert.ok(!isIPv6LinkLocal("fec0::1"));
  assert.ok(!isIPv6LinkLocal("198.18.0.1"));
  assert.ok(isLoopbackAddress("127.0.0.1"));
  assert.ok(isLoopbackAddress("127.255.0.9"));
  assert.ok(isLoopbackAddress("::1"));
  assert.ok(!isLoopbackAddress("::2"));
  assert.ok(!isLoopbackAddress("198.18.0.1"));
});
