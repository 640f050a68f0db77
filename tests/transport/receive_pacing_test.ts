// The receive loop's pacing (transport/_receive_pacing.ts): Deno's receive()
// while the socket is quiet, a drain every tick while datagrams keep coming,
// an event-loop turn when a drain was full. Times are plain numbers (ms).
import assert from "node:assert/strict";
import { COALESCE_MS, ReceivePacing } from "../../transport/_receive_pacing.ts";
import { DRAIN_LIMIT } from "../../transport/_ffi_datagrams.ts";

Deno.test("pacing: an isolated datagram leaves the loop on receive()", () => {
  const pacing = new ReceivePacing();
  pacing.received(1000);
  assert.equal(pacing.next(0), "receive");
  pacing.received(1000 + 10 * COALESCE_MS); // the next one much later
  assert.equal(pacing.next(0), "receive");
});

Deno.test("pacing: datagrams queued behind the one received start ticks", () => {
  const pacing = new ReceivePacing();
  pacing.received(1000);
  assert.equal(pacing.next(3), "tick");
});

Deno.test("pacing: two receive() wake-ups less than a tick apart start ticks", () => {
  const pacing = new ReceivePacing();
  pacing.received(1000);
  assert.equal(pacing.next(0), "receive");
  pacing.received(1000 + COALESCE_MS / 2);
  assert.equal(pacing.next(0), "tick");
  // A tick apart is not faster than one a tick.
  pacing.received(1000 + COALESCE_MS / 2 + COALESCE_MS);
  assert.equal(pacing.next(0), "receive");
});

Deno.test("pacing: ticks go on while drains find datagrams, receive() after an empty one", () => {
  const pacing = new ReceivePacing();
  pacing.received(1000);
  pacing.received(1000.1);
  const waits = [0, 5, 1, 7, 0].map((count) => pacing.next(count));
  assert.deepEqual(waits, ["tick", "tick", "tick", "tick", "receive"]);
});

Deno.test("pacing: the short gap counts once, not for the drains after it", () => {
  const pacing = new ReceivePacing();
  pacing.received(1000);
  pacing.received(1000.1);
  assert.equal(pacing.next(0), "tick");
  assert.equal(pacing.next(0), "receive");
});

Deno.test("pacing: a full drain waits one event-loop turn, tick or not", () => {
  const pacing = new ReceivePacing();
  pacing.received(1000);
  assert.equal(pacing.next(DRAIN_LIMIT), "turn");
  assert.equal(pacing.next(DRAIN_LIMIT), "turn");
  assert.equal(pacing.next(1), "tick");
  const off = new ReceivePacing(0);
  off.received(1000);
  assert.equal(off.next(DRAIN_LIMIT), "turn");
});

Deno.test("pacing: a tick of 0 never ticks (every wait is receive(), as before pacing)", () => {
  const pacing = new ReceivePacing(0);
  pacing.received(1000);
  assert.equal(pacing.next(5), "receive");
  pacing.received(1000);
  assert.equal(pacing.next(0), "receive");
});
