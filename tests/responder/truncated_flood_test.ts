// Cache poisoning's responder side (issue 16, item 3): thousands of truncated
// queries from as many sources. Multicast answers go to one group per link
// and family (responder/_response_queue.ts), a truncated query holds it at
// most TRUNCATED_HOLD_MAX_MS (RFC 6762 §7.2), and a record is multicast at
// most once a second per link (§6): 4,000 truncated queries in 4 s draw at
// most one answer a second per family, not one per source.
import assert from "node:assert/strict";
import { encodeMessage, MessageFlags, RecordType } from "../../codec/mod.ts";
import { TRUNCATED_HOLD_MAX_MS } from "../../responder/_response_queue.ts";
import { harness, isResponse, publishAndSettle } from "./_harness.ts";

Deno.test("4,000 truncated queries from 4,000 sources draw a bounded number of answers", async () => {
  const h = await harness({
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/15", ipv6: ["fe80::2/64"] }],
  });
  try {
    await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
    const start = h.clock.now();
    const data = encodeMessage({
      id: 0,
      flags: MessageFlags.TRUNCATED,
      questions: [{
        name: "_http._tcp.local",
        type: RecordType.PTR,
        class: 1,
        unicastResponse: false,
      }],
      answers: [],
      authorities: [],
      additionals: [],
    });
    for (let i = 0; i < 4000; i++) {
      h.network.inject("a", {
        data,
        source: { address: `198.18.${1 + (i >> 8)}.${i & 255}`, port: 5353 },
        interfaceName: "eth0",
        family: "IPv4",
        unicast: false,
      });
      if (i % 10 === 9) await h.clock.advanceAsync(10);
    }
    await h.clock.advanceAsync(TRUNCATED_HOLD_MAX_MS + 1000);
    const seconds = Math.ceil((h.clock.now() - start) / 1000);
    const answers = h.sent({ since: start }).filter(isResponse)
      .filter((s) => s.message.answers.some((r) => r.type === RecordType.PTR));
    assert.ok(answers.length > 0, "the queries went unanswered");
    assert.ok(answers.length <= seconds + 1, `${answers.length} answers in ${seconds} s`);
    assert.ok(answers.every((s) => s.port === 5353), "a reply went to a querier's own port");
  } finally {
    await h.close();
  }
});
