// The FFI drain must not keep the event loop to itself (issue 16 item 2): when
// a drain takes DRAIN_LIMIT datagrams more are queued, and Deno's receive() on
// a ready socket settles as a microtask, so without a turn of the event loop a
// flooded socket's loop would hold off the other sockets (a resolve over IPv6
// while IPv4 is flooded failed in the netns flood), timers and async sends.
import assert from "node:assert/strict";
import { ManagedSocket } from "../../transport/_managed_socket.ts";
import { DRAIN_LIMIT, type FfiDatagrams } from "../../transport/_ffi_datagrams.ts";

/** A socket that always has data: receive() settles at once, `ready` times. */
function floodedConn(ready: number): Deno.DatagramConn {
  let calls = 0;
  let rejectPending: ((e: Error) => void) | undefined;
  const addr: Deno.NetAddr = { transport: "udp", hostname: "198.18.0.9", port: 5353 };
  return {
    receive(): Promise<[Uint8Array, Deno.Addr]> {
      if (calls++ < ready) return Promise.resolve([new Uint8Array(12), addr]);
      return new Promise((_, reject) => rejectPending = reject);
    },
    close() {
      rejectPending?.(new Deno.errors.BadResource("closed"));
    },
  } as unknown as Deno.DatagramConn;
}

/** A drain that always finds DRAIN_LIMIT datagrams queued. */
const fullDrain = {
  drain(_fd: number, onPacket: (d: Uint8Array, a: string, p: number) => void): number {
    for (let i = 0; i < DRAIN_LIMIT; i++) onPacket(new Uint8Array(12), "198.18.0.9", 5353);
    return DRAIN_LIMIT;
  },
} as unknown as FfiDatagrams;

Deno.test("a flooded socket's drain lets timers run between full drains", async () => {
  const WAKE_UPS = 20;
  let handled = 0;
  let handledWhenTimerRan = -1;
  const timer = new Promise<void>((resolve) =>
    setTimeout(() => {
      handledWhenTimerRan = handled;
      resolve();
    }, 0)
  );
  const socket = new ManagedSocket(
    floodedConn(WAKE_UPS),
    () => handled++,
    () => {},
    { fd: 3, datagrams: fullDrain },
  );
  await timer;
  // The rest of the flood, one event-loop turn per full drain (no time assumed).
  for (let turns = 0; handled < WAKE_UPS * (DRAIN_LIMIT + 1) && turns < 10_000; turns++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  assert.equal(handled, WAKE_UPS * (DRAIN_LIMIT + 1), "every datagram handled");
  assert.ok(
    handledWhenTimerRan <= 2 * (DRAIN_LIMIT + 1),
    `the timer waited for ${handledWhenTimerRan} of ${handled} datagrams`,
  );
  socket.close();
  await socket.done;
});
