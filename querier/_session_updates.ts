/**
 * When browses and lookups catch up with the peer cache. A cache change
 * marks the sessions it concerns; the marked ones apply what they heard at
 * one point: when the stack's turn (a packet, a link event, a timer run)
 * ends and it tells the querier to settle, or, for a change outside any turn
 * (a user's clear or insert, a browse opening), after the current task.
 *
 * @module
 */

import type { Session } from "./_browse_sources.ts";

/** Rounds of one update before what is still marked waits for the next task (not reached in practice). */
const MAX_UPDATE_ROUNDS = 16;

/** The sessions with changes to apply. */
export class SessionUpdates {
  #dirty = new Set<Session>();
  #queued = false;
  #inTurn: () => boolean;

  /** `inTurn` says whether the stack will settle soon (then no task is queued). */
  constructor(inTurn: () => boolean) {
    this.#inTurn = inTurn;
  }

  /** `session` has changes to apply. */
  mark(session: Session): void {
    this.#dirty.add(session);
    if (!this.#inTurn()) this.#soon();
  }

  /** `session` applied its changes itself (or ended): nothing to do for it. */
  forget(session: Session): void {
    this.#dirty.delete(session);
  }

  /**
   * Applies every marked session's changes. An update may mark another session
   * (a resolve sharing a record): it goes round until nothing is marked,
   * with a bound against two sessions that would mark each other forever.
   */
  update(): void {
    for (let rounds = 0; this.#dirty.size > 0 && rounds < MAX_UPDATE_ROUNDS; rounds++) {
      const sessions = [...this.#dirty];
      this.#dirty.clear();
      for (const s of sessions) s.update();
    }
    if (this.#dirty.size > 0) this.#soon();
  }

  #soon(): void {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.update();
    });
  }
}
