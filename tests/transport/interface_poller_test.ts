/**
 * When the transport looks at its interfaces and when it rebuilds its
 * sockets (issue 15: an idle responder rebuilt them every 2 s, and a Deno
 * timer wake alone costs ~0.3 ms): on the virtual clock, with a fake list.
 */

import assert from "node:assert/strict";
import { VirtualClock } from "../../testing/mod.ts";
import { InterfacePoller, type NoticeSource } from "../../transport/_interface_poller.ts";
import { interfaceFingerprint, InterfaceWatch } from "../../transport/_interface_watch.ts";
import {
  IDLE_POLL_INTERVAL_MS,
  NOTICED_POLL_INTERVAL_MS,
  QUICK_POLLS,
} from "../../transport/udp_transport_options.ts";

function info(
  name: string,
  family: "IPv4" | "IPv6",
  address: string,
  scopeid?: number,
): Deno.NetworkInterfaceInfo {
  return {
    family,
    name,
    address,
    netmask: family === "IPv4" ? "255.255.255.0" : "ffff:ffff:ffff:ffff::",
    scopeid: family === "IPv6" ? scopeid ?? 0 : null,
    cidr: `${address}/${family === "IPv4" ? 24 : 64}`,
    mac: "02:00:00:00:00:01",
  };
}

const DUAL = [info("eth0", "IPv4", "198.18.1.1"), info("eth0", "IPv6", "fe80::1", 2)];

/** A poller over a mutable list, counting lists and rebuilds. */
function rig(
  options: { notices?: NoticeSource; failures?: () => number; idleIntervalMs?: number } = {},
) {
  const clock = new VirtualClock();
  let list = DUAL;
  const counts = { lists: 0, rebuilds: 0, at: [] as number[] };
  const poller = new InterfacePoller(clock, 2000, {
    list: () => {
      counts.lists++;
      counts.at.push(clock.now());
      return list;
    },
    rebuild: () => {
      counts.rebuilds++;
      return Promise.resolve(options.failures?.() ?? 0);
    },
    onError: (error) => assert.fail(error),
  }, { notices: options.notices, idleIntervalMs: options.idleIntervalMs });
  return {
    clock,
    poller,
    counts,
    setList: (next: Deno.NetworkInterfaceInfo[]) => list = next,
  };
}

/** Lets the rebuild promise chain settle. */
const settle = () => new Promise((r) => setTimeout(r, 0));

Deno.test("InterfacePoller: a quiet host is listed every interval but never rebuilt", async () => {
  const { clock, poller, counts } = rig();
  await poller.rebuildNow(DUAL);
  poller.start();
  for (let i = 0; i < 10; i++) {
    await clock.advanceAsync(2000);
    await settle();
  }
  assert.equal(counts.lists, 10);
  assert.equal(counts.rebuilds, 1, "only the rebuild at start");
  assert.equal(poller.polls, 10);
  await poller.stop();
  assert.equal(clock.pending, 0);
});

/** The gaps between looks, in seconds. */
const gaps = (at: number[]) => at.slice(1).map((t, i) => (t - at[i]) / 1000);

async function advanceBy(clock: VirtualClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    await clock.advanceAsync(1000);
    await settle();
  }
}

Deno.test("InterfacePoller: without notices a quiet host is looked at less and less often, down to the idle interval", async () => {
  // Issue 15 item 3: a Deno timer wake-up every 2 s alone cost an idle
  // responder 0.15 ms/s, twice Avahi's whole idle cost.
  const { clock, poller, counts } = rig({ idleIntervalMs: IDLE_POLL_INTERVAL_MS });
  await poller.rebuildNow(DUAL);
  poller.start();
  await advanceBy(clock, 10 * 60_000);
  const seen = gaps([0, ...counts.at]);
  // Quick right after start, then doubling to the idle interval.
  assert.deepEqual(seen.slice(0, QUICK_POLLS + 4), [
    ...Array(QUICK_POLLS).fill(2),
    4,
    8,
    16,
    IDLE_POLL_INTERVAL_MS / 1000,
  ]);
  assert.ok(seen.every((g) => g <= IDLE_POLL_INTERVAL_MS / 1000), `${seen}`);
  // Before: 300 looks in these 10 minutes.
  assert.ok(counts.lists <= 30, `${counts.lists} looks in 10 minutes`);
  assert.equal(counts.rebuilds, 1);
  await poller.stop();
  assert.equal(clock.pending, 0);
});

Deno.test("InterfacePoller: a change, a send error or a socket failure brings the quick interval back", async () => {
  const { clock, poller, counts, setList } = rig({ idleIntervalMs: IDLE_POLL_INTERVAL_MS });
  await poller.rebuildNow(DUAL);
  poller.start();
  await advanceBy(clock, 5 * 60_000); // long idle: looks 30 s apart
  // A change is found at the next idle look, then looks are quick again.
  setList([...DUAL, info("eth0", "IPv4", "198.18.1.77")]);
  let from = counts.at.length;
  await advanceBy(clock, IDLE_POLL_INTERVAL_MS + 2 * 2000);
  assert.equal(counts.rebuilds, 2, "the change rebuilt");
  assert.deepEqual(gaps(counts.at.slice(from)).slice(0, 2), [2, 2]);
  await advanceBy(clock, 5 * 60_000);
  // A send error looks at once and makes the next looks quick.
  from = counts.at.length;
  const errorAt = clock.now();
  poller.sendFailed();
  await clock.advanceAsync(0);
  await settle();
  assert.equal(counts.at[from], errorAt, "a send error looks at once");
  await advanceBy(clock, 2 * 2000);
  assert.deepEqual(gaps(counts.at.slice(from)).slice(0, 2), [2, 2]);
  await advanceBy(clock, 5 * 60_000);
  // A socket failure (a receive socket died) looks at once too.
  from = counts.at.length;
  const failedAt = clock.now();
  poller.invalidate();
  await clock.advanceAsync(0);
  await settle();
  assert.equal(counts.at[from], failedAt, "a socket failure looks at once");
  assert.equal(counts.rebuilds, 4, "and rebuilds");
  await advanceBy(clock, 2 * 2000);
  assert.deepEqual(gaps(counts.at.slice(from)).slice(0, 2), [2, 2]);
  await poller.stop();
});

