// Issue 13 item 10 (the responder's part): an unknown interface is rejected
// naming it; close() during probing says the stack closed; a link that loses
// all its IPv4 addresses says goodbye for the old A over IPv4 too.
import assert from "node:assert/strict";
import { decodeMessage, RecordType } from "../../codec/mod.ts";
import { Mdns } from "../../mdns.ts";
import { MemoryNetwork, seededRandom, VirtualClock } from "../../testing/mod.ts";
import type { Destination, Transport } from "../../transport/transport.ts";
import { harness } from "./_harness.ts";

Deno.test("lifecycle: publish on an unknown interface rejects with a TypeError naming it, and sends nothing", async () => {
  const h = await harness();
  await assert.rejects(
    h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80, interfaces: ["eth0", "nope0"] }),
    (e: Error) => e instanceof TypeError && /"nope0"/.test(e.message) && /eth0/.test(e.message),
  );
  await h.clock.advanceAsync(3000);
  assert.equal(h.sent().length, 0);
  // A known one is fine.
  const ok = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80, interfaces: ["eth0"] });
  await h.clock.advanceAsync(3000);
  assert.equal((await ok).name, "Den");
  await h.close();
});

Deno.test("lifecycle: close() while a publish is probing rejects it saying the stack closed", async () => {
  const h = await harness();
  const p = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
  const outcome = p.then(() => undefined, (e: Error) => e);
  await h.clock.advanceAsync(300); // a probe is out
  await h.close();
  const error = await outcome;
  assert.ok(error instanceof Error, "the publish rejects");
  assert.match(error.message, /"Den"/);
  assert.match(error.message, /stack (was )?closed/);
  assert.doesNotMatch(error.message, /unpublished first/);
});

Deno.test("lifecycle: a link that loses all its IPv4 addresses sends the old A's goodbye over IPv4 too", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(1) });
  const host = network.host("a", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24", ipv6: ["fe80::2/64"] }],
  });
  // Records what the stack asks to send, before the transport decides it can.
  const attempts: { to: Destination; data: Uint8Array }[] = [];
  const transport: Transport = {
    get links() {
      return host.links;
    },
    start: (handler) => host.start(handler),
    send: (data, to) => {
      attempts.push({ to, data });
      return host.send(data, to);
    },
    close: () => host.close(),
    [Symbol.asyncDispose]: () => host.close(),
  };
  const mdns = await Mdns.start({
    transport,
    clock,
    random: seededRandom(7),
    hostName: "box.local",
  });
  const p = mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
  await clock.advanceAsync(10_000);
  await p;
  const since = attempts.length;
  host.setAddresses("eth0", { ipv4: [] });
  await clock.advanceAsync(2000);
  const goodbyes = attempts.slice(since).filter(({ data }) =>
    decodeMessage(data).answers.some((r) =>
      r.type === RecordType.A && r.data === "198.18.0.2" && r.ttl === 0
    )
  );
  assert.deepEqual(goodbyes.map((g) => g.to.family).sort(), ["IPv4", "IPv6"]);
  await mdns.close();
  await network.close();
});
