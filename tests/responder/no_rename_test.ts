import assert from "node:assert/strict";
import { type DnsMessage, RecordType, type ResourceRecord } from "../../codec/mod.ts";
import { NameConflictError, type PublishEvent } from "../../responder/publish_options.ts";
import { type Harness, harness, isProbe, isResponse, publishAndSettle } from "./_harness.ts";

const srv = (name: string): ResourceRecord => ({
  name,
  type: RecordType.SRV,
  class: 1,
  cacheFlush: true,
  ttl: 120,
  data: { priority: 0, weight: 0, port: 9, target: "other.local" },
});

/** The tester defends `Den._http._tcp.local` against every probe. */
function defend(h: Harness) {
  h.onHeard = (m: DnsMessage) => {
    if (m.flags & 0x8000 || m.authorities.length === 0) return;
    if (m.questions.some((q) => q.name === "Den._http._tcp.local")) {
      void h.send({ flags: 0x8400, answers: [srv("Den._http._tcp.local")] });
    }
  };
}

const denNames = (h: Harness, since: number) =>
  h.sent({ since }).flatMap((s) => [
    ...s.message.questions.map((q) => q.name),
    ...s.message.answers.filter((r) => r.ttl > 0).map((r) => r.name),
  ]).filter((n) => n.startsWith("Den"));

Deno.test("rename: false: a conflict while probing rejects publish with NameConflictError and takes no other name", async () => {
  const h = await harness();
  defend(h);
  const events: PublishEvent[] = [];
  const p = h.mdns.publish({
    name: "Den",
    type: "_http._tcp",
    port: 80,
    rename: false,
    onEvent: (e) => events.push(e),
  });
  const settled = assert.rejects(p, (error: unknown) => {
    assert.ok(error instanceof NameConflictError);
    assert.equal(error.fullName, "Den._http._tcp.local");
    assert.equal(error.message, 'Cannot publish "Den": the name is in use');
    return true;
  });
  await h.clock.advanceAsync(5000);
  await settled;
  assert.deepEqual(events.map((e) => e.type), ["probing", "conflict", "goodbye"]);
  // One denied probe of Den, then nothing: no "Den (2)", no announcement.
  const denProbes = h.sent({ family: "IPv4" }).filter((s) =>
    isProbe(s) && s.message.questions.some((q) => q.name.startsWith("Den"))
  );
  assert.equal(denProbes.length, 1);
  const names = new Set(denNames(h, 0));
  assert.deepEqual([...names], ["Den._http._tcp.local"]);
  assert.ok(
    !h.sent().filter(isResponse).some((s) =>
      s.message.answers.some((r) => r.ttl > 0 && r.name.startsWith("Den"))
    ),
  );
  await h.close();
});

Deno.test("rename: false: a name one of our services holds rejects at once, before anything is sent", async () => {
  const h = await harness();
  const first = await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 5000);
  const since = h.clock.now() + 1;
  await assert.rejects(
    h.mdns.publish({ name: "den", type: "_http._tcp", port: 81, rename: false }),
    NameConflictError,
  );
  await h.clock.advanceAsync(5000);
  assert.equal(h.sent({ since }).length, 0);
  assert.equal(first.name, "Den");
  await h.close();
});

Deno.test("rename: false: a conflict lost after announcing emits conflict and withdraws the service", async () => {
  const h = await harness();
  const events: PublishEvent[] = [];
  const service = await publishAndSettle(h, {
    name: "Den",
    type: "_http._tcp",
    port: 80,
    rename: false,
    onEvent: (e) => events.push(e),
  }, 10_000);
  const since = h.clock.now();
  defend(h);
  await h.send({ flags: 0x8400, answers: [srv("Den._http._tcp.local")] });
  await h.clock.advanceAsync(10_000);
  assert.deepEqual(events.map((e) => e.type), [
    "probing",
    "registered",
    "conflict", // the record heard: probe the name again (§9)
    "conflict", // the probe defended: the name is theirs
    "goodbye",
  ]);
  assert.equal(service.name, "Den");
  await assert.rejects(service.updateTxt({ a: "1" }), TypeError);
  const after = h.sent({ since, family: "IPv4" });
  assert.ok(after.filter(isProbe).length >= 1, "the name was probed again first");
  assert.ok(!after.some((s) => s.message.questions.some((q) => q.name.startsWith("Den ("))));
  // The shared PTR we announced gets its goodbye; our SRV is not sent again.
  const goodbye = after.flatMap((s) => s.message.answers).filter((r) => r.ttl === 0);
  assert.ok(
    goodbye.some((r) => r.name === "_http._tcp.local" && r.data === "Den._http._tcp.local"),
  );
  assert.ok(
    !after.filter(isResponse).some((s) =>
      s.message.answers.some((r) => r.type === RecordType.SRV && r.ttl > 0)
    ),
  );
  await h.close();
});