Deno.test("InterfacePoller: a changed list is rebuilt once, then quiet again", async () => {
  const { clock, poller, counts, setList } = rig();
  await poller.rebuildNow(DUAL);
  poller.start();
  setList([...DUAL, info("eth0", "IPv4", "198.18.1.77")]);
  await clock.advanceAsync(2000);
  await settle();
  assert.equal(counts.rebuilds, 2);
  await clock.advanceAsync(4000);
  await settle();
  assert.equal(counts.rebuilds, 2);
  await poller.stop();
});

Deno.test("InterfacePoller: failures left by a rebuild are retried at the next poll", async () => {
  let failing = 1;
  const { clock, poller, counts } = rig({ failures: () => failing });
  await poller.rebuildNow(DUAL);
  poller.start();
  await clock.advanceAsync(2000);
  await settle();
  assert.equal(counts.rebuilds, 2, "retried although the list did not change");
  failing = 0;
  await clock.advanceAsync(2000);
  await settle();
  await clock.advanceAsync(2000);
  await settle();
  assert.equal(counts.rebuilds, 3, "healed: no more rebuilds");
  await poller.stop();
});

Deno.test("InterfacePoller: a send error looks at once, at most once a second", async () => {
  const { clock, poller, counts } = rig();
  await poller.rebuildNow(DUAL);
  poller.start();
  poller.sendFailed();
  await clock.advanceAsync(0);
  await settle();
  assert.equal(counts.rebuilds, 2, "a send error forces a rebuild");
  poller.sendFailed(); // within the second: no extra look, but the next poll rebuilds
  await clock.advanceAsync(0);
  await settle();
  assert.equal(counts.lists, 1);
  await clock.advanceAsync(2000);
  await settle();
  assert.equal(counts.rebuilds, 3);
  await poller.stop();
});

Deno.test("InterfacePoller: with kernel notices, a notice looks at once and the timer is a safety net", async () => {
  let queued = false;
  let wake: ((changed: boolean) => void) | undefined;
  let closed = false;
  const notices: NoticeSource = {
    changed: () => {
      const was = queued;
      queued = false;
      return was;
    },
    next: () => closed ? Promise.resolve(false) : new Promise((r) => wake = r),
    get closed() {
      return closed;
    },
  };
  const { clock, poller, counts, setList } = rig({ notices });
  await poller.rebuildNow(DUAL);
  poller.start();
  await clock.advanceAsync(2000);
  assert.equal(counts.lists, 0, "no look at the 2 s interval");
  setList([...DUAL, info("eth0", "IPv4", "198.18.1.77")]);
  wake!(true); // the kernel's notice, the clock does not move
  await settle();
  await settle();
  assert.equal(counts.rebuilds, 2);
  await clock.advanceAsync(NOTICED_POLL_INTERVAL_MS - 2000 - 1);
  assert.equal(counts.lists, 1, "nothing before the safety poll");
  await clock.advanceAsync(NOTICED_POLL_INTERVAL_MS);
  assert.equal(counts.lists, 1, "the safety poll found no notice queued: no listing");
  queued = true; // a notice the wait missed is still seen by the safety poll
  await clock.advanceAsync(NOTICED_POLL_INTERVAL_MS);
  await settle();
  assert.equal(counts.lists, 2);
  closed = true;
  wake!(false);
  await poller.stop();
});

Deno.test("interfaceFingerprint: an IPv4 interface with no known index cannot be vouched for", () => {
  assert.equal(interfaceFingerprint([info("eth0", "IPv4", "198.18.1.1")]), undefined);
  assert.notEqual(interfaceFingerprint(DUAL), undefined);
  // Loopback is never re-created; the hatch's index vouches for any interface.
  assert.notEqual(interfaceFingerprint([info("lo", "IPv4", "127.0.0.1")]), undefined);
  assert.notEqual(
    interfaceFingerprint([info("eth0", "IPv4", "198.18.1.1")], () => ({ index: 3, up: true })),
    undefined,
  );
});

Deno.test("InterfaceWatch: a re-created interface (new index) or a link going down is a change", () => {
  let index = 3;
  let up = true;
  const watch = new InterfaceWatch(() => ({ index, up }));
  const v4 = [info("eth0", "IPv4", "198.18.1.1")];
  assert.equal(watch.needsRebuild(v4), true);
  watch.rebuilt(0);
  assert.equal(watch.needsRebuild(v4), false);
  index = 4;
  assert.equal(watch.needsRebuild(v4), true);
  watch.rebuilt(0);
  up = false;
  assert.equal(watch.needsRebuild(v4), true);
  const unknown = new InterfaceWatch();
  unknown.needsRebuild(v4);
  unknown.rebuilt(0);
  assert.equal(unknown.needsRebuild(v4), true, "without an index, every poll rebuilds, as before");
});
