/**
 * CIDR parsing and matching for IPv4 and IPv6, used to attribute IPv4
 * multicast to an interface by its source address and for RFC 6762 §11's
 * on-link source check. Pure: no sockets, no `Deno.*`. Public (not `_`):
 * the stack's ingress filter (`_ingress.ts`) reads a link's prefixes with it
 * too, and a file outside `transport/` imports only its public files
 * (`tests/imports_test.ts`). Not re-exported from `mod.ts`.
 *
 * @module
 */

import { tryParseIPv4, tryParseIPv6 } from "../codec/ip.ts";
import type { AddressFamily } from "./transport.ts";

/**
 * A parsed `address/prefix` pair as `Deno.networkInterfaces()` reports it
 * (`cidr` is the host address, not the network address).
 *
 * @example Parsing and matching
 * ```ts
 * import assert from "node:assert/strict";
 * import { cidrContains, parseCidr } from "./subnet.ts";
 * const net = parseCidr("198.18.1.1/24");
 * assert.equal(net.family, "IPv4");
 * assert.equal(cidrContains(net, "198.18.1.7"), true);
 * ```
 */
export interface Cidr {
  /** Address family. */
  readonly family: AddressFamily;
  /** The host address, lower case, without any `%zone`. */
  readonly address: string;
  /** Prefix length in bits (0-32 for IPv4, 0-128 for IPv6). */
  readonly prefixLength: number;
  /** Network bits of an IPv4 address as an unsigned 32-bit number (0 for IPv6). */
  readonly ipv4Network: number;
  /** IPv4 netmask as an unsigned 32-bit number (0 for IPv6). */
  readonly ipv4Mask: number;
  /** The 4 or 16 bytes of the host address. */
  readonly bytes: Uint8Array;
}

/**
 * Parses dotted-quad IPv4 text into an unsigned 32-bit number; -1 when the
 * text is not an IPv4 address. Never throws: it runs once per received packet.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ipv4ToNumber } from "./subnet.ts";
 * assert.equal(ipv4ToNumber("198.18.0.1"), 0xc6120001);
 * assert.equal(ipv4ToNumber("fe80::1"), -1);
 * ```
 */
export function ipv4ToNumber(text: string): number {
  const b = tryParseIPv4(text, v4Scratch);
  return b === undefined ? -1 : ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}

const v4Scratch = new Uint8Array(4);

/**
 * Parses IPv6 text (with `::`, an optional trailing dotted quad and an
 * optional `%zone`, which is ignored) into 16 bytes; `undefined` when invalid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ipv6ToBytes } from "./subnet.ts";
 * assert.equal(ipv6ToBytes("fe80::1%eth0")?.[15], 1);
 * assert.equal(ipv6ToBytes("198.18.0.1"), undefined);
 * ```
 */
export function ipv6ToBytes(text: string): Uint8Array | undefined {
  return tryParseIPv6(text);
}

/**
 * Parses `address/prefix` (IPv4 or IPv6).
 *
 * @throws {TypeError} When the text is not a CIDR or the prefix is out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCidr } from "./subnet.ts";
 * assert.equal(parseCidr("fd00:5353:1::2/64").prefixLength, 64);
 * ```
 */
export function parseCidr(text: string): Cidr {
  const slash = text.lastIndexOf("/");
  const address = (slash >= 0 ? text.slice(0, slash) : text).toLowerCase();
  const prefixText = slash >= 0 ? text.slice(slash + 1) : "";
  const prefixLength = /^[0-9]{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
  const n = ipv4ToNumber(address);
  if (n >= 0) {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new TypeError(`Cannot parse CIDR: "${text}"`);
    }
    const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
    const bytes = new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    return {
      family: "IPv4",
      address,
      prefixLength,
      ipv4Network: (n & mask) >>> 0,
      ipv4Mask: mask,
      bytes,
    };
  }
  const bytes = ipv6ToBytes(address);
  if (bytes === undefined || prefixLength < 0 || prefixLength > 128) {
    throw new TypeError(`Cannot parse CIDR: "${text}"`);
  }
  const zone = address.indexOf("%");
  return {
    family: "IPv6",
    address: zone >= 0 ? address.slice(0, zone) : address,
    prefixLength,
    ipv4Network: 0,
    ipv4Mask: 0,
    bytes,
  };
}

/**
 * Whether an IPv4 address, given as a number from {@linkcode ipv4ToNumber},
 * lies in `cidr`. The fast path for every IPv4 multicast arrival.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cidrContainsIPv4, ipv4ToNumber, parseCidr } from "./subnet.ts";
 * assert.equal(cidrContainsIPv4(parseCidr("10.0.0.1/8"), ipv4ToNumber("10.9.9.9")), true);
 * ```
 */
export function cidrContainsIPv4(cidr: Cidr, address: number): boolean {
  return cidr.family === "IPv4" && address >= 0 &&
    ((address & cidr.ipv4Mask) >>> 0) === cidr.ipv4Network;
}

/**
 * Whether 16 IPv6 address bytes lie in `cidr`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cidrContainsIPv6, ipv6ToBytes, parseCidr } from "./subnet.ts";
 * const net = parseCidr("fd00:5353:1::1/64");
 * assert.equal(cidrContainsIPv6(net, ipv6ToBytes("fd00:5353:1::9")!), true);
 * ```
 */
export function cidrContainsIPv6(cidr: Cidr, address: Uint8Array): boolean {
  if (cidr.family !== "IPv6" || address.length !== 16) return false;
  const whole = cidr.prefixLength >> 3;
  for (let i = 0; i < whole; i++) if (address[i] !== cidr.bytes[i]) return false;
  const bits = cidr.prefixLength & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (address[whole] & mask) === (cidr.bytes[whole] & mask);
}

/**
 * Whether the address text lies in `cidr` (either family; false across families).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cidrContains, parseCidr } from "./subnet.ts";
 * assert.equal(cidrContains(parseCidr("198.18.1.1/24"), "198.18.2.1"), false);
 * ```
 */
export function cidrContains(cidr: Cidr, address: string): boolean {
  if (cidr.family === "IPv4") return cidrContainsIPv4(cidr, ipv4ToNumber(address));
  const bytes = ipv6ToBytes(address);
  return bytes !== undefined && cidrContainsIPv6(cidr, bytes);
}

/**
 * Whether an address is a loopback address (127.0.0.0/8 or ::1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isLoopbackAddress } from "./subnet.ts";
 * assert.equal(isLoopbackAddress("127.0.0.1"), true);
 * assert.equal(isLoopbackAddress("::1"), true);
 * ```
 */
export function isLoopbackAddress(address: string): boolean {
  const n = ipv4ToNumber(address);
  if (n >= 0) return n >>> 24 === 127;
  const bytes = ipv6ToBytes(address);
  return bytes !== undefined && bytes[15] === 1 && bytes.subarray(0, 15).every((b) => b === 0);
}
