// Issue 13 item 8: `host` without `addresses` names only the SRV target, as
// `avahi-publish -s -H` and `DNSServiceRegister(host=…)` do: no address
// records, no probe of that host name. With `addresses` it is a proxy host.
import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import type { PublishEvent } from "../../responder/publish_options.ts";
import { harness, isProbe, isResponse } from "./_harness.ts";

Deno.test("srv target: host without addresses publishes only the SRV target, even beside the real printer.local", async () => {
  const h = await harness();
  // The real printer.local on the link defends its name.
  h.onHeard = (m) => {
    if (m.flags & 0x8000) return;
    if (!m.questions.some((q) => q.name.toLowerCase() === "printer.local")) return;
    void h.send({
      flags: 0x8400,
      answers: [{
        name: "printer.local",
        type: RecordType.A,
        class: 1,
        cacheFlush: true,
        ttl: 120,
        data: "198.18.0.50",
      }],
    });
  };
  const events: PublishEvent[] = [];
  const p = h.mdns.publish({
    name: "Printer",
    type: "_ipp._tcp",
    port: 631,
    host: "printer.local",
    onEvent: (e) => events.push(e),
  });
  await h.clock.advanceAsync(5000);
  const service = await p;
  assert.equal(service.host, "printer.local");
  assert.deepEqual(events.map((e) => e.type), ["probing", "registered"]);
  const probes = h.sent().filter(isProbe);
  assert.ok(probes.length > 0);
  assert.ok(
    probes.every((s) => s.message.questions.every((q) => q.name === "Printer._ipp._tcp.local")),
    "only the instance name is probed",
  );
  const announced = h.sent({ family: "IPv4" }).filter(isResponse).flatMap((s) => s.message.answers);
  assert.ok(!announced.some((r) => r.type === RecordType.A || r.type === RecordType.AAAA));
  assert.ok(!announced.some((r) => r.name.toLowerCase().startsWith("printer-2")));
  const srv = announced.filter((r) => r.type === RecordType.SRV);
  assert.ok(srv.length >= 2);
  assert.ok(srv.every((r) => (r.data as { target: string }).target === "printer.local"));
  // A question for printer.local's address is not ours to answer.
  const since = h.clock.now();
  h.onHeard = undefined;
  await h.send({
    questions: [{ name: "printer.local", type: RecordType.A, class: 1, unicastResponse: false }],
  });
  await h.clock.advanceAsync(1000);
  assert.equal(h.sent({ since }).length, 0);
  await service.unpublish();
  await h.close();
});

Deno.test("srv target: a second service on the same external host, then both gone, leaves nothing behind", async () => {
  const h = await harness();
  const opts = { type: "_ipp._tcp", port: 631, host: "printer.local" };
  const a = h.mdns.publish({ ...opts, name: "A" });
  const b = h.mdns.publish({ ...opts, name: "B" });
  await h.clock.advanceAsync(5000);
  const [sa, sb] = await Promise.all([a, b]);
  await sa.unpublish();
  await sb.unpublish();
  assert.equal(h.mdns.localCache.size, 0);
  // Our own host is claimed when a service needs it.
  const own = h.mdns.publish({ name: "Own", type: "_http._tcp", port: 80 });
  await h.clock.advanceAsync(5000);
  assert.equal((await own).host, "box.local");
  await h.close();
});

Deno.test("srv target: host naming the stack's own host name is our host, claimed with our addresses", async () => {
  const h = await harness();
  const p = h.mdns.publish({ name: "Own", type: "_http._tcp", port: 80, host: "box.local" });
  await h.clock.advanceAsync(5000);
  const service = await p;
  assert.equal(service.host, "box.local");
  const probes = h.sent({ family: "IPv4" }).filter(isProbe);
  assert.ok(probes.some((s) => s.message.questions.some((q) => q.name === "box.local")));
  const announced = h.sent({ family: "IPv4" }).filter(isResponse).flatMap((s) => s.message.answers);
  assert.ok(announced.some((r) => r.name === "box.local" && r.type === RecordType.A));
  await h.close();
});
