// Issue 13 item 4: another host's goodbye (TTL 0) is never a conflict, while
// probing or after (mDNSResponder and Avahi skip TTL-0 records when judging
// conflicts: a goodbye says the record is gone, not that the name is taken).
import assert from "node:assert/strict";
import { RecordType, type ResourceRecord } from "../../codec/mod.ts";
import type { PublishEvent } from "../../responder/publish_options.ts";
import { harness, isProbe, publishAndSettle } from "./_harness.ts";

const srv = (name: string, ttl: number): ResourceRecord => ({
  name,
  type: RecordType.SRV,
  class: 1,
  cacheFlush: true,
  ttl,
  data: { priority: 0, weight: 0, port: 9, target: "other.local" },
});
const a = (name: string, address: string, ttl: number): ResourceRecord => ({
  name,
  type: RecordType.A,
  class: 1,
  cacheFlush: true,
  ttl,
  data: address,
});

Deno.test("goodbye conflicts: a goodbye with other rdata at a name we probe keeps the name", async () => {
  const h = await harness();
  const events: PublishEvent[] = [];
  h.onHeard = (m) => {
    if (m.flags & 0x8000 || m.authorities.length === 0) return;
    // Every probe is met by goodbyes at both our names (a host leaving).
    void h.send({
      flags: 0x8400,
      answers: [srv("Den._http._tcp.local", 0), a("box.local", "198.18.0.77", 0)],
    });
  };
  const service = await publishAndSettle(h, {
    name: "Den",
    type: "_http._tcp",
    port: 80,
    onEvent: (e) => events.push(e),
  }, 3000);
  assert.equal(service.name, "Den");
  assert.equal(service.host, "box.local");
  assert.deepEqual(events.map((e) => e.type), ["probing", "registered"]);
  assert.equal(h.sent({ family: "IPv4" }).filter(isProbe).length, 3, "three probes, no restart");
  await h.close();
});

Deno.test("goodbye conflicts: a goodbye with other rdata at an established name starts no probe", async () => {
  const h = await harness();
  const events: PublishEvent[] = [];
  const service = await publishAndSettle(h, {
    name: "Den",
    type: "_http._tcp",
    port: 80,
    onEvent: (e) => events.push(e),
  }, 10_000);
  const since = h.clock.now();
  await h.send({ flags: 0x8400, answers: [a("box.local", "198.18.0.77", 0)] });
  await h.send({ flags: 0x8400, answers: [srv("Den._http._tcp.local", 0)] });
  await h.clock.advanceAsync(5000);
  assert.equal(h.sent({ since }).filter(isProbe).length, 0);
  assert.equal(service.name, "Den");
  assert.deepEqual(events.map((e) => e.type), ["probing", "registered"]);
  // The same records with a TTL are still conflicts (the check is not switched off).
  await h.send({ flags: 0x8400, answers: [a("box.local", "198.18.0.77", 120)] });
  await h.clock.advanceAsync(300);
  assert.ok(h.sent({ since }).filter(isProbe).length > 0, "a live record is a conflict");
  await h.close();
});
