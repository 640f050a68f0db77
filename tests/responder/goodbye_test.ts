import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import type { PublishEvent } from "../../responder/publish_options.ts";
import { type Harness, harness, isResponse, publishAndSettle } from "./_harness.ts";

const goodbyes = (h: Harness, since: number) =>
  h.sent({ since, family: "IPv4" }).filter((s) => s.message.answers.some((r) => r.ttl === 0));

const ask = async (h: Harness) => {
  const since = h.clock.now();
  await h.send({
    questions: [{
      name: "_http._tcp.local",
      type: RecordType.PTR,
      class: 1,
      unicastResponse: false,
    }],
  });
  await h.clock.advanceAsync(1000);
  return h.sent({ since });
};

Deno.test("goodbye: unpublish sends TTL 0 for every record of the service at once, then silence", async () => {
  const h = await harness();
  const events: PublishEvent[] = [];
  const service = await publishAndSettle(h, {
    name: "Den",
    type: "_http._tcp",
    port: 80,
    subtypes: ["_printer"],
    onEvent: (e) => events.push(e),
  }, 10_000);
  const since = h.clock.now();
  await service.unpublish();
  await service.unpublish(); // idempotent
  const sent = goodbyes(h, since);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].time, since);
  const records = sent[0].message.answers;
  assert.ok(records.every((r) => r.ttl === 0));
  const kinds = records.map((r) => `${r.name}/${r.type}`).sort();
  for (
    const k of [
      "_http._tcp.local/12",
      "_printer._sub._http._tcp.local/12",
      "_services._dns-sd._udp.local/12",
      "Den._http._tcp.local/33",
      "Den._http._tcp.local/16",
    ]
  ) assert.ok(kinds.includes(k), `${k} in goodbye`);
  // The service's PTRs are shared; the host's reverse mappings (gone with it) are unique.
  assert.ok(
    records.filter((r) => r.type === RecordType.PTR && !r.name.endsWith(".arpa"))
      .every((r) => !r.cacheFlush),
  );
  assert.equal(events.at(-1)?.type, "goodbye");
  await h.clock.advanceAsync(10);
  assert.equal((await ask(h)).length, 0, "no answers after the goodbye");
  await h.close();
});

Deno.test("goodbye: an aborted signal unpublishes", async () => {
  const h = await harness();
  const controller = new AbortController();
  await publishAndSettle(h, {
    name: "Den",
    type: "_http._tcp",
    port: 80,
    signal: controller.signal,
  }, 10_000);
  const since = h.clock.now();
  controller.abort();
  assert.equal(goodbyes(h, since).length, 1);
  await h.close();
});

Deno.test("goodbye: dispose unpublishes", async () => {
  const h = await harness();
  const since = await (async () => {
    await using _service = await publishAndSettle(
      h,
      { name: "Den", type: "_http._tcp", port: 80 },
      10_000,
    );
    return h.clock.now();
  })();
  assert.equal(goodbyes(h, since).length, 1);
  await h.close();
});

Deno.test("goodbye: closing the stack says goodbye for services and the host on every link and family", async () => {
  const h = await harness();
  await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
  const since = h.clock.now();
  await h.mdns.close();
  const all = h.sent({ since }).filter((s) => s.message.answers.some((r) => r.ttl === 0));
  assert.deepEqual([...new Set(all.map((s) => s.family))].sort(), ["IPv4", "IPv6"]);
  const names = new Set(all.flatMap((s) => s.message.answers.map((r) => r.name)));
  assert.ok(names.has("Den._http._tcp.local") && names.has("box.local"));
  assert.ok(all.every((s) => s.message.answers.every((r) => r.ttl === 0)));
  await h.network.close();
});

Deno.test("goodbye: a service unpublished while probing sends nothing and rejects its promise", async () => {
  const h = await harness();
  const controller = new AbortController();
  const p = h.mdns.publish({
    name: "Den",
    type: "_http._tcp",
    port: 80,
    signal: controller.signal,
  });
  await h.clock.advanceAsync(300);
  const since = h.clock.now();
  controller.abort();
  await assert.rejects(p, TypeError);
  await h.clock.advanceAsync(3000);
  assert.equal(
    h.sent({ since }).filter((s) => s.message.answers.some((r) => r.name.startsWith("Den"))).length,
    0,
  );
  assert.ok(
    h.sent().filter(isResponse).every((s) =>
      s.message.answers.every((r) => !r.name.startsWith("Den"))
    ),
  );
  await h.close();
});

Deno.test("goodbye: the last service takes our host name along; the next publish probes it again", async () => {
  const h = await harness();
  const one = await publishAndSettle(h, { name: "One", type: "_http._tcp", port: 80 }, 10_000);
  const two = await publishAndSettle(h, { name: "Two", type: "_http._tcp", port: 81 }, 10_000);
  const hostGoodbyes = (since: number) =>
    goodbyes(h, since).flatMap((s) => s.message.answers).filter((r) =>
      r.name === "box.local" || r.data === "box.local"
    ).map((r) => `${r.name} ${r.type}${typeof r.data === "string" ? ` ${r.data}` : ""}`).sort();
  let since = h.clock.now();
  await one.unpublish();
  assert.deepEqual(hostGoodbyes(since), [], "the host stays while Two uses it");
  since = h.clock.now();
  await two.unpublish();
  assert.deepEqual(
    hostGoodbyes(since),
    [
      "2.0.18.198.in-addr.arpa 12 box.local",
      "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa 12 box.local",
      "box.local 1 198.18.0.2",
      "box.local 28 fe80::2",
      "box.local 47", // the NSEC
    ].sort(),
  );
  assert.deepEqual(h.mdns.localCache.lookup("box.local", RecordType.ANY), []);
  // Nobody answers for the name now.
  await h.clock.advanceAsync(10);
  since = h.clock.now();
  await h.send({
    questions: [{ name: "box.local", type: RecordType.A, class: 1, unicastResponse: false }],
  });
  await h.clock.advanceAsync(1000);
  assert.equal(h.sent({ since }).length, 0);
  // Publishing again claims the name afresh: three probes of box.local first.
  since = h.clock.now();
  const again = await publishAndSettle(h, { name: "Three", type: "_http._tcp", port: 82 });
  assert.equal(again.host, "box.local");
  const probes = h.sent({ since, family: "IPv4" }).filter((s) =>
    !isResponse(s) && s.message.questions.some((q) => q.name === "box.local")
  );
  assert.equal(probes.length, 3);
  await h.close();
});

Deno.test("goodbye: a proxied host goes with its last service and is probed again when reused", async () => {
  const h = await harness();
  const proxy = { type: "_ipp._tcp", port: 631, host: "printer.local", addresses: ["198.18.0.50"] };
  const first = await publishAndSettle(h, { name: "Printer", ...proxy }, 10_000);
  const since = h.clock.now();
  await first.unpublish();
  const gone = goodbyes(h, since).flatMap((s) => s.message.answers);
  assert.ok(gone.some((r) => r.name === "printer.local" && r.data === "198.18.0.50"));
  const at = h.clock.now();
  await publishAndSettle(h, { name: "Printer", ...proxy });
  const probes = h.sent({ since: at, family: "IPv4" }).filter((s) =>
    !isResponse(s) && s.message.questions.some((q) => q.name === "printer.local")
  );
  assert.equal(probes.length, 3);
  await h.close();
});
