/**
 * Follows one service instance in the peer cache: watches its SRV and TXT,
 * then its SRV target's A and AAAA, re-assembles it with the one assembler
 * (`serviceInfo`) and, when asked to, keeps follow-up questions running for
 * what is missing (RFC 6763 §12: SRV and TXT for the instance, A and AAAA for
 * the target). Browse and resolve both use it. Internal.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import type { PeerServiceCache } from "../cache/peer_cache.ts";
import type { PeerWatch } from "../cache/peer_watch.ts";
import type { PeerCacheEvent } from "../cache/peer_cache_options.ts";
import type { PeerRecord } from "../cache/peer_record.ts";
import { type ServiceAssembly, serviceInfo } from "../cache/service_assembly.ts";
import { nameKey } from "../codec/mod.ts";
import type { ContinuousQuestion } from "./_questions.ts";

/**
 * What a tracker needs from the querier.
 */
export interface TrackerHost {
  /** The peer cache. */
  readonly cache: PeerServiceCache;
  /** The stack's time. */
  now(): number;
  /**
   * Starts (or joins) a continuous question; `followUp` when a browse asks
   * it for an instance it lists (bound per link, `FOLLOW_UP_PACKETS_PER_SECOND`).
   */
  ask(
    name: string,
    type: number,
    interfaces: readonly string[] | undefined,
    followUp?: boolean,
    key?: string,
  ): ContinuousQuestion;
  /** Leaves a question (`followUp` as it was asked). */
  release(question: ContinuousQuestion, followUp?: boolean): void;
}

// Shared, never changed: a watch keeps the array it is given.
const INSTANCE_TYPES: readonly number[] = [RecordType.SRV, RecordType.TXT];
const ADDRESS_TYPES: readonly number[] = [RecordType.A, RecordType.AAAA];

/**
 * One watch on `name` covering the types of `types` (kept, not copied): a
 * watch covers what a caller needs, and refreshes follow what it covers.
 */
export function watchTypes(
  cache: PeerServiceCache,
  name: string,
  types: readonly number[],
  listener: (event: PeerCacheEvent) => void,
  options: { refresh?: boolean; now?: number },
): PeerWatch {
  return cache.watch(name, listener, { refresh: options.refresh, now: options.now, types });
}

/**
 * What the trackers of one browse (or one resolve) share: the querier, the
 * links, whether they ask follow-ups, and who hears their changes. One
 * object and one watch listener per browse, not per instance: under a flood
 * of fake PTRs a browse holds thousands of trackers.
 */
export class TrackerGroup {
  /** The querier. */
  readonly host: TrackerHost;
  /** Only these links (every link when undefined). */
  readonly interfaces: readonly string[] | undefined;
  /** Ask follow-up questions for what is missing. */
  readonly followUps: boolean;
  /** Keep what is watched fresh (RFC 6762 §5.2 refresh points); `followUps` unless told. */
  readonly refresh: boolean;
  /** Put the follow-ups under the per-link follow-up budget (a browse's; a resolve's are not). */
  readonly bounded: boolean;
  /** Hears a change to a tracker's records, by the instance's name key, with the cache's event. */
  readonly changed: (key: string, event: PeerCacheEvent) => void;

  /** Creates the shared part of a browse's or a resolve's trackers. */
  constructor(
    host: TrackerHost,
    options: {
      interfaces?: readonly string[];
      followUps: boolean;
      refresh?: boolean;
      bounded?: boolean;
      changed: (key: string, event: PeerCacheEvent) => void;
    },
  ) {
    this.host = host;
    this.interfaces = options.interfaces;
    this.followUps = options.followUps;
    this.refresh = options.refresh ?? options.followUps;
    this.bounded = options.bounded ?? false;
    this.changed = options.changed;
  }

  /** The listener of every tracker's instance watch: the record's name is the instance. */
  readonly heard = (event: PeerCacheEvent): void => this.changed(nameKey(event.record.name), event);
}

// What a tracker holds once the instance has an SRV: the target, its address
// watch and address follow-ups (most trackers of a flood never get here).
interface TargetFollow {
  readonly name: string;
  readonly watch: PeerWatch;
  a: ContinuousQuestion | undefined;
  aaaa: ContinuousQuestion | undefined;
}

/**
 * One instance being followed.
 */
export class InstanceTracker {
  readonly fullName: string;
  /** The instance's name key. */
  readonly key: string;
  /**
   * The live PTRs that list the instance, kept by the browse that follows it
   * (usually one, per link): one, several, or undefined when none does (or
   * for a resolve). No array for the usual one.
   */
  listedBy: PeerRecord | PeerRecord[] | undefined;
  #group: TrackerGroup;
  #watch: PeerWatch | undefined;
  #srvQuestion: ContinuousQuestion | undefined;
  #txtQuestion: ContinuousQuestion | undefined;
  #target: TargetFollow | undefined;

