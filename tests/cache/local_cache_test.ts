import assert from "node:assert/strict";
import { RecordType, type TxtRecord } from "../../codec/mod.ts";
import { LocalServiceCache } from "../../cache/local_cache.ts";
import { LocalRecord } from "../../cache/local_record.ts";
import { decodeTxt } from "../../dnssd/txt.ts";

const den = { name: "Den. 2", type: "_http._tcp", host: "me.local", port: 80, txt: { a: "1" } };
const announceAll = (records: readonly LocalRecord[]) => {
  for (const r of records) r.setState("announced");
};

Deno.test("addService holds PTR, SRV, TXT, NSEC and the _services PTR, all probing", () => {
  const local = new LocalServiceCache();
  const svc = local.addService({ ...den, subtypes: ["_printer"] });
  assert.equal(svc.fullName, "Den\\. 2._http._tcp.local");
  assert.equal(svc.name, "Den. 2");
  assert.equal(svc.type, "_http._tcp");
  assert.deepEqual(svc.subtypes, ["_printer"]);
  assert.deepEqual(svc.records.map((r) => r.type), [12, 12, 33, 16, 12, 47]);
  assert.ok(svc.records.every((r) => r.state === "probing"));
  assert.equal(local.size, 6);
  assert.equal(svc.records[2].service, svc.fullName);
  assert.equal(svc.records[4].service, undefined, "the _services PTR is shared");
});

Deno.test("lookup is case-insensitive, by type or ANY", () => {
  const local = new LocalServiceCache();
  local.addService(den);
  assert.equal(local.lookup("DEN\\. 2._HTTP._tcp.local", RecordType.SRV).length, 1);
  assert.deepEqual(
    local.lookup("den\\. 2._http._tcp.local.", RecordType.ANY).map((r) => r.type).sort(),
    [16, 33, 47],
  );
  assert.equal(local.lookup("_HTTP._TCP.local", RecordType.PTR).length, 1);
  assert.equal(local.lookup("nobody.local", RecordType.ANY).length, 0);
  assert.ok(local.owns("DEN\\. 2._http._tcp.local"));
  assert.ok(!local.owns("other._http._tcp.local"));
});

Deno.test("a second service of the same name (any case) is refused", () => {
  const local = new LocalServiceCache();
  local.addService(den);
  assert.throws(() => local.addService({ ...den, name: "DEN. 2" }), /a service has that name/);
  assert.throws(() => local.addService({ ...den, addresses: ["198.18.0.2"] }), /setHost/);
});

Deno.test("the _services PTR is shared by services of a type and goes with the last", () => {
  const local = new LocalServiceCache();
  const one = local.addService(den);
  const two = local.addService({ ...den, name: "Kitchen", type: "_HTTP._tcp" });
  local.addService({ ...den, name: "Printer", type: "_ipp._tcp" });
  const enumeration = local.lookup("_services._dns-sd._udp.local", RecordType.PTR);
  assert.deepEqual(enumeration.map((r) => r.record.data), ["_http._tcp.local", "_ipp._tcp.local"]);
  const shared = (svc: typeof one) => svc.records.find((r) => r.name.startsWith("_services"));
  assert.ok(shared(one) !== undefined);
  assert.equal(shared(one), shared(two));
  announceAll(local.records());
  const firstGoodbyes = local.removeService(one.fullName);
  assert.ok(!firstGoodbyes.some((r) => r.name === "_services._dns-sd._udp.local"));
  assert.equal(local.lookup("_services._dns-sd._udp.local", RecordType.PTR).length, 2);
  const secondGoodbyes = local.removeService("kitchen._http._tcp.local");
  assert.ok(secondGoodbyes.some((r) => r.name === "_services._dns-sd._udp.local"));
  assert.equal(local.lookup("_services._dns-sd._udp.local", RecordType.PTR).length, 1);
});

Deno.test("updateTxt replaces the TXT and re-announces it; no goodbye for the old one", () => {
  const local = new LocalServiceCache();
  const svc = local.addService(den);
  assert.equal(local.updateTxt(svc.fullName, { a: "0" }).state, "probing", "still probing");
  announceAll(svc.records);
  const next = local.updateTxt(svc.fullName, { a: "2", flag: true });
  assert.equal(next.state, "announcing");
  assert.equal(next.announceCount, 0);
  const [current] = local.lookup(svc.fullName, RecordType.TXT);
  assert.equal(current, next);
  assert.equal(decodeTxt((current.record as TxtRecord).data).getString("a"), "2");
  assert.equal(svc.txt.getString("a"), "2");
  assert.ok(svc.records.includes(next));
  assert.deepEqual(local.pendingGoodbyes(), []);
  assert.equal(
    local.updateTxt(svc.fullName, { a: "2", flag: true }),
    next,
    "same bytes: no-op",
  );
  assert.throws(() => local.updateTxt("nobody._http._tcp.local", {}), /no such service/);
  assert.throws(() => local.updateTxt(svc.fullName, { k: "x".repeat(300) }), RangeError);
});

