// RFC 6762 §6: "a Multicast DNS responder MUST NOT (except in the one special
// case of answering probe queries) multicast a record on a given interface
// until at least one second has elapsed since the last time that record was
// multicast on that particular interface." Held for answers and for
// additionals alike (issue 16: "no record is multicast more than once per
// second per link"); the responder keeps the limit per link and family, since
// a reply goes out on the query's family only.
import assert from "node:assert/strict";
import { RecordType, type ResourceRecord } from "../../codec/mod.ts";
import { seededRandom } from "../../testing/mod.ts";
import { type Harness, harness, type Sent } from "./_harness.ts";

const q = (name: string, type: number) => ({ name, type, class: 1, unicastResponse: false });
const key = (r: ResourceRecord) => `${r.name.toLowerCase()}/${r.type}`;
const identity = (r: ResourceRecord) => `${key(r)}/${JSON.stringify(r.data)}`;

async function published(): Promise<Harness> {
  const h = await harness();
  const all = [
    h.mdns.publish({
      name: "Den",
      type: "_http._tcp",
      port: 80,
      txt: { path: "/" },
      subtypes: ["_printer"],
    }),
    h.mdns.publish({ name: "Ada", type: "_http._tcp", port: 81, txt: { path: "/ada" } }),
  ];
  await h.clock.advanceAsync(10_000); // probing and announcements done, rate limits clear
  await Promise.all(all);
  return h;
}

/**
 * Every pair of multicasts of one record (name, type, rdata) on one link and
 * family less than a second apart, as answer or additional; records `exempt`
 * says are left out (an announcement's own records keep the §8.3 schedule).
 */
function tooSoon(sent: Sent[], exempt: (r: ResourceRecord) => boolean = () => false): string[] {
  const last = new Map<string, number>();
  const out: string[] = [];
  for (const s of sent) {
    if (s.to !== "multicast" || !(s.message.flags & 0x8000)) continue;
    for (const r of [...s.message.answers, ...s.message.additionals]) {
      if (exempt(r) || r.ttl === 0) continue;
      const id = `${s.interfaceName}/${s.family}/${identity(r)}`;
      const before = last.get(id);
      if (before !== undefined && s.time - before < 1000) {
        out.push(`${id} at ${before} and ${s.time}`);
      }
      last.set(id, s.time);
    }
  }
  return out;
}

/** Asks each question in turn, waiting the time given after each; returns the IPv4 replies. */
async function askInTurn(
  h: Harness,
  steps: [name: string, type: number, waitMs: number][],
): Promise<Sent[]> {
  const since = h.clock.now();
  for (const [name, type, waitMs] of steps) {
    await h.send({ questions: [q(name, type)] });
    await h.clock.advanceAsync(waitMs);
  }
  return h.sent({ since, family: "IPv4" });
}

Deno.test("multicast rate: a record just multicast as an answer is not repeated as an additional", async () => {
  const h = await published();
  const replies = await askInTurn(h, [
    ["Den._http._tcp.local", RecordType.SRV, 300],
    ["_http._tcp.local", RecordType.PTR, 500],
  ]);
  assert.equal(replies.length, 2);
  const [srv, ptr] = replies;
  assert.deepEqual(srv.message.answers.map(key), ["den._http._tcp.local/33"]);
  assert.deepEqual(srv.message.additionals.map(key).sort(), [
    "box.local/1",
    "box.local/28",
    "box.local/47",
  ]);
  assert.deepEqual(ptr.message.answers.map(key), ["_http._tcp.local/12", "_http._tcp.local/12"]);
  // Den's SRV and the host's addresses went out 300 ms before: held back.
  // Den's TXT and Ada's SRV and TXT had not: they still go along.
  assert.deepEqual(ptr.message.additionals.map(key).sort(), [
    "ada._http._tcp.local/16",
    "ada._http._tcp.local/33",
    "den._http._tcp.local/16",
  ]);
  assert.deepEqual(tooSoon(replies), []);
  await h.close();
});

Deno.test("multicast rate: resolving two services of one host within a second sends its addresses once", async () => {
  const h = await published();
  const replies = await askInTurn(h, [
    ["Den._http._tcp.local", RecordType.SRV, 200],
    ["Ada._http._tcp.local", RecordType.SRV, 900],
    ["Den._http._tcp.local", RecordType.TXT, 500],
  ]);
  assert.deepEqual(replies.map((s) => s.message.answers.map(key)), [
    ["den._http._tcp.local/33"],
    ["ada._http._tcp.local/33"],
    ["den._http._tcp.local/16"],
  ]);
  const addresses = replies.map((s) => s.message.additionals.map(key).sort());
  assert.deepEqual(addresses[0], ["box.local/1", "box.local/28", "box.local/47"]);
  assert.deepEqual(addresses[1], [], "sent 200 ms before");
  assert.deepEqual(tooSoon(replies), []);
  await h.close();
});

