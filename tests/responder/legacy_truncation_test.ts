// Issue 13 item 7: a legacy unicast reply (RFC 6762 §6.7) that does not fit
// one packet goes out as one packet with TC set, as mDNSResponder does: a
// conventional resolver keeps only the first datagram it hears.
import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { harness } from "./_harness.ts";

Deno.test("legacy truncation: 40 PTRs that do not fit go out as one packet with TC", async () => {
  const h = await harness({ testerPort: 40000 });
  const names = Array.from({ length: 40 }, (_, i) => `Legacy service ${i} `.padEnd(50, "y"));
  const all = names.map((name) => h.mdns.publish({ name, type: "_http._tcp", port: 80 }));
  await h.clock.advanceAsync(10_000);
  await Promise.all(all);
  const since = h.clock.now();
  await h.send({
    id: 0x4242,
    questions: [{
      name: "_http._tcp.local",
      type: RecordType.PTR,
      class: 1,
      unicastResponse: false,
    }],
  });
  await h.clock.advanceAsync(1000);
  const replies = h.sent({ since });
  assert.equal(replies.length, 1, "one packet");
  const m = replies[0].message;
  assert.equal(m.id, 0x4242);
  assert.ok((m.flags & 0x0200) !== 0, "TC set");
  assert.ok(m.answers.length > 0 && m.answers.length < 40, `${m.answers.length} answers`);
  assert.equal(m.additionals.length, 0, "no additionals in a truncated reply");
  // No EDNS0 in the query: a conventional resolver takes 512 bytes (RFC 1035 §4.2.1).
  assert.ok(h.network.packets({ from: "a", since })[0].data.length <= 512);
  // A reply that fits has no TC.
  const at = h.clock.now();
  await h.send({
    id: 7,
    questions: [{
      name: `${names[0]}._http._tcp.local`,
      type: RecordType.SRV,
      class: 1,
      unicastResponse: false,
    }],
  });
  await h.clock.advanceAsync(1000);
  const small = h.sent({ since: at });
  assert.equal(small.length, 1);
  assert.equal(small[0].message.flags & 0x0200, 0);
  await h.close();
});
