/**
 * A host name we claim: our own (its addresses per link, RFC 6762 §14: a link
 * is told only its own addresses) or a proxied device's (`host` plus explicit
 * `addresses`, valid on every link). Probed and defended like any unique
 * name; renamed `name-2`, `name-3`… on a lost conflict.
 *
 * Or a name we only point at: `host` without `addresses` is another device's
 * name, the SRV target alone, as `avahi-publish -s -H` and
 * `DNSServiceRegister(host=…)` take it. Such a target has no records, is
 * never probed nor defended, and is never renamed (the device answers for
 * its own addresses; claiming it with ours would point the SRV at us).
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import type { LocalRecord } from "../cache/local_record.ts";
import type { NetworkLink } from "../transport/transport.ts";
import { Claim } from "./_claim.ts";
import { advance, type ClaimEntry, type EntryContext, sayGoodbye } from "./_entry.ts";
import { linkAddresses } from "./_host_addresses.ts";
import { nextHostName } from "./_renamer.ts";

/**
 * A claimed host name.
 */
export class HostEntry implements ClaimEntry {
  /** Its claim. */
  readonly claim: Claim;
  /** Addresses of a proxied host; undefined for our own (per link) and a target. */
  readonly addresses: readonly string[] | undefined;
  /** Another device's name, only the SRV target: no records, no claim on it. */
  readonly targetOnly: boolean;
  /** Services using it. */
  users = 0;
  /** Called after a rename with the new name. */
  onRename: (hostName: string) => void = () => {};
  #ctx: EntryContext;
  /** Its records by link ("" for a proxy's, valid on every link), reverse PTRs included. */
  #records = new Map<string, LocalRecord[]>();

  /**
   * Claims `hostName`; call {@linkcode HostEntry.sync} to publish its records.
   * With `targetOnly`, it names another device and claims nothing.
   */
  constructor(
    ctx: EntryContext,
    hostName: string,
    addresses?: readonly string[],
    options: { targetOnly?: boolean } = {},
  ) {
    this.#ctx = ctx;
    this.claim = new Claim("host", hostName);
    this.addresses = addresses;
    this.targetOnly = options.targetOnly ?? false;
    if (this.targetOnly) this.claim.established = true; // nothing to probe: never ours
  }

  /** Its name now. */
  get name(): string {
    return this.claim.name;
  }

  /** Every link. */
  links(): NetworkLink[] {
    return [...this.#ctx.context.links()];
  }

  /** Publishes its address records: on every link for a proxy, per link otherwise. */
  sync(): void {
    if (this.targetOnly) return;
    if (this.addresses !== undefined) {
      this.#records.set("", this.#ctx.localCache.setHost(this.name, this.addresses));
      return;
    }
    for (const link of this.#ctx.context.links()) this.syncLink(link);
  }

  /**
   * Sets the records of `link` to its addresses now; sends goodbyes for
   * addresses that left (RFC 6762 §10.1), over every family the link had
   * (`previous`) or has: the caches that hold an old A heard it over IPv4,
   * even when the link has no IPv4 address left. Returns true when the set
   * changed.
   */
  syncLink(link: NetworkLink, previous?: NetworkLink): boolean {
    if (this.addresses !== undefined || this.targetOnly) return false;
    const local = this.#ctx.localCache;
    const before = new Set(local.pendingGoodbyes());
    const had = this.#records.get(link.name) ?? [];
    // RFC 6762 §14: the link's own addresses, and their reverse mappings.
    const now = local.setHost(this.name, linkAddresses(link), {
      interfaceName: link.name,
      reverse: true,
    });
    if (now.length > 0) this.#records.set(link.name, now);
    else this.#records.delete(link.name);
    const gone = local.pendingGoodbyes().filter((r) => !before.has(r));
    const via = previous === undefined ? link : {
      ...link,
      ipv4: link.ipv4.length > 0 ? link.ipv4 : previous.ipv4,
      ipv6: link.ipv6.length > 0 ? link.ipv6 : previous.ipv6,
    };
    sayGoodbye(this.#ctx, gone, [via]);
    return gone.length > 0 || now.some((r) => !had.includes(r));
  }

  /** A link went away: its records go, without goodbyes (nobody to hear them there). */
  dropLink(interfaceName: string): void {
    if (this.addresses !== undefined || this.targetOnly) return;
    if (!this.#records.delete(interfaceName)) return;
    const gone = this.#ctx.localCache.removeHost(this.name, { interfaceName });
    this.#ctx.forget(gone);
    this.#ctx.localCache.completeGoodbyes(gone);
  }

  /** Its A and AAAA records valid on the link. */
  proposed(interfaceName: string): LocalRecord[] {
    return this.records(interfaceName).filter((r) =>
      r.type === RecordType.A || r.type === RecordType.AAAA
    );
  }

  /** Its records valid on the link: addresses, NSEC, reverse PTRs. */
  records(interfaceName: string): LocalRecord[] {
    return [...(this.#records.get("") ?? []), ...(this.#records.get(interfaceName) ?? [])];
  }

  /** Probing succeeded: its records (on those links) may be answered. */
  probed(_now: number, links?: ReadonlySet<string>): void {
    for (const [link, records] of this.#records) {
      if (!links || link === "" || links.has(link)) advance(records, "probing", "announcing");
    }
  }

  /** Announcing ended. */
  announced(): void {
    for (const records of this.#records.values()) advance(records, "announcing", "announced");
    this.claim.announced = true;
  }

  /** Nothing to report: services report their own events. */
  conflicted(): void {}

  /** Takes the next name (`box-2.local`) and publishes its records under it. */
  rename(_now: number): void {
    this.#withdraw();
    let next = nextHostName(this.name);
    while (this.#ctx.localCache.owns(next)) next = nextHostName(next);
    this.claim.name = next;
    this.claim.announced = false;
    this.sync();
    this.onRename(next);
  }

  /** Removes its records with goodbyes for those announced. */
  remove(): void {
    this.#withdraw();
  }

  #withdraw(): void {
    const local = this.#ctx.localCache;
    const gone = this.addresses !== undefined ? local.removeHost(this.name) : [];
    for (const link of this.#records.keys()) {
      if (link !== "") gone.push(...local.removeHost(this.name, { interfaceName: link }));
    }
    this.#records.clear();
    sayGoodbye(this.#ctx, gone, this.links());
  }
}
