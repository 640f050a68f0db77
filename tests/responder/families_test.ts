/**
 * Rate limits and duplicate-answer suppression per (link, family) (issue 13,
 * item 3): a reply goes out on the family its query came in on, so what was
 * sent on one family says nothing about what the other family's hosts heard.
 */
import assert from "node:assert/strict";
import { RecordType, type ResourceRecord } from "../../codec/mod.ts";
import { type Harness, harness, publishAndSettle } from "./_harness.ts";

const q = (name: string, type: number) => ({ name, type, class: 1, unicastResponse: false });
const ourPtr: ResourceRecord = {
  name: "_http._tcp.local",
  type: RecordType.PTR,
  class: 1,
  cacheFlush: false,
  ttl: 4500,
  data: "Den._http._tcp.local",
};

async function published(): Promise<Harness> {
  const h = await harness();
  await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
  return h;
}

const answersOf = (h: Harness, since: number, family: "IPv4" | "IPv6") =>
  h.sent({ since, family }).flatMap((s) => s.message.answers.map((r) => `${r.name}/${r.type}`));

Deno.test("families: PTR and SRV asked over IPv4, then over IPv6 300 ms later: both families answered", async () => {
  const h = await published();
  const since = h.clock.now();
  const questions = [
    q("_http._tcp.local", RecordType.PTR),
    q("Den._http._tcp.local", RecordType.SRV),
  ];
  await h.send({ questions }, { family: "IPv4" });
  await h.clock.advanceAsync(300);
  const v6At = h.clock.now();
  await h.send({ questions }, { family: "IPv6" });
  await h.clock.advanceAsync(1000);
  const expected = ["Den._http._tcp.local/33", "_http._tcp.local/12"];
  assert.deepEqual(answersOf(h, since, "IPv4").sort(), expected);
  assert.deepEqual(answersOf(h, v6At, "IPv6").sort(), expected, "the IPv6 query is answered");
  // The once-a-second limit still holds within a family.
  const again = h.clock.now();
  await h.send({ questions }, { family: "IPv6" });
  await h.clock.advanceAsync(200);
  assert.deepEqual(answersOf(h, again, "IPv6"), []);
  await h.close();
});

Deno.test("families: another host's IPv4 copy of our answer does not cancel our pending IPv6 answer", async () => {
  const h = await published();
  const question = [q("_http._tcp.local", RecordType.PTR)];
  const since = h.clock.now();
  await h.send({ questions: question }, { family: "IPv6" });
  await h.clock.advanceAsync(10);
  await h.send({ flags: 0x8400, answers: [ourPtr] }, { family: "IPv4" });
  await h.clock.advanceAsync(1000);
  assert.deepEqual(answersOf(h, since, "IPv6"), ["_http._tcp.local/12"]);
  // The same copy on IPv6 does suppress it (RFC 6762 §7.4).
  await h.clock.advanceAsync(2000);
  const later = h.clock.now();
  await h.send({ questions: question }, { family: "IPv6" });
  await h.clock.advanceAsync(10);
  await h.send({ flags: 0x8400, answers: [ourPtr] }, { family: "IPv6" });
  await h.clock.advanceAsync(1000);
  assert.deepEqual(answersOf(h, later, "IPv6"), []);
  await h.close();
});
