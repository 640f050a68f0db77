import assert from "node:assert/strict";
import { VirtualClock } from "../../testing/mod.ts";
import {
  MallocTrimmer,
  TRIM_AFTER_BURST_MS,
  TRIM_BURST_DATAGRAMS,
  TRIM_MIN_GAP_MS,
} from "../../transport/_malloc_trim.ts";

/** Delivers `count` datagrams evenly over `ms` of virtual time. */
function deliver(clock: VirtualClock, trimmer: MallocTrimmer, count: number, ms: number): void {
  for (let i = 0; i < count; i++) {
    clock.advance(ms / count);
    trimmer.delivered();
  }
}

Deno.test("malloc trim: a flood trims at most once per gap, and once after it ends", () => {
  const clock = new VirtualClock();
  const at: number[] = [];
  const trimmer = new MallocTrimmer(clock, () => at.push(clock.now()));
  // 300 datagrams a second for 20 s (the poisoning bench's rate).
  deliver(clock, trimmer, 6000, 20_000);
  assert.ok(at.length >= 3 && at.length <= 20_000 / TRIM_MIN_GAP_MS + 1, `trims at ${at}`);
  for (let i = 1; i < at.length; i++) assert.ok(at[i] - at[i - 1] >= TRIM_MIN_GAP_MS, `${at}`);
  const during = at.length;
  const end = clock.now();
  clock.advance(TRIM_AFTER_BURST_MS - 2000);
  assert.equal(at.length, during, "not before the burst had time to settle");
  clock.advance(2000);
  assert.equal(at.length, during + 1, "one trim after the burst");
  assert.ok(at[at.length - 1] - end <= TRIM_AFTER_BURST_MS, `${at}`);
  clock.advance(600_000);
  assert.equal(at.length, during + 1, "and nothing more while quiet");
  assert.equal(trimmer.trims, at.length);
});

Deno.test("malloc trim: a LAN's steady chatter never trims and arms no timer", () => {
  const clock = new VirtualClock();
  let trims = 0;
  const trimmer = new MallocTrimmer(clock, () => trims++);
  // 40 datagrams a second for 10 minutes: TRIM_BURST_DATAGRAMS take over 6 s.
  deliver(clock, trimmer, 24_000, 600_000);
  assert.equal(trims, 0);
  assert.equal(clock.pending, 0);
});

Deno.test("malloc trim: a short burst trims once, then after it; close cancels the second", () => {
  const clock = new VirtualClock();
  let trims = 0;
  const trimmer = new MallocTrimmer(clock, () => trims++);
  deliver(clock, trimmer, TRIM_BURST_DATAGRAMS, 1000);
  assert.equal(trims, 1);
  clock.advance(TRIM_AFTER_BURST_MS);
  assert.equal(trims, 2);
  deliver(clock, trimmer, TRIM_BURST_DATAGRAMS, TRIM_MIN_GAP_MS / 2);
  assert.equal(trims, 2, "within the gap of the last trim");
  clock.advance(TRIM_MIN_GAP_MS);
  deliver(clock, trimmer, TRIM_BURST_DATAGRAMS, 1000);
  assert.equal(trims, 3);
  trimmer.close();
  clock.advance(TRIM_AFTER_BURST_MS);
  deliver(clock, trimmer, 4 * TRIM_BURST_DATAGRAMS, 1000);
  assert.equal(trims, 3, "closed: nothing more");
});

Deno.test("malloc trim: a trim that throws does not reach the receive path", () => {
  const clock = new VirtualClock();
  const trimmer = new MallocTrimmer(clock, () => {
    throw new Error("no libc");
  });
  deliver(clock, trimmer, TRIM_BURST_DATAGRAMS, 100);
  assert.equal(trimmer.trims, 1);
});
