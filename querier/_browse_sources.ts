/**
 * What a browse of a service type follows in the peer cache: the instances
 * its PTRs list (each through an {@linkcode InstanceTracker}), and the ones
 * this stack publishes itself (from the local cache). It keeps the latest
 * state per instance for its {@linkcode StreamBrowser}. Type browsing lives
 * in `_type_browse_source.ts`. Internal.
 *
 * @module
 */

import { RecordType } from "../codec/mod.ts";
import type { PeerWatch } from "../cache/peer_watch.ts";
import type { PeerRecord, RemovalReason } from "../cache/peer_record.ts";
import type { ServiceInfo } from "../cache/service_info.ts";
import { nameKey } from "../codec/mod.ts";
import type { BrowseSource, StreamBrowser } from "./_browser.ts";
import { InstanceTracker, TrackerGroup, type TrackerHost } from "./_instance_tracker.ts";
import type { ContinuousQuestion } from "./_questions.ts";
import { FOLLOWED_INCOMPLETE_LIMIT } from "./_constants.ts";
import { RemovalReasons } from "./_removal_reasons.ts";
import type { LocalAnswers } from "./_local_answers.ts";
import type { BrowseEvent } from "./types.ts";

/**
 * Something the querier brings up to date after each packet or timer run.
 */
export interface Session {
  /** Applies the changes heard since the last update. */
  update(): void;
}

/**
 * What a browse source needs from the querier: a tracker host, plus a way to
 * be updated.
 */
export interface SourceHost extends TrackerHost {
  /** Asks the querier to update `session` soon (after the current packet or timer run). */
  dirty(session: Session): void;
  /** What this stack publishes, when the querier was handed the local cache. */
  readonly local?: LocalAnswers;
  /**
   * Puts the PTRs that name `instance` in doubt (RFC 6762 §10.4): a round of
   * their type's PTR question without them as Known Answers, and those
   * nobody confirms are purged.
   */
  doubt(instance: string): void;
}

/**
 * A session that also shows what this stack publishes: told when the local
 * cache changed.
 */
export interface LocalSession extends Session {
  /** Something we publish changed: read the local cache again at the next update. */
  localChanged(): void;
}

/**
 * True when two service states would look the same to a reader: host, port,
 * TXT, addresses and links (not the TTL, which changes every second).
 */
export function sameService(a: ServiceInfo, b: ServiceInfo): boolean {
  if (a.host !== b.host || a.port !== b.port) return false;
  if (a.txt === undefined ? b.txt !== undefined : b.txt === undefined || !a.txt.equals(b.txt)) {
    return false;
  }
  if (a.addresses.length !== b.addresses.length) return false;
  for (let i = 0; i < a.addresses.length; i++) {
    if (
      a.addresses[i].address !== b.addresses[i].address ||
      a.addresses[i].interfaceName !== b.addresses[i].interfaceName
    ) return false;
  }
  return a.interfaces.join(",") === b.interfaces.join(",");
}

/**
 * The instances of one service type (or subtype).
 */
export class ServiceBrowseSource implements BrowseSource<ServiceInfo, BrowseEvent>, LocalSession {
  #host: SourceHost;
  #ptrName: string;
  #interfaces: readonly string[] | undefined;
  #resolve: boolean;
  #refresh: boolean;
  // Instances held whole whose records ran out (expired, nothing new since):
  // not asked for again when the browse does not refresh them.
  #lapsed = new Set<string>();
  #question: ContinuousQuestion;
  #watch: PeerWatch;
  // One tracker per listed instance, holding the live PTRs that list it.
  #trackers = new Map<string, InstanceTracker>();
  // Started trackers not (yet) whole, at most FOLLOWED_INCOMPLETE_LIMIT but
  // for those whose SRV or TXT came; and the parked ones, oldest first.
  #incomplete = new Set<string>();
  #parked = new Set<string>();
  #unsubscribe: () => void;
  #dirty = new Set<string>();
  #group: TrackerGroup; // what every tracker of this browse shares
  #current = new Map<string, ServiceInfo>();
  #browser: StreamBrowser<ServiceInfo, BrowseEvent> | undefined;
  #stopped = false;
  #mine = new Map<string, string>(); // our own instances listed under the PTR name, by key
  #mineStale: boolean;
  #reasons = new RemovalReasons();

