/**
 * Address parsing for the in-memory network: enough to validate what a test
 * writes and to compare IPv6 spellings (`fd00::2` and `FD00:0::2` are one address).
 *
 * @module
 */

import { formatIPv4, formatIPv6, tryParseIPv4, tryParseIPv6 } from "../codec/ip.ts";
import type { AddressFamily } from "./transport.ts";

/**
 * An interface address as the in-memory network keeps it.
 */
export interface AddressInfo {
  /** The address as written, without prefix length or `%zone`. */
  readonly address: string;
  /** The address with its prefix length (`/24` or `/64` when none was written). */
  readonly cidr: string;
  /** Canonical form, for equality. */
  readonly key: string;
}

const DEFAULT_PREFIX: Record<AddressFamily, number> = { IPv4: 24, IPv6: 64 };

/**
 * Parses `198.18.0.2/24` or `fe80::2%eth0/64`. Throws `TypeError` when it is not
 * an address of `family`.
 */
export function parseAddress(text: string, family: AddressFamily): AddressInfo {
  if (typeof text !== "string") throw new TypeError(`Invalid ${family} address: ${String(text)}`);
  const slash = text.indexOf("/");
  const withZone = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  const percent = withZone.indexOf("%");
  const address = percent < 0 ? withZone : withZone.slice(0, percent);
  const max = family === "IPv4" ? 32 : 128;
  const prefix = prefixText === undefined ? DEFAULT_PREFIX[family] : Number(prefixText);
  const key = family === "IPv4" ? ipv4Key(address) : ipv6Key(address);
  if (
    key === undefined || (family === "IPv4" && percent >= 0) ||
    (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) || prefix > max
  ) {
    throw new TypeError(`Invalid ${family} address: ${text}`);
  }
  return { address, cidr: `${address}/${prefix}`, key };
}

// Canonical text as the codec writes it (RFC 5952 for IPv6), so any two
// spellings of one address compare equal.
function ipv4Key(address: string): string | undefined {
  const bytes = tryParseIPv4(address);
  return bytes === undefined ? undefined : formatIPv4(bytes, 0);
}

function ipv6Key(address: string): string | undefined {
  const bytes = tryParseIPv6(address);
  return bytes === undefined ? undefined : formatIPv6(bytes, 0);
}