  /**
   * Starts following `instance` (`key`: its name key, when the caller has it);
   * the group hears every change to its records. `parked`: not yet: the
   * caller only keeps what lists it until it calls {@linkcode start}.
   */
  constructor(
    group: TrackerGroup,
    fullName: string,
    key: string = nameKey(fullName),
    parked = false,
  ) {
    this.fullName = fullName;
    this.key = key;
    this.#group = group;
    if (!parked) this.start();
  }

  /** Whether it follows the instance (watches its records), not only parked. */
  get started(): boolean {
    return this.#watch !== undefined;
  }

  /** Begins watching the instance's records (no-op once started). */
  start(): void {
    if (this.#watch !== undefined) return;
    const group = this.#group;
    // Only the types a service needs: NSEC, HINFO or others at the name would
    // otherwise draw refresh queries nobody wants (RFC 6762 §5.2). Watched by
    // its key, so the watch and the questions share the one string (a flood
    // of fake PTRs has a browse hold thousands).
    this.#watch = watchTypes(group.host.cache, this.key, INSTANCE_TYPES, group.heard, {
      refresh: group.refresh,
      now: group.host.now(),
    });
  }

  /**
   * Re-assembles the instance (with the PTRs that list it, for their TTL and links),
   * follows a new SRV target and starts or stops follow-up questions.
   */
  update(
    ptrs: Iterable<PeerRecord> | undefined,
    followUps: boolean = this.#group.followUps,
  ): ServiceAssembly | undefined {
    const group = this.#group;
    const now = group.host.now();
    const found = serviceInfo(group.host.cache, this.fullName, {
      now,
      interfaces: group.interfaces,
      ptrs,
    });
    const target = found?.service.host;
    const before = this.#target;
    if (
      target === undefined ? before !== undefined : before === undefined ||
        (before.name !== target && nameKey(target) !== nameKey(before.name))
    ) {
      this.#dropTarget();
      if (target !== undefined) {
        const key = this.key;
        this.#target = {
          name: target,
          watch: watchTypes(group.host.cache, target, ADDRESS_TYPES, (e) => group.changed(key, e), {
            refresh: group.refresh,
            now,
          }),
          a: undefined,
          aaaa: undefined,
        };
      }
    }
    const missing = found?.missing ?? ["srv", "txt", "address"];
    this.#srvQuestion = this.#follow(
      this.#srvQuestion,
      RecordType.SRV,
      this.fullName,
      followUps && missing.includes("srv"),
      this.key,
    );
    this.#txtQuestion = this.#follow(
      this.#txtQuestion,
      RecordType.TXT,
      this.fullName,
      followUps && missing.includes("txt"),
      this.key,
    );
    const follow = this.#target;
    if (follow !== undefined) {
      const needsAddress = followUps && missing.includes("address");
      follow.a = this.#follow(follow.a, RecordType.A, follow.name, needsAddress);
      follow.aaaa = this.#follow(follow.aaaa, RecordType.AAAA, follow.name, needsAddress);
    }
    return found;
  }

  // The question to hold for one follow-up: the one asked, a new one, or none.
  // A question's name never changes under it: a new target is a new TargetFollow.
  #follow(
    asked: ContinuousQuestion | undefined,
    type: number,
    name: string,
    wanted: boolean,
    key?: string,
  ): ContinuousQuestion | undefined {
    const group = this.#group;
    if (asked !== undefined && !wanted) {
      group.host.release(asked, group.bounded);
      return undefined;
    }
    if (wanted && asked === undefined) {
      return group.host.ask(name, type, group.interfaces, group.bounded, key);
    }
    return asked;
  }

  #dropTarget(): void {
    const follow = this.#target;
    if (follow === undefined) return;
    this.#target = undefined;
    follow.watch.cancel();
    const { host, bounded } = this.#group;
    if (follow.a !== undefined) host.release(follow.a, bounded);
    if (follow.aaaa !== undefined) host.release(follow.aaaa, bounded);
  }

  /** Stops watching and asking. */
  close(): void {
    this.#watch?.cancel();
    this.#watch = undefined;
    this.#dropTarget();
    const { host, bounded } = this.#group;
    if (this.#srvQuestion !== undefined) host.release(this.#srvQuestion, bounded);
    if (this.#txtQuestion !== undefined) host.release(this.#txtQuestion, bounded);
    this.#srvQuestion = this.#txtQuestion = undefined;
  }
}
