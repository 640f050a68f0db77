/**
 * The continuous questions the querier is asking (RFC 6762 §5.2): one entry
 * per name, type and set of links, shared by every browse, resolve or lookup
 * that needs it (refcounted), each with its own exponential back-off.
 * Internal: not exported from `mod.ts`.
 *
 * @module
 */

import type { Random } from "../clock.ts";
import { nameKey } from "../codec/mod.ts";
import {
  CONTINUOUS_PULL_FRACTION,
  FIRST_QUERY_INTERVAL_MS,
  FIRST_QUERY_MAX_DELAY_MS,
  FIRST_QUERY_MIN_DELAY_MS,
  MAX_QUERY_INTERVAL_MS,
  QUERY_INTERVAL_FACTOR,
  QUERY_INTERVAL_JUMP_MS,
  QUESTION_PACKET_BURST,
  QUESTION_PACKETS_PER_MINUTE,
} from "./_constants.ts";

const PACKETS_PER_MS = QUESTION_PACKETS_PER_MINUTE / 60_000;

/**
 * One continuous question.
 */
export interface ContinuousQuestion {
  /** Name asked about. */
  readonly name: string;
  /** Type asked for. */
  readonly type: number;
  /** Only these links (every link when undefined). */
  readonly interfaces: ReadonlySet<string> | undefined;
  /** When it is next sent (ms). */
  readonly nextAt: number;
  /** How many times it was sent. */
  readonly sent: number;
  /**
   * Only browses' follow-ups (RFC 6763 §12) ask it: it goes under the
   * per-link follow-up budget (`FOLLOW_UP_PACKETS_PER_SECOND`).
   */
  readonly followUp: boolean;
}

// A question's packet budget once a query cost it packets: what is left
// (`QUESTION_PACKET_BURST` at most) and when that was.
interface PacketBudget {
  left: number;
  at: number;
}

// Filed under its name key (and links, when limited), the entries of other
// types chained through `sibling`: an instance's SRV and TXT follow-ups share
// one slot and the caller's key string (a flood of fake PTRs has a browse ask
// thousands). The packet budget is held only while it is not full: most
// questions (a flood's follow-ups, queued and not yet sent) never spend one,
// and a field and two boxed numbers less per entry count at that scale.
class Entry implements ContinuousQuestion {
  sibling: Entry | undefined = undefined;
  users = 1;
  primaryUsers = 0; // users other than browses' follow-ups
  sent = 0;
  interval = 0;
  budget: PacketBudget | undefined = undefined; // undefined: QUESTION_PACKET_BURST left
  constructor(
    readonly key: string,
    readonly name: string,
    readonly type: number,
    readonly interfaces: ReadonlySet<string> | undefined,
    public nextAt: number,
    readonly askedAt: number,
  ) {}
  get followUp(): boolean {
    return this.primaryUsers === 0;
  }
}

/**
 * The running questions and when each is next due.
 */
export class QuestionSet {
  #byKey = new Map<string, Entry>(); // the first of each key's chain
  #size = 0;
  #random: Random;
  #drawnAt = NaN; // when the last first-query delay was drawn...
  #drawn = 0; // ...and the delay

  /**
   * Draws the first query's 20-120 ms delay (RFC 6762 §5.2) from `random`,
   * once per instant: the questions asked at one moment (the follow-ups of
   * every instance one answer listed) share it. They go in one packet at the
   * first one's time anyway (`joinable`); with a draw each, that time was the
   * earliest of many draws, about 20 ms on every host that heard the same
   * answer, the synchronization the random delay is there to avoid ("when
   * ... multiple clients begin querying at exactly the same moment").
   */
  constructor(random: Random) {
    this.#random = random;
  }

  /** Questions running. */
  get size(): number {
    return this.#size;
  }

