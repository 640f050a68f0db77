import assert from "node:assert/strict";
import { harness } from "./_harness.ts";

Deno.test("publish: bad input is rejected with TypeError or RangeError before anything is sent", async () => {
  const h = await harness();
  const base = { name: "Den", type: "_http._tcp", port: 80 };
  const cases: [Record<string, unknown>, ErrorConstructor][] = [
    [{ type: "http" }, TypeError],
    [{ type: "_http._sctp" }, TypeError],
    [{ type: "_http" }, TypeError],
    [{ port: -1 }, RangeError],
    [{ port: 65536 }, RangeError],
    [{ port: 1.5 }, TypeError],
    [{ txt: { k: "x".repeat(300) } }, RangeError],
    [{ name: "x".repeat(64) }, RangeError],
    [{ name: "é".repeat(32) }, RangeError], // 64 bytes in UTF-8
    [{ name: "" }, RangeError],
    [{ addresses: ["198.18.0.7"] }, TypeError],
    [{ host: "dev.local", addresses: ["not an address"] }, TypeError],
    [{ interfaces: "eth0" }, TypeError],
    [{ rename: "no" }, TypeError],
  ];
  for (const [change, error] of cases) {
    await assert.rejects(
      h.mdns.publish({ ...base, ...change } as never),
      error,
      JSON.stringify(change),
    );
  }
  await h.clock.advanceAsync(5000);
  assert.equal(h.sent().length, 0);
  assert.equal(h.mdns.localCache.size, 0);
  await h.close();
});

Deno.test("publish: a name with a dot, quotes and UTF-8 is published unchanged", async () => {
  const h = await harness();
  const p = h.mdns.publish({ name: 'Büro.Drucker "A" (1)', type: "_ipp._tcp.local", port: 631 });
  await h.clock.advanceAsync(2000);
  const service = await p;
  assert.equal(service.name, 'Büro.Drucker "A" (1)');
  assert.equal(service.fullName, 'Büro\\.Drucker "A" (1)._ipp._tcp.local');
  assert.equal(service.type, "_ipp._tcp");
  await h.close();
});

Deno.test("publish: two services share one stack, one host name and one set of probes", async () => {
  const h = await harness();
  const a = h.mdns.publish({ name: "A", type: "_http._tcp", port: 80 });
  const b = h.mdns.publish({ name: "B", type: "_http._tcp", port: 81 });
  await h.clock.advanceAsync(3000);
  const [sa, sb] = await Promise.all([a, b]);
  assert.equal(sa.host, "box.local");
  assert.equal(sb.host, "box.local");
  await h.close();
});

Deno.test("publish: the same name twice on one stack gets a local rename", async () => {
  const h = await harness();
  const a = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 80 });
  const b = h.mdns.publish({ name: "Den", type: "_http._tcp", port: 81 });
  await h.clock.advanceAsync(3000);
  assert.deepEqual([(await a).name, (await b).name], ["Den", "Den (2)"]);
  await h.close();
});
