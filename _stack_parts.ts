/**
 * The stack's one list of parts and the turns they settle after. The
 * pipeline routes each packet and link event to the parts in this list, in
 * order, and the scheduler runs the same list's deadlines: a part added here
 * is both routed and scheduled, and there is no second list to forget.
 *
 * A turn is one packet, one link event or one timer run. Turns nest (a
 * synchronous transport may deliver while a timer run sends); when the
 * outermost ends, every part's `settle` runs once, so a part delivers what a
 * turn changed at one point instead of after each hook.
 *
 * Internal: `_stack.ts` owns one; not exported from `mod.ts`.
 *
 * @module
 */

import type { StackPart } from "./stack_part.ts";

/**
 * The parts of one stack, in the order their hooks run.
 */
export class StackParts {
  /** The parts, in the order their hooks run. */
  readonly list: StackPart[] = [];
  #depth = 0;
  #report: (error: unknown) => void;

  /** Creates an empty list; `report` hears what a part's `settle` throws. */
  constructor(report: (error: unknown) => void) {
    this.#report = report;
  }

  /** Appends a part. */
  add<P extends StackPart>(part: P): P {
    this.list.push(part);
    return part;
  }

  /** True while a turn runs. */
  inTurn(): boolean {
    return this.#depth > 0;
  }

  /** Runs `work` as a turn; when the outermost turn ends, every part settles once. */
  turn(work: () => void): void {
    this.#depth++;
    try {
      work();
    } finally {
      if (--this.#depth === 0) this.#settle();
    }
  }

  #settle(): void {
    for (const part of this.list) {
      try {
        part.settle?.();
      } catch (error) {
        this.#report(error);
      }
    }
  }
}
