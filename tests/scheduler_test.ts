import assert from "node:assert/strict";
import { VirtualClock } from "../testing/mod.ts";
import { Scheduler } from "../_scheduler.ts";
import type { ScheduledPart } from "../stack_part.ts";

/** A part that runs at the given times, recording when it ran. */
function part(times: number[]): ScheduledPart & { ran: number[] } {
  const queue = [...times];
  const ran: number[] = [];
  return {
    ran,
    nextDeadline: () => queue[0] ?? Infinity,
    run(now) {
      while (queue.length && queue[0] <= now) queue.shift();
      ran.push(now);
    },
  };
}

Deno.test("Scheduler runs each part at its own deadlines with one timer", () => {
  const clock = new VirtualClock();
  const a = part([100, 300, 1000]);
  const b = part([250, 300]);
  const scheduler = new Scheduler(clock, [a, b]);
  assert.equal(clock.pending, 1, "one timer for all parts");
  clock.advance(2000);
  assert.deepEqual(a.ran, [100, 300, 1000]);
  assert.deepEqual(b.ran, [250, 300]);
  assert.equal(clock.pending, 0, "nothing armed when no part has work");
  scheduler.close();
});

Deno.test("Scheduler.wake() re-arms earlier when a deadline moves up", () => {
  const clock = new VirtualClock();
  let deadline = 1000;
  const ran: number[] = [];
  const scheduler = new Scheduler(clock, [{
    nextDeadline: () => deadline,
    run: (now) => {
      ran.push(now);
      deadline = Infinity;
    },
  }]);
  clock.advance(10);
  deadline = 50;
  scheduler.wake();
  clock.advance(100);
  assert.deepEqual(ran, [50]);
  scheduler.close();
});

Deno.test("Scheduler survives a throwing part and a part that never advances", () => {
  const clock = new VirtualClock();
  const errors: unknown[] = [];
  let runs = 0;
  const scheduler = new Scheduler(clock, [{
    nextDeadline: () => 10,
    run: () => {
      runs++;
      throw new Error("stuck");
    },
  }], { onError: (e) => errors.push(e) });
  clock.advance(20); // must terminate although the part stays due
  assert.ok(runs >= 1 && runs <= 12, `ran ${runs} times`);
  assert.equal(errors.length, runs);
  scheduler.close();
  assert.equal(clock.pending, 0);
});
