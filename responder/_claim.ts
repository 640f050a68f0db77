/**
 * A name we claim (a service instance name or a host name) and where it is in
 * probing (RFC 6762 §8.1) and announcing (§8.3): pure timing, no sending.
 * The responder asks each claim what is due and sends it.
 *
 * A claim has runs: the main one covers every link it is published on; a link
 * that appears later gets a run of its own (probe, then announce there, §8).
 *
 * @module
 */

import { ConflictLimiter } from "./_renamer.ts";

/** RFC 6762 §8.1: wait a random 0-250 ms before the first probe. */
export const PROBE_WAIT_MAX_MS = 250;
/** RFC 6762 §8.1: probes 250 ms apart, and 250 ms after the last one. */
export const PROBE_INTERVAL_MS = 250;
/** RFC 6762 §8.1: three probes. */
export const PROBE_COUNT = 3;
/** RFC 6762 §8.2: the loser of a simultaneous probe waits one second. */
export const TIE_BREAK_DEFER_MS = 1000;
/** RFC 6762 §8.3: at least two announcements... */
export const ANNOUNCE_COUNT = 2;
/** ...one second apart, doubling after (RFC 6762 §8.3). */
export const ANNOUNCE_INTERVAL_MS = 1000;
/** RFC 6762 §8.4: at most ten updates of a record a minute... */
export const UPDATE_LIMIT = 10;
/** ...per window of this many milliseconds (RFC 6762 §8.4). */
export const UPDATE_WINDOW_MS = 60_000;

/**
 * One probe or announce sequence of a claim.
 */
export interface ClaimRun {
  /** Probing (§8.1) or announcing (§8.3). */
  phase: "probing" | "announcing";
  /** Probes or announcements sent so far. */
  step: number;
  /** When the next step is due. */
  at: number;
  /** Only these links; every link of the claim when absent. */
  readonly links?: ReadonlySet<string>;
  /** Announce every record (true) or only those in state `announcing` (an update). */
  readonly all: boolean;
}

/**
 * A claimed name.
 */
export class Claim {
  /** What is claimed. */
  readonly kind: "service" | "host";
  /** Called when the name changes (a rename), with the old name. */
  onRename: ((previous: string) => void) | undefined;
  #name: string;
  /** The runs in progress. */
  runs: ClaimRun[] = [];
  /** True once probing succeeded for the current name. */
  established = false;
  /** True once the current name was announced. */
  announced = false;
  /** Conflicts seen, for the §8.1 back-off. */
  readonly limiter: ConflictLimiter = new ConflictLimiter();
  #updates: number[] = [];

  /** Creates a claim of `name`; call {@linkcode Claim.startProbing}. */
  constructor(kind: "service" | "host", name: string) {
    this.kind = kind;
    this.#name = name;
  }

  /** The full name claimed now. */
  get name(): string {
    return this.#name;
  }
  set name(next: string) {
    const previous = this.#name;
    this.#name = next;
    if (previous !== next) this.onRename?.(previous);
  }

  /** True while a probe sequence is in progress (the name is not ours yet). */
  get probing(): boolean {
    return this.runs.some((r) => r.phase === "probing" && r.links === undefined);
  }

  /** True once the first probe of the current sequence is out (§8.1: conflicts count from then). */
  get probeSent(): boolean {
    return this.runs.some((r) => r.phase === "probing" && r.step > 0);
  }

  /** Starts (again) to probe on every link after `delayMs`; drops every other run. */
  startProbing(now: number, delayMs: number): void {
    this.established = false;
    this.runs = [{ phase: "probing", step: 0, at: now + delayMs, all: true }];
  }

  /** Probes then announces on links that appeared (§8). */
  startOnLinks(now: number, delayMs: number, links: ReadonlySet<string>): void {
    this.runs.push({ phase: "probing", step: 0, at: now + delayMs, links, all: true });
  }

  /**
   * Schedules an announcement of the records in state `announcing` (an
   * update, §8.4), no more than {@linkcode UPDATE_LIMIT} a minute: a later
   * one is coalesced into the run already waiting.
   */
  announceUpdate(now: number): void {
    if (this.runs.some((r) => r.phase === "announcing" && !r.all && r.step === 0)) return;
    this.#updates = this.#updates.filter((t) => now - t < UPDATE_WINDOW_MS);
    const at = this.#updates.length < UPDATE_LIMIT
      ? now
      : this.#updates[this.#updates.length - UPDATE_LIMIT] + UPDATE_WINDOW_MS;
    this.#updates.push(at);
    this.runs.push({ phase: "announcing", step: 0, at, all: false });
  }

  /** The earliest due time of its runs, `Infinity` when none. */
  nextDeadline(): number {
    let at = Infinity;
    for (const r of this.runs) if (r.at < at) at = r.at;
    return at;
  }
}
