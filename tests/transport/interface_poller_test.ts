/**
 * When the transport looks at its interfaces and when it rebuilds its
 * sockets (issue 15: an idle responder rebuilt them every 2 s, and a Deno
 * timer wake alone costs ~0.3 ms): on the virtual clock, with a fake list.
 */

import assert from "node:assert/strict";
import { VirtualClock } from "../../testing/mod.ts";
import { InterfacePoller, type NoticeSource } from "../../transport/_interface_poller.ts";
import { interfaceFingerprint, InterfaceWatch } from "../../transport/_interface_watch.ts";
import { NOTICED_POLL_INTERVAL_MS } from "../../transport/udp_transport.ts";

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
function rig(options: { notices?: NoticeSource; failures?: () => number } = {}) {
  const clock = new VirtualClock();
  let list = DUAL;
  const counts = { lists: 0, rebuilds: 0 };
  const poller = new InterfacePoller(clock, 2000, {
    list: () => {
      counts.lists++;
      return list;
    },
    rebuild: () => {
      counts.rebuilds++;
      return Promise.resolve(options.failures?.() ?? 0);
    },
    onError: (error) => assert.fail(error),
  }, { notices: options.notices });
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