  /**
   * Starts following the instances `ptrName`'s PTRs list; asks for them
   * continuously. With `resolve`, completes each instance (SRV, TXT,
   * addresses); with `refresh` too, keeps those records fresh (RFC 6762
   * §5.2), else only the PTRs, and a whole instance's records that run out
   * are not asked for (the last whole state stays).
   */
  constructor(
    host: SourceHost,
    ptrName: string,
    interfaces: readonly string[] | undefined,
    resolve: boolean,
    refresh = false,
  ) {
    this.#host = host;
    this.#ptrName = ptrName;
    this.#mineStale = host.local !== undefined; // read at the first update, before any packet
    this.#interfaces = interfaces;
    this.#resolve = resolve;
    this.#refresh = resolve && refresh;
    this.#group = new TrackerGroup(host, {
      interfaces,
      followUps: resolve,
      refresh: this.#refresh,
      bounded: true,
      changed: (key, event) => {
        // A record that ran out leaves a gap nobody needs to ask about; one
        // that came, changed, or went otherwise (goodbye, flush) is news.
        if (event.type === "removed" && event.reason === "expired") this.#lapsed.add(key);
        else this.#lapsed.delete(key);
        this.#dirty.add(key);
        this.#host.dirty(this);
      },
    });
    this.#watch = host.cache.watch(ptrName, (e) => {
      this.#listed(e.record, e.type === "removed" ? e.reason : undefined);
    }, {
      type: RecordType.PTR,
      now: host.now(),
    });
    // An SRV or TXT for a parked instance (unasked: a responder's
    // announcement) has it followed at the next update.
    this.#unsubscribe = host.cache.subscribe((e) => {
      if (this.#parked.size === 0 || e.type === "removed") return;
      const type = e.record.type;
      if (type !== RecordType.SRV && type !== RecordType.TXT) return;
      const key = nameKey(e.record.name);
      if (!this.#parked.has(key)) return;
      this.#dirty.add(key);
      this.#host.dirty(this);
    });
    for (const ptr of host.cache.lookup(ptrName, RecordType.PTR, { now: host.now() })) {
      this.#listed(ptr);
    }
    this.#question = host.ask(ptrName, RecordType.PTR, interfaces);
  }

  /** Connects the browser that reads this source, and updates from what the cache already held. */
  attach(browser: StreamBrowser<ServiceInfo, BrowseEvent>): void {
    this.#browser = browser;
    this.update();
  }

  // A PTR of the type was added, refreshed or removed: the live ones are kept
  // per instance, so deciding whether an instance is listed costs no lookup.
  #listed(ptr: PeerRecord, reason?: RemovalReason): void {
    if (this.#stopped) return;
    if (this.#interfaces !== undefined && !this.#interfaces.includes(ptr.interfaceName)) return;
    const instance = ptr.data as string;
    const key = nameKey(instance);
    let tracker = this.#trackers.get(key);
    if (tracker === undefined) {
      if (!ptr.live) return; // a goodbye for an instance not followed
      tracker = new InstanceTracker(this.#group, instance, key, true); // started at the update
      this.#trackers.set(key, tracker);
    }
    const ptrs = tracker.listedBy;
    if (ptr.live) {
      if (ptrs === undefined) tracker.listedBy = ptr;
      else if (!Array.isArray(ptrs)) {
        if (ptrs !== ptr) tracker.listedBy = [ptrs, ptr];
      } else if (!ptrs.includes(ptr)) ptrs.push(ptr);
    } else if (ptrs !== undefined) {
      const rest = Array.isArray(ptrs) ? ptrs.filter((p) => p !== ptr) : ptrs === ptr ? [] : [ptrs];
      tracker.listedBy = rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : rest;
      if (rest.length === 0) this.#reasons.ptrLeft(key, reason ?? "expired");
    }
    this.#dirty.add(key);
    this.#host.dirty(this);
  }

  /** Something we publish changed: our own instances are read again at the next update. */
  localChanged(): void {
    if (this.#stopped || this.#host.local === undefined) return;
    this.#mineStale = true;
    this.#host.dirty(this);
  }

  // Our own instances under the PTR name: those that came or went are dirty.
  #readMine(local: LocalAnswers): void {
    this.#mineStale = false;
    const mine = new Map(local.listed(this.#ptrName).map((name) => [nameKey(name), name]));
    for (const key of new Set([...this.#mine.keys(), ...mine.keys()])) this.#dirty.add(key);
    this.#mine = mine;
  }

  /** Re-assembles the instances that changed and tells the browser. */
  update(): void {
    if (this.#stopped) return;
    if (this.#mineStale) this.#readMine(this.#host.local!);
    for (;;) {
      this.#settle();
      // Room among the followed: take up the oldest parked instances.
      let room = FOLLOWED_INCOMPLETE_LIMIT - this.#incomplete.size;
      if (room <= 0 || this.#parked.size === 0) return;
      for (const key of this.#parked) {
        if (room-- <= 0) break;
        this.#parked.delete(key);
        this.#dirty.add(key);
      }
    }
  }

  // Re-assembles the dirty instances and tells the browser.
  #settle(): void {
    for (const key of this.#dirty) {
      this.#dirty.delete(key);
      const before = this.#current.get(key);
      const mine = this.#mine.get(key);
      // Ours, when we publish it (the name is ours, defended since probing,
      // RFC 6762 §9); otherwise what the network says.
      const state =
        (mine === undefined ? undefined : this.#host.local!.service(mine, this.#interfaces)) ??
          this.#heard(key, before?.local === true ? undefined : before);
      // Ours unpublished (we said goodbye), or the reason its last PTR left.
      this.#reasons.settle(key, state !== undefined, before !== undefined);
      if (state === undefined) this.#current.delete(key);
      else this.#current.set(key, state);
      const changed = state === undefined
        ? before !== undefined
        : before === undefined || !sameService(before, state);
      if (changed) this.#browser?.notify(key);
    }
  }

  // The instance as the network shows it, undefined once no live PTR lists it.
  #heard(key: string, before: ServiceInfo | undefined): ServiceInfo | undefined {
    const tracker = this.#trackers.get(key);
    if (tracker === undefined) return undefined;
    // Listed means a live PTR names it; only then follow-ups are worth asking.
    const ptrs = tracker.listedBy;
    const listed = ptrs !== undefined;
    if (!tracker.started) {
      if (listed && !this.#startable(tracker)) {
        // Parked: not asked about, so not doubted by unanswered SRV questions
        // either. One of more PTR-only instances than the browse can follow
        // is reason to doubt (§10.4): a responder behind it answers the
        // round's PTR question (its SRV and TXT as additionals, §12.1, which
        // have it followed at once); a fake is purged ~10 s after it came.
        if (!this.#parked.has(key)) {
          this.#parked.add(key);
          if (this.#resolve) this.#host.doubt(tracker.fullName);
        }
        return undefined;
      }
      this.#parked.delete(key);
      if (!listed) {
        this.#trackers.delete(key); // parked, never followed: nothing to close
        return undefined;
      }
      tracker.start();
    }
    // Follow-ups complete an instance; once it was whole, a browse that does
    // not refresh its records lets them run out without asking (RFC 6762
    // §5.2: its question is the PTR): the answers to the PTR's refresh and
    // the host's announcements (§8.4) bring them again.
    const lapsed = !this.#refresh && before !== undefined && this.#lapsed.has(key);
    const found = tracker.update(
      ptrs === undefined ? [] : Array.isArray(ptrs) ? ptrs : [ptrs],
      listed && this.#resolve && !lapsed,
    );
    const whole = found !== undefined && (!this.#resolve || found.missing.length === 0);
    if (!listed) {
      tracker.close();
      this.#trackers.delete(key);
      this.#lapsed.delete(key);
      this.#incomplete.delete(key);
    } else if (whole) this.#incomplete.delete(key);
    else this.#incomplete.add(key);
    // Only the PTR says whether a service is there (as Avahi, python-zeroconf
    // and dns-sd -B decide): while one lists it, a part being replaced (an
    // SRV moved to a new host, a host renumbered, a TXT said goodbye to
    // before its successor) leaves the last whole state standing; the
    // follow-up questions ask for what is missing meanwhile.
    return !listed ? undefined : whole ? found.service : before;
  }

  // Whether a parked instance may be followed now: room among the followed,
  // or its SRV or TXT is in the cache already (a real service, whole or
  // nearly: listed at once).
  #startable(tracker: InstanceTracker): boolean {
    if (this.#incomplete.size < FOLLOWED_INCOMPLETE_LIMIT) return true;
    const cache = this.#host.cache;
    const now = this.#host.now();
    return cache.lookup(tracker.key, RecordType.SRV, { now }).length > 0 ||
      cache.lookup(tracker.key, RecordType.TXT, { now }).length > 0;
  }

  current(key: string): ServiceInfo | undefined {
    return this.#current.get(key);
  }

  keys(): Iterable<string> {
    return this.#current.keys();
  }

  diff(
    prev: ServiceInfo | undefined,
    cur: ServiceInfo | undefined,
    key: string,
  ): BrowseEvent | undefined {
    if (cur === undefined) {
      const reason = this.#reasons.take(key);
      return prev === undefined ? undefined : { type: "removed", service: prev, reason };
    }
    if (prev === undefined) return { type: "added", service: cur };
    return sameService(prev, cur) ? undefined : { type: "updated", service: cur };
  }

  services(): ServiceInfo[] {
    return [...this.#current.values()];
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#watch.cancel();
    this.#unsubscribe();
    this.#host.release(this.#question);
    for (const tracker of this.#trackers.values()) tracker.close();
    this.#trackers.clear();
    this.#lapsed.clear();
    this.#incomplete.clear();
    this.#parked.clear();
  }
}
