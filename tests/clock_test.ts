import assert from "node:assert/strict";
import { systemClock } from "../clock.ts";
import { seededRandom, VirtualClock } from "../testing/mod.ts";

Deno.test("VirtualClock fires timers in deadline order, ties in set order", () => {
  const clock = new VirtualClock();
  const order: string[] = [];
  clock.setTimer(30, () => order.push("c30"));
  clock.setTimer(10, () => order.push("a10"));
  clock.setTimer(20, () => order.push("b20-first"));
  clock.setTimer(20, () => order.push("b20-second"));
  clock.setTimer(0, () => order.push("zero"));
  clock.advance(100);
  assert.deepEqual(order, ["zero", "a10", "b20-first", "b20-second", "c30"]);
  assert.equal(clock.now(), 100);
});

Deno.test("VirtualClock keeps set order for many equal deadlines", () => {
  const clock = new VirtualClock();
  const order: number[] = [];
  for (let i = 0; i < 50; i++) clock.setTimer(i % 2 === 0 ? 5 : 3, () => order.push(i));
  clock.advance(5);
  const odd = [...Array(25).keys()].map((k) => 2 * k + 1);
  const even = [...Array(25).keys()].map((k) => 2 * k);
  assert.deepEqual(order, [...odd, ...even]);
});

Deno.test("VirtualClock sets now() to each timer's deadline while it runs", () => {
  const clock = new VirtualClock(1000);
  const seen: number[] = [];
  clock.setTimer(5, () => seen.push(clock.now()));
  clock.setTimer(7.5, () => seen.push(clock.now()));
  clock.advance(10);
  assert.deepEqual(seen, [1005, 1007.5]);
  assert.equal(clock.now(), 1010);
});

Deno.test("VirtualClock does not fire a timer before its deadline", () => {
  const clock = new VirtualClock();
  let fired = 0;
  clock.setTimer(250, () => fired++);
  clock.advance(249);
  assert.equal(fired, 0);
  clock.advance(1);
  assert.equal(fired, 1);
  clock.advance(1000);
  assert.equal(fired, 1, "a timer fires once");
});

Deno.test("VirtualClock fires timers set inside callbacks within the advance window", () => {
  const clock = new VirtualClock();
  const seen: [string, number][] = [];
  clock.setTimer(10, () => {
    seen.push(["outer", clock.now()]);
    clock.setTimer(5, () => {
      seen.push(["inner", clock.now()]);
      clock.setTimer(0, () => seen.push(["zero", clock.now()]));
    });
    clock.setTimer(100, () => seen.push(["late", clock.now()]));
  });
  clock.advance(20);
  assert.deepEqual(seen, [["outer", 10], ["inner", 15], ["zero", 15]]);
  assert.equal(clock.pending, 1);
  clock.advance(90);
  assert.deepEqual(seen.at(-1), ["late", 110]);
});

Deno.test("VirtualClock cancel stops a timer, by cancel() or dispose, and is idempotent", () => {
  const clock = new VirtualClock();
  let fired = 0;
  const a = clock.setTimer(10, () => fired++);
  clock.setTimer(10, () => fired += 10);
  {
    using _b = clock.setTimer(10, () => fired += 100);
  }
  assert.equal(clock.pending, 2);
  a.cancel();
  a.cancel();
  assert.equal(clock.pending, 1);
  clock.advance(10);
  assert.equal(fired, 10);
  a.cancel(); // after the others fired: still a no-op
  assert.equal(clock.pending, 0);
});

Deno.test("VirtualClock cancel inside a callback stops a timer due in the same window", () => {
  const clock = new VirtualClock();
  let fired = false;
  const later = clock.setTimer(20, () => fired = true);
  clock.setTimer(10, () => later.cancel());
  clock.advance(30);
  assert.equal(fired, false);
});

Deno.test("VirtualClock runNext jumps to the next deadline", () => {
  const clock = new VirtualClock();
  const seen: number[] = [];
  clock.setTimer(40, () => seen.push(40));
  const cancelled = clock.setTimer(5, () => seen.push(5));
  clock.setTimer(15, () => seen.push(15));
  cancelled.cancel();
  assert.equal(clock.runNext(), true);
  assert.deepEqual(seen, [15]);
  assert.equal(clock.now(), 15);
  assert.equal(clock.runNext(), true);
  assert.equal(clock.now(), 40);
  assert.equal(clock.runNext(), false);
  assert.equal(clock.now(), 40);
});

