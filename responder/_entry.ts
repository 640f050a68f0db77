/**
 * What the claim driver needs of a published name (a service or a host):
 * its claim, its links, the records it proposes in probes and announces, and
 * what to do when probing succeeds, announcing ends, or a conflict is lost.
 *
 * @module
 */

import type { LocalServiceCache } from "../cache/local_cache.ts";
import type { LocalRecord } from "../cache/local_record.ts";
import type { PartContext } from "../stack_part.ts";
import type { NetworkLink } from "../transport/transport.ts";
import type { Claim } from "./_claim.ts";
import type { Sender } from "./_sender.ts";

/**
 * The pieces entries work with.
 */
export interface EntryContext {
  /** The part's context (clock, random, links, wake). */
  readonly context: PartContext;
  /** What we publish. */
  readonly localCache: LocalServiceCache;
  /** Sends goodbyes and announcements. */
  readonly sender: Sender;
  /** Drops withdrawn records from pending replies. */
  readonly forget: (records: Iterable<LocalRecord>) => void;
}

/**
 * A published name as the claim driver sees it.
 */
export interface ClaimEntry {
  /** Its claim. */
  readonly claim: Claim;
  /** The links it is published on now. */
  links(): NetworkLink[];
  /** Its unique records on `link`, as proposed in a probe (RFC 6762 §8.2). */
  proposed(interfaceName: string): LocalRecord[];
  /** Every record it announces on `link`. */
  records(interfaceName: string): LocalRecord[];
  /** Probing succeeded (on `links` only, when given). */
  probed(now: number, links?: ReadonlySet<string>): void;
  /** The announcements of a run ended. */
  announced(): void;
  /** An announcement of its records just went out (on every link due). */
  announcementSent?(): void;
  /** A conflict was seen (event only). */
  conflicted(): void;
  /** Lost during probing: take the next name. */
  rename(now: number): void;
}

/**
 * Sends TTL-0 copies of `records` on every link they are valid on (RFC 6762
 * §10.1) and lets the cache forget them.
 */
export function sayGoodbye(
  ctx: EntryContext,
  records: readonly LocalRecord[],
  links: readonly NetworkLink[],
): void {
  if (records.length === 0) return;
  ctx.forget(records);
  for (const link of links) {
    ctx.sender.goodbye(
      link,
      records.filter((r) => r.interfaceName === undefined || r.interfaceName === link.name),
    );
  }
  ctx.localCache.completeGoodbyes(records);
}

/**
 * Moves records from `from` to `to` state.
 */
export function advance(
  records: Iterable<LocalRecord>,
  from: LocalRecord["state"],
  to: LocalRecord["state"],
): void {
  for (const r of records) if (r.state === from) r.setState(to);
}
