/**
 * Issue 17: when our HOST name loses a conflict on real sockets, the publish
 * events and the stack say where it moved. avahi-daemon in host b holds
 * `box.local`; our stack in host a is told to use the same name, loses it
 * while probing (avahi defends, RFC 6762 §8.1, §9) and moves to
 * `box-2.local`, as ciao's `hostname-change` reports.
 */

import assert from "node:assert/strict";
import { Lab, netnsTest, startAvahi } from "./harness.ts";
import { Publisher, type PublisherMessage } from "./publisher.ts";

netnsTest(
  "host renamed: avahi holds box.local, our stack moves to box-2.local and says so",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    await startAvahi(b, { hostName: "box" });
    const ours = await Publisher.start(a, { hostName: "box.local" });
    try {
      const { id, host } = await ours.publish({ name: "Den", type: "_mdt._tcp", port: 4242 });
      assert.equal(host, "box-2.local");
      const moved = ours.events(id).filter((m) => m.event === "host-renamed");
      assert.deepEqual(
        moved.map((m) => [m.name, m.from, m.host]),
        [["Den", "box.local", "box-2.local"]],
      );
      const stack = ours.child.filter<PublisherMessage>((m) => m.event === "stack-host-renamed");
      assert.deepEqual(stack.map((m) => [m.from, m.host]), [["box.local", "box-2.local"]]);
      assert.equal(ours.events(id).at(-1)?.event, "published");
    } finally {
      await ours.close();
    }
  },
);
