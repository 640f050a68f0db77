// The responder's sends in flight are bounded (issue 16, item 2): with Deno's
// asynchronous send() a kernel that stops taking datagrams must not let every
// answer to a flood wait in memory. Past SENDS_IN_FLIGHT_MAX an answer to a
// query is dropped and counted; multicast (announcements, goodbyes) still
// goes; a slot frees when a send settles. A transport that answers every send
// with one shared settled promise (the FFI hatch's sendto) is never "full".
import assert from "node:assert/strict";
import { Sender, SENDS_IN_FLIGHT_MAX } from "../../responder/_sender.ts";
import { RESPONSE_FLAGS } from "../../responder/_packets.ts";
import type { ARecord } from "../../codec/mod.ts";

const LINK = { name: "eth0", index: 1, ipv4: ["198.18.0.2/24"], ipv6: ["fe80::2/64"] };
const TO = { interfaceName: "eth0", family: "IPv4" as const, address: "198.18.0.9", port: 40000 };
const A: ARecord = {
  name: "box.local",
  type: 1,
  class: 1,
  cacheFlush: true,
  ttl: 120,
  data: "198.18.0.2",
};
const ANSWER = { flags: RESPONSE_FLAGS, answers: [A] };

Deno.test("answers past SENDS_IN_FLIGHT_MAX sends in flight are dropped and counted", async () => {
  const pending: ((ok: boolean) => void)[] = [];
  const sent: string[] = [];
  const sender = new Sender((_data, to) => {
    sent.push(to.address === undefined ? `multicast/${to.family}` : "unicast");
    return new Promise<boolean>((resolve) => pending.push(resolve));
  });
  for (let i = 0; i < SENDS_IN_FLIGHT_MAX + 500; i++) sender.unicast(ANSWER, TO);
  assert.equal(sent.length, SENDS_IN_FLIGHT_MAX);
  assert.equal(sender.dropped, 500);
  sender.unicastPacket(new Uint8Array(12), TO);
  assert.equal(sender.dropped, 501);
  // Multicast is never dropped: announcements and goodbyes are bounded by §6.
  sender.multicast(LINK, ANSWER);
  assert.deepEqual(sent.slice(-2), ["multicast/IPv4", "multicast/IPv6"]);
  // A settled send frees its slot (the two multicasts hold two of the ten freed).
  for (const resolve of pending.splice(0, 10)) resolve(true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  for (let i = 0; i < 20; i++) sender.unicast(ANSWER, TO);
  assert.equal(sent.filter((s) => s === "unicast").length, SENDS_IN_FLIGHT_MAX + 8);
  assert.equal(sender.dropped, 501 + 12);
  for (const resolve of pending.splice(0)) resolve(true);
  await sender.settled();
});

Deno.test("one shared settled promise per send (a synchronous transport) never fills the bound", async () => {
  const TRUE = Promise.resolve(true);
  let sends = 0;
  const sender = new Sender(() => {
    sends++;
    return TRUE;
  });
  for (let i = 0; i < 5 * SENDS_IN_FLIGHT_MAX; i++) sender.unicast(ANSWER, TO);
  assert.equal(sends, 5 * SENDS_IN_FLIGHT_MAX);
  assert.equal(sender.dropped, 0);
  await sender.settled();
});
