import assert from "node:assert/strict";
import { seededRandom } from "../../testing/mod.ts";
import { DeadlineHeap } from "../../cache/_deadline_heap.ts";

Deno.test("DeadlineHeap pops in time order for random input", () => {
  const random = seededRandom(1);
  const heap = new DeadlineHeap<number>();
  const times = Array.from({ length: 2000 }, () => Math.floor(random() * 500));
  times.forEach((t, i) => heap.push(t, i));
  const out: number[] = [];
  while (heap.size > 0) {
    out.push(heap.peekTime());
    const i = heap.pop()!;
    assert.equal(times[i], out[out.length - 1]);
  }
  assert.deepEqual(out, [...times].sort((a, b) => a - b));
  assert.equal(heap.pop(), undefined);
  assert.equal(heap.peekTime(), Infinity);
});

Deno.test("DeadlineHeap.rebuild drops rejected pairs and keeps order", () => {
  const heap = new DeadlineHeap<string>();
  for (let i = 0; i < 100; i++) heap.push(100 - i, `x${i}`);
  heap.rebuild((_item, time) => time % 2 === 0);
  assert.equal(heap.size, 50);
  const out: number[] = [];
  while (heap.size > 0) {
    out.push(heap.peekTime());
    heap.pop();
  }
  assert.deepEqual(out, Array.from({ length: 50 }, (_, i) => 2 * (i + 1)));
});
