// Issue 13 item 10 (last part): a record of another type at our established
// unique name. RFC 6762 §9 names only "the same name, rrtype and rrclass";
// mDNSResponder (mDNS.c, PacketRRMatchesSignature) compares the type only for
// shared records, so any live record at a unique name of ours is a conflict,
// NSEC and goodbyes excepted. We follow mDNSResponder: see _conflicts.ts.
import assert from "node:assert/strict";
import { RecordType, type ResourceRecord } from "../../codec/mod.ts";
import type { PublishEvent } from "../../responder/publish_options.ts";
import { harness, isProbe, publishAndSettle } from "./_harness.ts";

const hinfo = (name: string, ttl = 120): ResourceRecord => ({
  name,
  type: RecordType.HINFO,
  class: 1,
  cacheFlush: true,
  ttl,
  data: { cpu: "ARM", os: "OTHER" },
});

Deno.test("other-type conflict: a live record of another type at our established host name makes us probe it again", async () => {
  // An IPv4-only stack: another host of the same name with only an AAAA
  // would never be noticed if only the same type counted.
  const h = await harness({ interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }] });
  const service = await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
  const since = h.clock.now();
  await h.send({
    flags: 0x8400,
    answers: [{
      name: "box.local",
      type: RecordType.AAAA,
      class: 1,
      cacheFlush: true,
      ttl: 120,
      data: "fd00::77",
    }],
  });
  await h.clock.advanceAsync(2000);
  const probes = h.sent({ since, family: "IPv4" }).filter(isProbe);
  assert.equal(probes.length, 3, "the name is verified again (§9), three probes");
  assert.ok(probes.every((p) => p.message.questions.some((q) => q.name === "box.local")));
  assert.equal(service.host, "box.local", "nobody defended it: we keep it");
  await h.close();
});

Deno.test("other-type conflict: at a service instance name too; an NSEC or a goodbye of another type is none", async () => {
  const h = await harness();
  const events: PublishEvent[] = [];
  await publishAndSettle(h, {
    name: "Den",
    type: "_http._tcp",
    port: 80,
    onEvent: (e) => events.push(e),
  }, 10_000);
  let since = h.clock.now();
  await h.send({
    flags: 0x8400,
    answers: [
      hinfo("Den._http._tcp.local", 0),
      {
        name: "Den._http._tcp.local",
        type: RecordType.NSEC,
        class: 1,
        cacheFlush: true,
        ttl: 120,
        data: { nextName: "Den._http._tcp.local", types: [RecordType.HINFO] },
      },
    ],
  });
  await h.clock.advanceAsync(2000);
  assert.equal(h.sent({ since }).filter(isProbe).length, 0);
  since = h.clock.now();
  await h.send({ flags: 0x8400, answers: [hinfo("Den._http._tcp.local")] });
  await h.clock.advanceAsync(2000);
  assert.equal(h.sent({ since, family: "IPv4" }).filter(isProbe).length, 3);
  assert.deepEqual(events.map((e) => e.type), ["probing", "registered", "conflict", "registered"]);
  await h.close();
});
