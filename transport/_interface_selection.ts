/**
 * Which interfaces the transport uses, and how the list changed since the last
 * poll. Pure: works on `Deno.NetworkInterfaceInfo[]` values, so tests feed it
 * hand-written lists.
 *
 * @module
 */

import { type Cidr, isLoopbackAddress, parseCidr } from "./subnet.ts";
import { isIPv6LinkLocal } from "../codec/ip.ts";
import type { NetworkLink } from "./transport.ts";

/**
 * Which interfaces and families to use.
 */
export interface InterfaceSelection {
  /** Interface names to use; when given, every other interface is ignored. */
  readonly include?: readonly string[];
  /** Interface names never to use (applied after `include`). */
  readonly exclude?: readonly string[];
  /** Use IPv4. @default {true} */
  readonly ipv4?: boolean;
  /** Use IPv6. @default {true} */
  readonly ipv6?: boolean;
  /**
   * Use loopback interfaces. @default {false}, except that a loopback interface
   * named in `include` is always used.
   */
  readonly loopback?: boolean;
}

/**
 * One selected interface: its identity and the addresses the transport uses.
 */
export interface InterfaceSpec {
  /** Interface name. */
  readonly name: string;
  /** Hardware address; part of the identity (a re-created interface gets a new one). */
  readonly mac: string;
  /**
   * Interface index: the scope id of its fe80 address, 1 for a loopback
   * interface without one (Linux numbers `lo` 1), else 0 (IPv6 unusable).
   */
  readonly index: number;
  /** Whether this is a loopback interface. */
  readonly loopback: boolean;
  /** IPv4 addresses, in the order the system lists them (the first one sends). */
  readonly ipv4: readonly Cidr[];
  /** IPv6 addresses; empty when IPv6 is off or `index` is 0. */
  readonly ipv6: readonly Cidr[];
}

/** Linux always gives the loopback device ifindex 1. */
const LINUX_LOOPBACK_INDEX = 1;

/**
 * Groups `Deno.networkInterfaces()` entries by interface and applies the
 * selection. Interfaces left with no usable address are dropped. The result
 * is sorted by name so that polls compare stably.
 */
export function selectInterfaces(
  infos: readonly Deno.NetworkInterfaceInfo[],
  selection: InterfaceSelection = {},
): InterfaceSpec[] {
  const include = selection.include === undefined ? undefined : new Set(selection.include);
  const exclude = new Set(selection.exclude ?? []);
  const useV4 = selection.ipv4 ?? true;
  const useV6 = selection.ipv6 ?? true;
  const groups = new Map<string, Deno.NetworkInterfaceInfo[]>();
  for (const info of infos) {
    if (include !== undefined && !include.has(info.name)) continue;
    if (exclude.has(info.name)) continue;
    let group = groups.get(info.name);
    if (group === undefined) groups.set(info.name, group = []);
    group.push(info);
  }
  const specs: InterfaceSpec[] = [];
  for (const [name, group] of groups) {
    const loopback = name === "lo" || group.some((i) => isLoopbackAddress(i.address));
    if (loopback && !(selection.loopback ?? false) && !(include?.has(name) ?? false)) continue;
    const linkLocal = group.find((i) =>
      i.family === "IPv6" && isIPv6LinkLocal(i.address) && (i.scopeid ?? 0) > 0
    );
    const index = linkLocal?.scopeid ?? (loopback ? LINUX_LOOPBACK_INDEX : 0);
    const ipv4: Cidr[] = [];
    const ipv6: Cidr[] = [];
    for (const info of group) {
      let cidr: Cidr;
      try {
        cidr = parseCidr(info.cidr ?? `${info.address}/${info.family === "IPv4" ? 32 : 128}`);
      } catch {
        continue; // An entry we cannot parse cannot be matched either.
      }
      if (cidr.family === "IPv4" && useV4) ipv4.push(cidr);
      if (cidr.family === "IPv6" && useV6 && index > 0) ipv6.push(cidr);
    }
    if (ipv4.length === 0 && ipv6.length === 0) continue;
    specs.push({ name, mac: group[0].mac, index, loopback, ipv4, ipv6 });
  }
  return specs.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * Whether two specs describe the same interface: same name, MAC and fe80
 * scope id. A deleted and re-created interface differs in MAC and index, and
 * sockets bound to the old index never recover.
 */
export function sameIdentity(a: InterfaceSpec, b: InterfaceSpec): boolean {
  return a.name === b.name && a.mac === b.mac && a.index === b.index;
}

/**
 * Whether two specs carry the same addresses with the same prefixes, in order.
 */
export function sameAddresses(a: InterfaceSpec, b: InterfaceSpec): boolean {
  const same = (x: readonly Cidr[], y: readonly Cidr[]) =>
    x.length === y.length &&
    x.every((c, i) => c.address === y[i].address && c.prefixLength === y[i].prefixLength);
  return same(a.ipv4, b.ipv4) && same(a.ipv6, b.ipv6);
}

/**
 * How the selected interfaces changed between two polls.
 */
export interface InterfaceDiff {
  /** Interfaces that were not there before. */
  readonly added: readonly InterfaceSpec[];
  /** Interfaces that are gone. */
  readonly removed: readonly InterfaceSpec[];
  /** Same name, new identity (MAC or index changed): a re-created interface. */
  readonly replaced: readonly { readonly before: InterfaceSpec; readonly after: InterfaceSpec }[];
  /** Same identity, different addresses. */
  readonly readdressed: readonly {
    readonly before: InterfaceSpec;
    readonly after: InterfaceSpec;
  }[];
}

/**
 * Compares two selections by interface name.
 */
export function diffInterfaces(
  before: readonly InterfaceSpec[],
  after: readonly InterfaceSpec[],
): InterfaceDiff {
  const old = new Map(before.map((s) => [s.name, s]));
  const now = new Map(after.map((s) => [s.name, s]));
  const added: InterfaceSpec[] = [];
  const removed: InterfaceSpec[] = [];
  const replaced: { before: InterfaceSpec; after: InterfaceSpec }[] = [];
  const readdressed: { before: InterfaceSpec; after: InterfaceSpec }[] = [];
  for (const spec of after) {
    const prev = old.get(spec.name);
    if (prev === undefined) added.push(spec);
    else if (!sameIdentity(prev, spec)) replaced.push({ before: prev, after: spec });
    else if (!sameAddresses(prev, spec)) readdressed.push({ before: prev, after: spec });
  }
  for (const spec of before) if (!now.has(spec.name)) removed.push(spec);
  return { added, removed, replaced, readdressed };
}

/**
 * The public view of a spec, as `Transport.links` and link events carry it.
 */
export function toNetworkLink(spec: InterfaceSpec): NetworkLink {
  return {
    name: spec.name,
    index: spec.index,
    ipv4: spec.ipv4.map((c) => `${c.address}/${c.prefixLength}`),
    ipv6: spec.ipv6.map((c) => `${c.address}/${c.prefixLength}`),
  };
}