Deno.test("multicast rate: under a stream of mixed queries no record is multicast twice within a second", async () => {
  const h = await published();
  const random = seededRandom(16);
  const questions = [
    q("_http._tcp.local", RecordType.PTR),
    q("_printer._sub._http._tcp.local", RecordType.PTR),
    q("_services._dns-sd._udp.local", RecordType.PTR),
    q("Den._http._tcp.local", RecordType.SRV),
    q("Den._http._tcp.local", RecordType.TXT),
    q("Ada._http._tcp.local", RecordType.SRV),
    q("Ada._http._tcp.local", RecordType.ANY),
    q("box.local", RecordType.A),
    q("box.local", RecordType.AAAA),
  ];
  const since = h.clock.now();
  for (let i = 0; i < 120; i++) {
    const question = questions[Math.floor(random() * questions.length)];
    const family = random() < 0.5 ? "IPv4" : "IPv6";
    await h.send({ questions: [question] }, { family });
    await h.clock.advanceAsync(Math.floor(random() * 150));
  }
  await h.clock.advanceAsync(2000);
  const sent = h.sent({ since });
  const multicasts = sent.filter((s) => s.to === "multicast");
  assert.ok(multicasts.length > 30, `${multicasts.length} multicast replies`);
  const additionals = multicasts.reduce((n, s) => n + s.message.additionals.length, 0);
  assert.ok(additionals > 30, `${additionals} additionals`);
  assert.deepEqual(tooSoon(sent), []);
  await h.close();
});

Deno.test("multicast rate: a new service's announcements carry the host's addresses only when not just sent", async () => {
  const h = await published();
  const since = h.clock.now();
  const publishing = h.mdns.publish({ name: "Cy", type: "_ipp._tcp", port: 631 });
  // Ask for the host's address while the new service is announced.
  for (let t = 0; t < 4000; t += 100) {
    await h.send({ questions: [q("box.local", RecordType.A)] });
    await h.clock.advanceAsync(100);
  }
  await publishing;
  const sent = h.sent({ since, family: "IPv4" });
  const announcements = sent.filter((s) =>
    s.message.answers.some((r) => r.name.toLowerCase() === "cy._ipp._tcp.local")
  );
  assert.ok(announcements.length >= 2, `${announcements.length} announcements`);
  // The A answers every second or so; the announcements' own records keep
  // their §8.3 schedule, their additionals yield to the limit.
  const own = (r: ResourceRecord) => JSON.stringify([r.name, r.data]).includes("_ipp._tcp");
  assert.deepEqual(tooSoon(sent, own), []);
  const answeredA = sent.filter((s) => s.message.answers.some((r) => r.type === RecordType.A));
  assert.ok(answeredA.length >= 3, `${answeredA.length} A answers in 4 s`);
  await h.close();
});

Deno.test("multicast rate: an additional left out for lack of room is not held back as if sent", async () => {
  const h = await harness();
  const txt: Record<string, string> = {};
  // ~1,380 bytes: fits a packet alone, not beside a PTR, an A and an SRV.
  for (let i = 0; i < 5; i++) txt[`k${i}`] = "v".repeat(252);
  txt.k5 = "v".repeat(100);
  const publishing = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80, txt });
  await h.clock.advanceAsync(10_000);
  await publishing;
  const since = h.clock.now();
  await h.send({
    questions: [q("_http._tcp.local", RecordType.PTR), q("box.local", RecordType.A)],
  });
  await h.clock.advanceAsync(300);
  const [ptr] = h.sent({ since, family: "IPv4" });
  assert.deepEqual(ptr.message.answers.map(key).sort(), ["_http._tcp.local/12", "box.local/1"]);
  const extra = ptr.message.additionals.map(key);
  assert.ok(extra.includes("den._http._tcp.local/33"), "the SRV fits");
  assert.ok(!extra.includes("den._http._tcp.local/16"), "the TXT does not");
  // The querier asks for the TXT it did not get: answered at once.
  const asked = h.clock.now();
  await h.send({ questions: [q("Den._http._tcp.local", RecordType.TXT)] });
  await h.clock.advanceAsync(100);
  const replies = h.sent({ since: asked, family: "IPv4" });
  assert.deepEqual(replies.map((s) => s.message.answers.map(key)), [["den._http._tcp.local/16"]]);
  assert.deepEqual(tooSoon(h.sent({ since })), []);
  await h.close();
});
