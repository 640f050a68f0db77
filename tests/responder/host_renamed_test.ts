// When the HOST name loses a conflict, an event says the host moved
// (`box.local` → `box-2.local`), as ciao's `hostname-change` does: on each
// affected service's publish events and on the stack's events (issue 17).
import assert from "node:assert/strict";
import { type DnsMessage, RecordType, type ResourceRecord } from "../../codec/mod.ts";
import type { MdnsEvent } from "../../mdns_options.ts";
import type { PublishEvent } from "../../responder/publish_options.ts";
import { type Harness, harness, publishAndSettle } from "./_harness.ts";

const a = (name: string, address: string): ResourceRecord => ({
  name,
  type: RecordType.A,
  class: 1,
  cacheFlush: true,
  ttl: 120,
  data: address,
});

function denyHostProbes(h: Harness) {
  h.onHeard = (m: DnsMessage) => {
    if (m.flags & 0x8000 || m.authorities.length === 0) return;
    const answers = m.questions.filter((q) => q.name === "box.local").map((q) =>
      a(q.name, "198.18.0.77")
    );
    if (answers.length > 0) void h.send({ flags: 0x8400, answers });
  };
}

Deno.test("host renamed: a host conflict while probing tells each service where its host moved", async () => {
  const h = await harness();
  denyHostProbes(h);
  const events: PublishEvent[] = [];
  const service = await publishAndSettle(h, {
    name: "Den",
    type: "_http._tcp",
    port: 80,
    onEvent: (e) => events.push(e),
  }, 5000);
  assert.equal(service.host, "box-2.local");
  const moved = events.filter((e) => e.type === "host-renamed");
  assert.deepEqual(moved, [
    { type: "host-renamed", name: "Den", from: "box.local", host: "box-2.local" },
  ]);
  assert.equal(events.at(-1)?.type, "registered");
  await h.close();
});

Deno.test("host renamed: after announcing, the publish events and the stack's events both say so", async () => {
  const stackEvents: MdnsEvent[] = [];
  const h = await harness({ onEvent: (e) => stackEvents.push(e) });
  const service = await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
  const events: PublishEvent[] = [];
  service.subscribe((e) => events.push(e));
  // Another host answers for box.local with another address and defends it
  // when we probe again (RFC 6762 §9): ours moves to box-2.local.
  denyHostProbes(h);
  await h.send({ flags: 0x8400, answers: [a("box.local", "198.18.0.77")] });
  await h.clock.advanceAsync(10_000);
  assert.equal(service.host, "box-2.local");
  const moved = { type: "host-renamed", from: "box.local", host: "box-2.local" };
  assert.deepEqual(events.filter((e) => e.type === "host-renamed"), [{ ...moved, name: "Den" }]);
  assert.deepEqual(stackEvents.filter((e) => e.type === "host-renamed"), [moved]);
  await h.close();
});
