/**
 * Found by the LAN simulation (issue 16 item 8): a stack that publishes a
 * service and browses its type asked without listing its own PTR as a Known
 * Answer. Every other browser of the type, holding that PTR, saw it asked
 * for twice with no answer (the owner does not hear its own query) and
 * flushed it by passive observation of failures (RFC 6762 §10.5): `removed`
 * for a live service about 13 s after start, on every host.
 */
import assert from "node:assert/strict";
import { decodeMessage, RecordType } from "../../codec/mod.ts";
import { Mdns } from "../../mdns.ts";
import { MemoryNetwork, seededRandom, VirtualClock } from "../../testing/mod.ts";

Deno.test("own known answers: a service its own host browses is never flushed by others' passive observation", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(1) });
  const start = (name: string, address: string) =>
    Mdns.start({
      transport: network.host(name, {
        interfaces: [{ name: "eth0", link: "lan", ipv4: `${address}/24` }],
      }),
      clock,
      random: seededRandom(address.length + name.charCodeAt(0)),
      hostName: `${name}.local`,
    });
  const a = await start("a", "198.18.0.2");
  const b = await start("b", "198.18.0.3");
  const published = a.publish({ name: "Den", type: "_http._tcp", port: 80 });
  await clock.advanceAsync(2000);
  await published;
  const controller = new AbortController();
  const events: string[] = [];
  const seenByB = (async () => {
    for await (const e of b.browse("_http._tcp", { signal: controller.signal })) {
      events.push(`${e.type} ${e.service.name}`);
    }
  })();
  const ownBrowse = (async () => {
    for await (const _ of a.browse("_http._tcp", { signal: controller.signal }));
  })();
  await clock.advanceAsync(60_000);
  assert.deepEqual(events, ["added Den"]);
  // a lists its own PTR in its queries for the type (RFC 6762 §7.1). After
  // its first (QU) query, b's queries, listing the same PTR, stand for a's
  // (§7.3: a's own record is in a's Known-Answer list too).
  const queries = network.packets({ from: "a" }).map((p) => decodeMessage(p.data))
    .filter((m) => !(m.flags & 0x8000) && m.questions.some((q) => q.name === "_http._tcp.local"));
  assert.ok(queries.length >= 1, `${queries.length} queries`);
  for (const q of queries) {
    assert.ok(
      q.answers.some((r) => r.type === RecordType.PTR && r.data === "Den._http._tcp.local"),
      "own PTR listed as a Known Answer",
    );
  }
  controller.abort();
  await Promise.all([seenByB, ownBrowse]);
  await Promise.all([a.close(), b.close(), clock.advanceAsync(2000)]);
  await network.close();
});

Deno.test("refresh: a browse keeps its services without ever asking for an NSEC (RFC 6762 §6.1: NSEC answers, it is not asked for)", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(1) });
  const start = (name: string, address: string) =>
    Mdns.start({
      transport: network.host(name, {
        interfaces: [{ name: "eth0", link: "lan", ipv4: `${address}/24` }],
      }),
      clock,
      random: seededRandom(address.length + name.charCodeAt(0)),
      hostName: `${name}.local`,
    });
  const a = await start("a", "198.18.0.2");
  const b = await start("b", "198.18.0.3");
  const published = a.publish({ name: "Den", type: "_http._tcp", port: 80 });
  await clock.advanceAsync(2000);
  await published;
  const controller = new AbortController();
  const events: string[] = [];
  const seenByB = (async () => {
    for await (
      const e of b.browse("_http._tcp", { signal: controller.signal, refreshResolved: true })
    ) {
      events.push(`${e.type} ${e.service.name}`);
    }
  })();
  for (let i = 0; i < 60; i++) await clock.advanceAsync(10_000);
  assert.deepEqual(events, ["added Den"]);
  const asked = network.packets({ from: "b" }).map((p) => decodeMessage(p.data))
    .filter((m) => !(m.flags & 0x8000)).flatMap((m) => m.questions.map((q) => q.type));
  assert.ok(asked.includes(RecordType.SRV), "the SRV is refreshed");
  assert.ok(!asked.includes(RecordType.NSEC), `asked types: ${[...new Set(asked)]}`);
  controller.abort();
  await seenByB;
  await Promise.all([a.close(), b.close(), clock.advanceAsync(2000)]);
  await network.close();
});
