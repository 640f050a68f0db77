// Duplicate question suppression (RFC 6762 §7.3) on a LAN of browsers (issue
// 16 item 8, the LAN simulation): a browse of a type with a few hundred
// instances asks with Known Answers in several packets (§7.2), and every
// browser that also publishes the type lists its own PTR. Neither query
// counted as another browser's own, so every browser of the type sent its
// own query in the same second.
import assert from "node:assert/strict";
import { encodeMessage, RecordType } from "../../codec/mod.ts";
import { Mdns } from "../../mdns.ts";
import { MemoryNetwork, seededRandom, VirtualClock } from "../../testing/mod.ts";
import { ptr } from "../cache/_records.ts";
import { rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";
const ptrQuestion = { name: TYPE, type: RecordType.PTR, class: 1, unicastResponse: false };
const A = ptr(TYPE, "A._http._tcp.local", 4500);
const B = ptr(TYPE, "B._http._tcp.local", 4500);
const C = ptr(TYPE, "C._http._tcp.local", 4500);

/** Our browse of TYPE holding A and B; `other` runs 100 ms before our second query. */
async function secondQueryAfter(other: (r: Awaited<ReturnType<typeof rig>>) => void) {
  await using r = await rig({ seed: 5 });
  r.respond([A, B]);
  await r.advance(10);
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(200); // Q1 at 20-120 ms, Q2 one second later
  const q1 = r.ourQueries()[0].time;
  await r.advance(q1 + 900 - r.clock.now());
  other(r);
  await r.advance(500);
  const second = r.ourQueries(q1 + 1).length;
  await r.advance(3000); // Q3 at q1 + 4 s goes out as usual
  const third = r.ourQueries(q1 + 3999).length;
  await browser[Symbol.asyncDispose]();
  return { second, third };
}

Deno.test("§7.3: a query whose Known Answers span two packets (TC) suppresses ours when all of them are ours", async () => {
  const { second, third } = await secondQueryAfter((r) => {
    r.query([ptrQuestion], [A], true);
    r.query([], [B]); // the continuation: no question, the rest of the list
  });
  assert.equal(second, 0, "our second query was skipped");
  assert.ok(third > 0);
});

Deno.test("§7.3: no suppression when a continuation packet lists an answer we lack", async () => {
  const { second } = await secondQueryAfter((r) => {
    r.query([ptrQuestion], [A], true);
    r.query([], [B, C]);
  });
  assert.ok(second > 0, "our second query went out");
});

Deno.test("§7.3: no suppression by a truncated query whose last packet never came", async () => {
  const { second } = await secondQueryAfter((r) => r.query([ptrQuestion], [A, B], true));
  assert.ok(second > 0, "our second query went out");
});

Deno.test("§7.3: another browser's query listing our own PTR as a Known Answer suppresses ours", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(1) });
  const mdns = await Mdns.start({
    transport: network.host("us", {
      interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
    }),
    clock,
    random: seededRandom(7),
    hostName: "us.local",
  });
  const peer = network.host("peer", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/24" }],
  });
  await peer.start({ onDatagram() {}, onEvent() {} });
  const published = mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
  await clock.advanceAsync(3000);
  const den = await published;
  const ourPtrQueries = (since: number) =>
    network.packets({ from: "us", since }).filter((p) =>
      (p.data[2] & 0x80) === 0 && p.data[5] > 0 && // a query with a question
      new TextDecoder().decode(p.data).includes("_http")
    );
  const browser = mdns.browse("_http._tcp", { resolve: false });
  const start = clock.now();
  await clock.advanceAsync(200);
  const [first] = ourPtrQueries(start);
  assert.ok(first !== undefined);
  await clock.advanceAsync(first.time + 900 - clock.now());
  // Another browser of the type, holding our PTR: it lists it (RFC 6762 §7.1).
  void peer.send(
    encodeMessage({
      id: 0,
      flags: 0,
      questions: [ptrQuestion],
      answers: [ptr(TYPE, den.fullName, 4500)],
      authorities: [],
      additionals: [],
    }),
    { interfaceName: "eth0", family: "IPv4" },
  );
  await clock.advanceAsync(500);
  assert.equal(ourPtrQueries(first.time + 1).length, 0, "our second query was skipped");
  await browser[Symbol.asyncDispose]();
  await Promise.all([mdns.close(), clock.advanceAsync(2000)]);
  await network.close();
});
