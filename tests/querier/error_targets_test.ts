// Errors name what they are about (issue 17): ResolveError the service,
// LookupError the host or the address; and bad arguments reject the promise
// with a typed error, as publish() does, instead of throwing synchronously.
import assert from "node:assert/strict";
import { LookupError, ResolveError } from "../../querier/errors.ts";
import { RecordType } from "../../codec/mod.ts";
import { a, nsec, srv, txt } from "../cache/_records.ts";
import { rig } from "./_harness.ts";

const DEN = "Den._http._tcp.local";

Deno.test("errors: ResolveError names the service it could not resolve", async () => {
  await using r = await rig();
  const failed = assert.rejects(r.querier.resolve(DEN, { timeout: 1000 }), (e) => {
    assert.ok(e instanceof ResolveError);
    assert.equal(e.fullName, DEN);
    assert.equal(e.reason, "timeout");
    return true;
  });
  await r.advance(1000);
  await failed;
});

Deno.test("errors: LookupError names the host of lookupHost and the address of lookupAddress", async () => {
  await using r = await rig();
  const host = assert.rejects(r.querier.lookupHost("box.local", { timeout: 1000 }), (e) => {
    assert.ok(e instanceof LookupError);
    assert.equal(e.host, "box.local");
    assert.equal(e.address, undefined);
    assert.equal(e.reason, "timeout");
    return true;
  });
  const address = assert.rejects(r.querier.lookupAddress("198.18.0.7", { timeout: 1000 }), (e) => {
    assert.ok(e instanceof LookupError);
    assert.equal(e.address, "198.18.0.7");
    assert.equal(e.host, undefined);
    return true;
  });
  await r.advance(1000);
  await host;
  await address;
});

Deno.test("errors: a host that says it has no address (NSEC, RFC 6762 §6.1) is reason absent", async () => {
  await using r = await rig();
  r.respond([nsec("box.local", [RecordType.HINFO])]);
  await r.advance(10);
  await assert.rejects(r.querier.lookupHost("box.local"), (e) => {
    assert.ok(e instanceof LookupError);
    assert.equal(e.reason, "absent");
    assert.equal(e.host, "box.local");
    return true;
  });
});

Deno.test("errors: a lookup refused because the stack closed says so in reason", async () => {
  await using r = await rig();
  const pending = r.querier.lookupHost("box.local", { timeout: 5000 });
  await r.querier.close();
  await assert.rejects(pending, (e) => {
    assert.ok(e instanceof LookupError);
    assert.equal(e.reason, "closed");
    assert.equal(e.host, "box.local");
    return true;
  });
});

Deno.test("errors: bad arguments reject (never throw synchronously) with TypeError or RangeError", async () => {
  await using r = await rig();
  const calls: [() => Promise<unknown>, ErrorConstructor][] = [
    [() => r.querier.resolve("bad"), TypeError],
    [() => r.querier.resolve(DEN, { timeout: -1 }), RangeError],
    [() => r.querier.lookupHost("box.example"), TypeError],
    [() => r.querier.lookupHost("box.local", { timeout: Number.NaN }), RangeError],
    [() => r.querier.lookupAddress("not an address"), TypeError],
    [() => r.querier.lookupAddress("198.18.0.7", { timeout: -5 }), RangeError],
  ];
  for (const [call, type] of calls) {
    let promise: Promise<unknown> | undefined;
    assert.doesNotThrow(() => (promise = call()));
    await assert.rejects(promise!, type);
  }
  // Good arguments still answer from the cache.
  for (const rec of [srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")]) {
    r.cache.insertRecord(rec, { interfaceName: "eth0", now: r.clock.now() });
  }
  assert.equal((await r.querier.resolve(DEN)).port, 80);
});