  // Calls `fn` for every entry.
  #each(fn: (q: Entry) => void): void {
    for (const first of this.#byKey.values()) {
      for (let q: Entry | undefined = first; q !== undefined; q = q.sibling) fn(q);
    }
  }

  /**
   * Starts asking (or joins a question already asked) and returns it;
   * `followUp` when a browse asks it to complete an instance it lists;
   * `nameKey` the name's key when the caller has it.
   */
  ask(
    name: string,
    type: number,
    interfaces: readonly string[] | undefined,
    now: number,
    followUp = false,
    key: string = nameKey(name),
  ): ContinuousQuestion {
    const links = interfaces === undefined ? undefined : new Set(interfaces);
    if (links !== undefined) key = `${key}\u0000${[...links].sort().join(",")}`;
    const first = this.#byKey.get(key);
    let known = first;
    while (known !== undefined && known.type !== type) known = known.sibling;
    if (known !== undefined) {
      known.users++;
      if (!followUp) known.primaryUsers++;
      return known;
    }
    if (this.#drawnAt !== now) {
      this.#drawnAt = now;
      this.#drawn = FIRST_QUERY_MIN_DELAY_MS +
        Math.floor((FIRST_QUERY_MAX_DELAY_MS - FIRST_QUERY_MIN_DELAY_MS) * this.#random());
    }
    const delay = this.#drawn;
    const entry = new Entry(key, name, type, links, now + delay, now);
    if (!followUp) entry.primaryUsers++;
    if (first === undefined) this.#byKey.set(key, entry);
    else {
      entry.sibling = first.sibling;
      first.sibling = entry;
    }
    this.#size++;
    return entry;
  }

  /**
   * One user stopped asking (`followUp` as it asked); the question ends with
   * its last user: true then.
   */
  release(question: ContinuousQuestion, followUp = false): boolean {
    const entry = question as Entry;
    if (!followUp) entry.primaryUsers--;
    if (--entry.users > 0) return false;
    const first = this.#byKey.get(entry.key);
    if (first === entry) {
      if (entry.sibling === undefined) this.#byKey.delete(entry.key);
      else this.#byKey.set(entry.key, entry.sibling);
    } else {
      let before = first;
      while (before !== undefined && before.sibling !== entry) before = before.sibling;
      if (before === undefined) return false;
      before.sibling = entry.sibling;
    }
    entry.sibling = undefined;
    this.#size--;
    return true;
  }

  /** The earliest send time, `Infinity` when none. */
  nextDeadline(): number {
    let next = Infinity;
    this.#each((q) => {
      if (q.nextAt < next) next = q.nextAt;
    });
    return next;
  }

  /** The questions due at `now`. */
  due(now: number): ContinuousQuestion[] {
    const out: ContinuousQuestion[] = [];
    this.#each((q) => {
      if (q.nextAt <= now) out.push(q);
    });
    return out;
  }

  /**
   * Questions not due at `now` that may go with a packet that leaves now
   * (RFC 6762 §5.3): those not sent yet whose first-query window (§5.2:
   * 20-120 ms after they were asked) is open, so questions asked together (A
   * and AAAA of a host, SRV and TXT of an instance, the follow-ups of every
   * instance one answer listed) share one packet; and those asked twice or
   * more that are due within `CONTINUOUS_PULL_FRACTION` of their interval.
   */
  joinable(now: number): ContinuousQuestion[] {
    const out: ContinuousQuestion[] = [];
    this.#each((q) => {
      if (q.nextAt <= now) return;
      if (
        q.sent === 0 ? q.askedAt + FIRST_QUERY_MIN_DELAY_MS <= now : q.sent >= 2 &&
          q.nextAt - now <= q.interval * CONTINUOUS_PULL_FRACTION
      ) {
        out.push(q);
      }
    });
    return out;
  }

  /**
   * Records a transmission at `now` and sets the next: 1 s, then three times
   * as far off each time, then 60 min once the interval reaches 27 s.
   */
  markSent(question: ContinuousQuestion, now: number): void {
    const entry = question as Entry;
    entry.sent++;
    const next = entry.interval === 0
      ? FIRST_QUERY_INTERVAL_MS
      : entry.interval * QUERY_INTERVAL_FACTOR;
    entry.interval = next >= QUERY_INTERVAL_JUMP_MS ? MAX_QUERY_INTERVAL_MS : next;
    entry.nextAt = now + entry.interval;
  }

  /**
   * Charges `packets` (what the query sent at `now` took on its busiest link
   * and family, Known-Answer continuations included) to the question's
   * budget (`QUESTION_PACKET_BURST`, `QUESTION_PACKETS_PER_MINUTE`). When
   * what is left would not pay for as many again, the interval before the
   * next query grows until it would (capped at 60 minutes); the back-off
   * goes on from the longer interval, so intervals still at least double
   * (RFC 6762 §5.2).
   */
  spend(question: ContinuousQuestion, packets: number, now: number): void {
    const entry = question as Entry;
    const budget = entry.budget;
    const left = (budget === undefined ? QUESTION_PACKET_BURST : Math.min(
      QUESTION_PACKET_BURST,
      budget.left + (now - budget.at) * PACKETS_PER_MS,
    )) - packets;
    if (left >= QUESTION_PACKET_BURST) entry.budget = undefined;
    else if (budget === undefined) entry.budget = { left, at: now };
    else {
      budget.left = left;
      budget.at = now;
    }
    if (left >= packets) return;
    const wait = Math.ceil((packets - left) / PACKETS_PER_MS);
    if (wait <= entry.interval) return;
    entry.interval = Math.min(wait, MAX_QUERY_INTERVAL_MS);
    entry.nextAt = now + entry.interval;
  }

  /** Restarts every question's back-off (a link came up: RFC 6762 §8.3 spirit). */
  restart(now: number): void {
    this.#each((q) => {
      q.interval = 0;
      q.nextAt = Math.min(q.nextAt, now + FIRST_QUERY_MIN_DELAY_MS);
    });
  }
}
