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
  ): ContinuousQuestion;
  /** Leaves a question (`followUp` as it was asked). */
  release(question: ContinuousQuestion, followUp?: boolean): void;
}

type FollowUp = "srv" | "txt" | "a" | "aaaa";

const INSTANCE_TYPES = [RecordType.SRV, RecordType.TXT];
const ADDRESS_TYPES = [RecordType.A, RecordType.AAAA];

/**
 * One watch per type of `types` at `name`, cancelled together: a watch covers
 * one type or all, and refreshes follow what it covers.
 */
export function watchTypes(
  cache: PeerServiceCache,
  name: string,
  types: readonly number[],
  listener: (event: PeerCacheEvent) => void,
  options: { refresh?: boolean; now?: number },
): PeerWatch {
  const watches = types.map((type) => cache.watch(name, listener, { ...options, type }));
  const cancel = () => {
    for (const w of watches) w.cancel();
  };
  return { cancel, [Symbol.dispose]: cancel };
}

/**
 * One instance being followed.
 */
export class InstanceTracker {
  readonly instance: string;
  #host: TrackerHost;
  #interfaces: readonly string[] | undefined;
  #followUps: boolean;
  #onChange: () => void;
  #watch: PeerWatch;
  #target: string | undefined;
  #targetWatch: PeerWatch | undefined;
  #questions: Map<FollowUp, ContinuousQuestion> | undefined; // made when first needed
  #bounded: boolean;

  /**
   * Starts following `instance`; `onChange` hears every change to its
   * records. `bounded` (a browse's trackers) puts its follow-up questions
   * under the per-link follow-up budget; a resolve's are not.
   */
  constructor(
    host: TrackerHost,
    instance: string,
    interfaces: readonly string[] | undefined,
    followUps: boolean,
    onChange: () => void,
    bounded = false,
  ) {
    this.instance = instance;
    this.#bounded = bounded;
    this.#host = host;
    this.#interfaces = interfaces;
    this.#followUps = followUps;
    this.#onChange = onChange;
    // Only the types a service needs: NSEC, HINFO or others at the name would
    // otherwise draw refresh queries nobody wants (RFC 6762 §5.2).
    this.#watch = watchTypes(host.cache, instance, INSTANCE_TYPES, onChange, {
      refresh: followUps,
      now: host.now(),
    });
  }

  /**
   * Re-assembles the instance (with the PTRs that list it, for their TTL and links),
   * follows a new SRV target and starts or stops follow-up questions.
   */
  update(
    ptrs: Iterable<PeerRecord> | undefined,
    followUps: boolean = this.#followUps,
  ): ServiceAssembly | undefined {
    const now = this.#host.now();
    const found = serviceInfo(this.#host.cache, this.instance, {
      now,
      interfaces: this.#interfaces,
      ptrs,
    });
    const target = found?.service.host;
    if (
      target === undefined ? this.#target !== undefined : this.#target === undefined ||
        nameKey(target) !== nameKey(this.#target)
    ) {
      this.#targetWatch?.cancel();
      this.#target = target;
      this.#targetWatch = target === undefined
        ? undefined
        : watchTypes(this.#host.cache, target, ADDRESS_TYPES, () => this.#onChange(), {
          refresh: this.#followUps,
          now,
        });
    }
    const missing = found?.missing ?? ["srv", "txt", "address"];
    const needsAddress = target !== undefined && missing.includes("address");
    this.#need("srv", RecordType.SRV, this.instance, followUps && missing.includes("srv"));
    this.#need("txt", RecordType.TXT, this.instance, followUps && missing.includes("txt"));
    this.#need("a", RecordType.A, target, followUps && needsAddress);
    this.#need("aaaa", RecordType.AAAA, target, followUps && needsAddress);
    return found;
  }

  #need(what: FollowUp, type: number, name: string | undefined, wanted: boolean): void {
    if (!wanted && this.#questions === undefined) return;
    const questions = this.#questions ??= new Map();
    const asked = questions.get(what);
    if (asked !== undefined && (!wanted || nameKey(asked.name) !== nameKey(name!))) {
      this.#host.release(asked, this.#bounded);
      questions.delete(what);
    }
    if (wanted && !questions.has(what)) {
      questions.set(what, this.#host.ask(name!, type, this.#interfaces, this.#bounded));
    }
  }

  /** Stops watching and asking. */
  close(): void {
    this.#watch.cancel();
    this.#targetWatch?.cancel();
    for (const q of this.#questions?.values() ?? []) this.#host.release(q, this.#bounded);
    this.#questions = undefined;
  }
}