Deno.test("removeService returns goodbyes for announced records and frees bytes when sent", () => {
  const local = new LocalServiceCache();
  const empty = local.bytes;
  const svc = local.addService({ ...den, subtypes: ["_printer"] });
  announceAll(svc.records);
  const goodbyes = local.removeService(svc.fullName);
  assert.equal(goodbyes.length, 6);
  assert.ok(goodbyes.every((r) => r.goodbyePending && r.state === "goodbye"));
  assert.equal(local.lookup(svc.fullName, RecordType.ANY).length, 0);
  assert.ok(!local.owns(svc.fullName));
  assert.deepEqual(local.pendingGoodbyes(), goodbyes);
  assert.ok(local.bytes > empty, "still counted until sent");
  local.completeGoodbyes(goodbyes);
  assert.equal(local.bytes, empty);
  assert.equal(local.size, 0);
  assert.throws(() => local.removeService(svc.fullName), /no such service/);
});

Deno.test("records never announced need no goodbye", () => {
  const local = new LocalServiceCache();
  const svc = local.addService(den);
  assert.deepEqual(local.removeService(svc.fullName), []);
  assert.equal(local.size, 0);
  assert.equal(local.bytes, 0);
});

Deno.test("adding past the budget fails with a RangeError and changes nothing", () => {
  const probe = new LocalServiceCache();
  probe.addService(den);
  const local = new LocalServiceCache({ maxBytes: probe.bytes * 2 + 100 });
  local.addService(den);
  local.addService({ ...den, name: "Two" });
  const size = local.size;
  const bytes = local.bytes;
  assert.throws(
    () => local.addService({ ...den, name: "Three", type: "_ipp._tcp" }),
    (e: unknown) => e instanceof RangeError && /^Cannot add service "Three\._ipp/.test(e.message),
  );
  assert.equal(local.size, size);
  assert.equal(local.bytes, bytes);
  assert.ok(local.bytes <= local.capacity);
  assert.equal(local.services().length, 2, "our own records are never evicted");
});

Deno.test("setHost adds address records and an NSEC; changes keep what did not change", () => {
  const local = new LocalServiceCache();
  const first = local.setHost("me.local", ["198.18.0.2", "fd00::2"]);
  assert.deepEqual(first.map((r) => r.type), [1, 28, 47]);
  assert.ok(first.every((r) => r.state === "probing"));
  announceAll(first);
  const second = local.setHost("ME.local", ["198.18.0.2", "198.18.0.3"]);
  const byData = new Map(second.map((r) => [String(JSON.stringify(r.record.data)), r]));
  assert.equal(byData.get('"198.18.0.2"')?.state, "announced", "unchanged record kept");
  assert.equal(
    byData.get('"198.18.0.3"')?.state,
    "announcing",
    "new address announced, not probed",
  );
  const goodbyes = local.pendingGoodbyes();
  assert.deepEqual(
    goodbyes.map((r) => r.record.data).sort(),
    [
      "fd00::2",
      { nextName: "me.local", types: [1, 28] },
    ].sort(),
  );
  assert.equal(local.lookup("me.local", RecordType.A).length, 2);
  assert.equal(local.lookup("me.local", RecordType.AAAA).length, 0);
  assert.equal(local.removeHost("me.local").length, 3);
});

Deno.test("host records scoped to an interface are looked up on that interface only", () => {
  const local = new LocalServiceCache();
  local.setHost("me.local", ["198.18.0.2"], { interfaceName: "eth0" });
  local.setHost("me.local", ["198.18.1.2"], { interfaceName: "eth1" });
  const on = (iface: string) =>
    local.lookup("me.local", RecordType.A, { interfaceName: iface }).map((r) => r.record.data);
  assert.deepEqual(on("eth0"), ["198.18.0.2"]);
  assert.deepEqual(on("eth1"), ["198.18.1.2"]);
  assert.equal(local.lookup("me.local", RecordType.A).length, 2);
});

Deno.test("LocalRecord tracks announcements and per-interface multicast times", () => {
  const r = new LocalRecord({
    name: "h.local",
    type: 1,
    class: 1,
    cacheFlush: true,
    ttl: 120,
    data: "198.18.0.2",
  });
  assert.equal(r.state, "probing");
  assert.equal(r.lastMulticastAt("eth0"), -Infinity);
  r.setState("announcing");
  assert.equal(r.countAnnouncement(), 1);
  assert.equal(r.countAnnouncement(), 2);
  r.setState("announced");
  r.setState("announcing");
  assert.equal(r.announceCount, 0, "a new burst counts from zero");
  r.markMulticast("eth0", 1500);
  assert.equal(r.lastMulticastAt("eth0"), 1500);
  assert.equal(r.lastMulticastAt("eth1"), -Infinity);
  assert.deepEqual(r.rdata, new Uint8Array([198, 18, 0, 2]));
  assert.ok(r.unique);
});
