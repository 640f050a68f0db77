// Issue 13 item 5: a record too big for a link-MTU packet goes alone in one
// datagram of up to 9000 bytes (RFC 6762 §17); beyond that, publish() rejects
// with a RangeError naming the service before anything is sent; a packet that
// cannot be built never stops other names' probes or answers.
import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { type Harness, harness, isProbe, isResponse, type Sent } from "./_harness.ts";

/** A TXT of about `bytes` bytes: keys of 250 bytes each. */
function bigTxt(bytes: number): Record<string, string> {
  const txt: Record<string, string> = {};
  for (let i = 0; i * 251 < bytes; i++) txt[`k${i}`] = "v".repeat(246);
  return txt;
}

const probesOf = (h: Harness, name: string): Sent[] =>
  h.sent({ family: "IPv4" }).filter(isProbe).filter((s) =>
    s.message.questions.some((q) => q.name === name)
  );

Deno.test("large records: a 2,000-byte TXT and the host name due in the same batch are both probed, announced and answered", async () => {
  const h = await harness({ seed: 3 });
  const published = h.mdns.publish({
    name: "Den",
    type: "_http._tcp",
    port: 80,
    txt: bigTxt(2000),
  });
  await h.clock.advanceAsync(5000);
  const service = await published;
  assert.equal(service.name, "Den");
  const hostProbes = probesOf(h, "box.local");
  const serviceProbes = probesOf(h, "Den._http._tcp.local");
  assert.equal(hostProbes.length, 3, "the host name is probed three times");
  assert.equal(serviceProbes.length, 3, "the service name is probed three times");
  for (const p of serviceProbes) {
    const txt = p.message.authorities.find((r) => r.type === RecordType.TXT);
    assert.ok(txt !== undefined, "the probe proposes the TXT");
    assert.ok(p.message.authorities.some((r) => r.type === RecordType.SRV), "and the SRV");
  }
  const packets = h.network.packets({ from: "a", family: "IPv4" });
  assert.ok(packets.every((p) => p.data.length <= 8952), "no packet over 9000 bytes with headers");
  const announcements = h.sent({ family: "IPv4" }).filter(isResponse);
  const withTxt = announcements.filter((s) =>
    s.message.answers.some((r) => r.type === RecordType.TXT && r.name === "Den._http._tcp.local")
  );
  assert.ok(withTxt.length >= 2, "the TXT is announced twice");
  for (const s of withTxt) assert.equal(s.message.answers.length, 1, "alone in its packet");
  assert.ok(
    announcements.some((s) => s.message.answers.some((r) => r.name === "box.local")),
    "the host name is announced",
  );
  // A peer asking for the TXT gets it.
  const since = h.clock.now();
  await h.send({
    questions: [{
      name: "Den._http._tcp.local",
      type: RecordType.TXT,
      class: 1,
      unicastResponse: false,
    }],
  });
  await h.clock.advanceAsync(1000);
  const answer = h.sent({ since, family: "IPv4" }).flatMap((s) => s.message.answers);
  assert.ok(answer.some((r) => r.type === RecordType.TXT), "the TXT is answered");
  // A PTR answer carries what fits as additionals: the TXT does not, the SRV and A do.
  const at = h.clock.now();
  await h.send({
    questions: [{
      name: "_http._tcp.local",
      type: RecordType.PTR,
      class: 1,
      unicastResponse: false,
    }],
  });
  await h.clock.advanceAsync(1000);
  const reply = h.sent({ since: at, family: "IPv4" }).find((s) =>
    s.message.answers.some((r) => r.type === RecordType.PTR)
  )!;
  const extra = reply.message.additionals.map((r) => r.type);
  assert.ok(extra.includes(RecordType.SRV) && extra.includes(RecordType.A), extra.join());
  await h.close();
});

Deno.test("large records: a 3,000-byte TXT is sent alone in one datagram, under 9000 bytes", async () => {
  const h = await harness();
  const published = h.mdns.publish({
    name: "Big",
    type: "_http._tcp",
    port: 80,
    txt: bigTxt(3000),
  });
  await h.clock.advanceAsync(5000);
  await published;
  const big = h.network.packets({ from: "a", family: "IPv4" }).filter((p) => p.data.length > 1440);
  assert.ok(big.length >= 5, "three probes and two announcements carry it");
  assert.ok(big.every((p) => p.data.length <= 8952));
  await h.close();
});

Deno.test("large records: a TXT beyond one 9000-byte datagram is rejected before anything is sent", async () => {
  const h = await harness();
  await assert.rejects(
    h.mdns.publish({ name: "Huge", type: "_http._tcp", port: 80, txt: bigTxt(9000) }),
    (e: Error) => e instanceof RangeError && /"Huge"/.test(e.message) && /TXT/.test(e.message),
  );
  await h.clock.advanceAsync(5000);
  assert.equal(h.sent().length, 0, "nothing was sent");
  // updateTxt checks the same bound and keeps the old TXT.
  const service = await (async () => {
    const p = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
    await h.clock.advanceAsync(5000);
    return await p;
  })();
  await assert.rejects(service.updateTxt(bigTxt(9000)), RangeError);
  await h.close();
});

Deno.test("large records: a record that cannot be built even alone is left out, and the rest of the message still goes", async () => {
  const { buildPackets, buildProbePackets, RESPONSE_FLAGS } = await import(
    "../../responder/_packets.ts"
  );
  const { decodeMessage } = await import("../../codec/mod.ts");
  const huge = {
    name: "Huge._http._tcp.local",
    type: RecordType.TXT,
    class: 1,
    cacheFlush: true,
    ttl: 4500,
    data: Array.from({ length: 40 }, () => new Uint8Array(250)),
  } as const;
  const a = {
    name: "box.local",
    type: RecordType.A,
    class: 1,
    cacheFlush: true,
    ttl: 120,
    data: "198.18.0.2",
  } as const;
  const packets = buildPackets({ flags: RESPONSE_FLAGS, answers: [huge, a] });
  assert.deepEqual(packets.flatMap((p) => decodeMessage(p).answers.map((r) => r.name)), [
    "box.local",
  ]);
  const q = (name: string) => ({ name, type: RecordType.ANY, class: 1, unicastResponse: true });
  const built = buildProbePackets(0, [
    { question: q(huge.name), authorities: [{ ...huge, cacheFlush: false }] },
    { question: q("box.local"), authorities: [{ ...a, cacheFlush: false }] },
  ]);
  assert.deepEqual(built.failed.map((n) => n.question.name), [huge.name]);
  assert.deepEqual(
    built.packets.flatMap((p) => decodeMessage(p).questions.map((x) => x.name)),
    ["box.local"],
  );
});
