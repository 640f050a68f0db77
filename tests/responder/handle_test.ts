// The PublishedService handle (issue 17): it shows its TXT, subtypes and
// domain, and updateTxt() returns a promise that resolves once the update's
// announcement went out (RFC 6762 §8.4), with an `updated` event saying so.
import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import type { PublishEvent } from "../../responder/publish_options.ts";
import { harness, publishAndSettle } from "./_harness.ts";

const textOf = (data: unknown) => new TextDecoder().decode((data as Uint8Array[])[0]);

Deno.test("handle: txt, subtypes and domain as published, txt following updates", async () => {
  const h = await harness();
  const service = await publishAndSettle(h, {
    name: "Den",
    type: "_http._tcp",
    port: 80,
    txt: { path: "/" },
    subtypes: ["_printer"],
  }, 5000);
  assert.equal(service.txt.getString("path"), "/");
  assert.deepEqual(service.subtypes, ["_printer"]);
  assert.equal(service.domain, "local");
  const updating = service.updateTxt({ path: "/new" });
  assert.equal(service.txt.getString("path"), "/new");
  await h.clock.advanceAsync(100);
  await updating;
  await service.unpublish();
  assert.equal(service.txt.getString("path"), "/new", "still readable after unpublish");
  assert.deepEqual(service.subtypes, ["_printer"]);
  await h.close();
});

Deno.test("handle: updateTxt() resolves once the announcement went out, and an updated event says so", async () => {
  const h = await harness();
  const events: PublishEvent[] = [];
  const service = await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 5000);
  service.subscribe((e) => events.push(e));
  const since = h.clock.now();
  const announced = () =>
    h.sent({ since }).some((s) =>
      s.message.answers.some((r) => r.type === RecordType.TXT && textOf(r.data) === "path=/new")
    );
  let sentWhenResolved: boolean | undefined;
  const updating = service.updateTxt({ path: "/new" }).then(() => {
    sentWhenResolved = announced();
  });
  assert.ok(updating instanceof Promise);
  await Promise.resolve();
  assert.equal(sentWhenResolved, undefined, "not settled before any packet");
  await h.clock.advanceAsync(100);
  await updating;
  assert.equal(sentWhenResolved, true, "the new TXT was on the wire when it resolved");
  assert.deepEqual(events, [{ type: "updated", name: "Den" }]);
  await h.clock.advanceAsync(5000);
  assert.equal(events.length, 1, "one event for one update, however many announcements");
  await h.close();
});

Deno.test("handle: updateTxt() with the TXT already held resolves with no packet; bad input or unpublished rejects", async () => {
  const h = await harness();
  const service = await publishAndSettle(h, {
    name: "Den",
    type: "_http._tcp",
    port: 80,
    txt: { a: "1" },
  }, 5000);
  const since = h.clock.now();
  await service.updateTxt({ a: "1" });
  assert.equal(h.sent({ since }).length, 0);
  let thrown: unknown;
  let rejected: Promise<void> | undefined;
  try {
    rejected = service.updateTxt({ k: "x".repeat(300) });
  } catch (e) {
    thrown = e;
  }
  assert.equal(thrown, undefined, "rejects, never throws");
  await assert.rejects(rejected!, RangeError);
  await service.unpublish();
  await assert.rejects(service.updateTxt({ a: "2" }), TypeError);
  await h.close();
});

Deno.test("handle: an update pending when the service is unpublished rejects", async () => {
  const h = await harness();
  const service = await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 5000);
  // Eleven updates in a minute: the eleventh waits for the §8.4 window.
  for (let i = 0; i < 10; i++) {
    const updating = service.updateTxt({ n: `${i}` });
    await h.clock.advanceAsync(1000);
    await updating;
  }
  const late = service.updateTxt({ n: "late" });
  await h.clock.advanceAsync(1000);
  await service.unpublish();
  await assert.rejects(late, TypeError);
  await h.close();
});