Deno.test("VirtualClock pending counts armed timers only", () => {
  const clock = new VirtualClock();
  assert.equal(clock.pending, 0);
  const t = clock.setTimer(1, () => {});
  clock.setTimer(2, () => {});
  clock.setTimer(3, () => {});
  assert.equal(clock.pending, 3);
  t.cancel();
  assert.equal(clock.pending, 2);
  clock.advance(2);
  assert.equal(clock.pending, 1);
  clock.advance(1);
  assert.equal(clock.pending, 0);
});

Deno.test("VirtualClock negative delays count as zero; bad input is rejected", () => {
  const clock = new VirtualClock(50);
  let at = -1;
  clock.setTimer(-10, () => at = clock.now());
  clock.advance(0);
  assert.equal(at, 50);
  assert.throws(() => clock.advance(-1), RangeError);
  assert.throws(() => clock.advance(NaN), RangeError);
  assert.throws(() => clock.setTimer(NaN, () => {}), TypeError);
  assert.throws(() => new VirtualClock(Infinity), RangeError);
  assert.equal(clock.now(), 50);
});

Deno.test("VirtualClock never goes backwards when a callback advances it", () => {
  const clock = new VirtualClock();
  clock.setTimer(10, () => clock.advance(100));
  clock.advance(20);
  assert.equal(clock.now(), 110);
});

Deno.test("VirtualClock handles thousands of timers in order", () => {
  const clock = new VirtualClock();
  const random = seededRandom(3);
  const fired: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const at = Math.floor(random() * 1000);
    clock.setTimer(at, () => fired.push(at));
  }
  clock.advance(1000);
  assert.equal(fired.length, 5000);
  assert.deepEqual(fired, [...fired].sort((a, b) => a - b));
});

Deno.test("VirtualClock advanceAsync lets awaiting code run between timers", async () => {
  const clock = new VirtualClock();
  const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimer(ms, resolve));
  const seen: number[] = [];
  const task = (async () => {
    for (let i = 0; i < 3; i++) {
      await sleep(10);
      // A chain of awaits between timers, like a stack awaiting send().
      for (let j = 0; j < 20; j++) await Promise.resolve();
      seen.push(clock.now());
    }
  })();
  await clock.advanceAsync(25);
  assert.deepEqual(seen, [10, 20]);
  assert.equal(clock.now(), 25);
  await clock.advanceAsync(5);
  await task;
  assert.deepEqual(seen, [10, 20, 30]);
});

Deno.test("VirtualClock synchronous advance does not wait for awaiting code", () => {
  const clock = new VirtualClock();
  const seen: number[] = [];
  (async () => {
    await new Promise<void>((r) => clock.setTimer(10, r));
    seen.push(clock.now());
    clock.setTimer(10, () => {});
  })();
  clock.advance(100);
  // The continuation has not run yet: this is what advanceAsync is for.
  assert.deepEqual(seen, []);
});

Deno.test("systemClock fires a real timer and cancels another", async () => {
  const start = systemClock.now();
  let cancelledFired = false;
  systemClock.setTimer(1, () => cancelledFired = true).cancel();
  await new Promise<void>((resolve) => systemClock.setTimer(5, resolve));
  assert.ok(systemClock.now() >= start);
  assert.equal(cancelledFired, false);
});

Deno.test("systemClock does not fire an over-long timer at once", async () => {
  let fired = false;
  const timer = systemClock.setTimer(2 ** 31 * 1000, () => fired = true);
  await new Promise<void>((resolve) => systemClock.setTimer(20, resolve));
  timer.cancel();
  assert.equal(fired, false);
});

Deno.test("seededRandom is reproducible per seed and different across seeds", () => {
  const take = (seed: number) => {
    const r = seededRandom(seed);
    return Array.from({ length: 20 }, () => r());
  };
  assert.deepEqual(take(42), take(42));
  assert.notDeepEqual(take(42), take(43));
  assert.equal(new Set(take(7)).size, 20);
});

Deno.test("seededRandom stays in [0, 1) and is roughly uniform", () => {
  const r = seededRandom(1);
  const buckets = new Array(10).fill(0);
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const x = r();
    assert.ok(x >= 0 && x < 1, `out of range: ${x}`);
    buckets[Math.floor(x * 10)]++;
  }
  for (const count of buckets) assert.ok(Math.abs(count - n / 10) < n / 100, `skewed: ${buckets}`);
});
