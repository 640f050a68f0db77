/**
 * Which record types answer for an address family (RFC 6762 §6.1: A for IPv4,
 * AAAA for IPv6, both when no family is asked). Shared by the host lookups
 * and the answers from our own host name, which must agree on it.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";

/**
 * The record types for an address family (both when undefined).
 */
export function addressTypes(family: "IPv4" | "IPv6" | undefined): number[] {
  return family === "IPv4"
    ? [RecordType.A]
    : family === "IPv6"
    ? [RecordType.AAAA]
    : [RecordType.A, RecordType.AAAA];
}
