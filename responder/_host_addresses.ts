/**
 * The addresses a link tells about our host (RFC 6762 §14, §15): only its own,
 * IPv6 link-local ones included (they are valid on that link alone).
 *
 * @module
 */

import type { AddressFamily, NetworkLink } from "../transport/transport.ts";

/**
 * The addresses of a link without their prefix lengths.
 */
export function linkAddresses(link: NetworkLink): string[] {
  return [...link.ipv4, ...link.ipv6].map((cidr) => cidr.split("/")[0].split("%")[0]);
}

/**
 * The families a link can send over: those it has an address of.
 */
export function linkFamilies(link: NetworkLink): AddressFamily[] {
  const out: AddressFamily[] = [];
  if (link.ipv4.length > 0) out.push("IPv4");
  if (link.ipv6.length > 0) out.push("IPv6");
  return out;
}
