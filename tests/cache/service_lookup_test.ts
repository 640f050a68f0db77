import assert from "node:assert/strict";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import { serviceRecords } from "../../dnssd/service_records.ts";
import { a, aaaa, at, ptr, srv, txt } from "./_records.ts";

function publish(cache: PeerServiceCache, instance: string, now = 0, iface = "eth0") {
  const set = serviceRecords({
    name: instance,
    type: "_http._tcp",
    host: `${instance.replace(/\W/g, "")}.local`,
    port: 8080,
    txt: { path: "/" + instance },
    subtypes: ["_printer"],
    addresses: ["198.18.0.9", "fd00::9"],
  });
  for (const r of set.records) cache.insertRecord(r, at(now, iface));
  return set;
}

Deno.test("lookupServices assembles complete services from PTR, SRV, TXT and addresses", () => {
  const cache = new PeerServiceCache();
  publish(cache, "Den. 2\\b");
  publish(cache, "Kitchen");
  const found = cache.lookupServices("_http._tcp").sort((x, y) => x.name.localeCompare(y.name));
  assert.equal(found.length, 2);
  const [den] = found;
  assert.equal(den.name, "Den. 2\\b");
  assert.equal(den.fullName, "Den\\. 2\\\\b._http._tcp.local");
  assert.equal(den.type, "_http._tcp");
  assert.equal(den.domain, "local");
  assert.equal(den.host, "Den2b.local");
  assert.equal(den.port, 8080);
  assert.deepEqual([den.priority, den.weight, den.port, den.host], [0, 0, 8080, "Den2b.local"]);
  assert.equal(den.txt?.getString("path"), "/Den. 2\\b");
  assert.deepEqual(den.addresses.map((a) => a.address), ["198.18.0.9", "fd00::9"]);
  assert.equal(den.interfaces[0], "eth0");
  assert.equal(den.complete, true);
});

Deno.test("lookupServices finds subtypes and accepts the type with a domain or in any case", () => {
  const cache = new PeerServiceCache();
  publish(cache, "Den");
  assert.equal(cache.lookupServices("_printer._sub._http._tcp").length, 1);
  assert.equal(cache.lookupServices("_scanner._sub._http._tcp").length, 0);
  assert.equal(cache.lookupServices("_HTTP._tcp.local.").length, 1);
  assert.equal(cache.lookupServices("_ipp._tcp").length, 0);
  assert.throws(() => cache.lookupServices("http"), TypeError);
});

Deno.test("a service heard on two interfaces gives one result per interface", () => {
  const cache = new PeerServiceCache();
  publish(cache, "Den", 0, "eth0");
  publish(cache, "Den", 0, "eth1");
  const found = cache.lookupServices("_http._tcp");
  assert.deepEqual(found.map((s) => s.interfaces[0]).sort(), ["eth0", "eth1"]);
  assert.equal(cache.lookupServices("_http._tcp", { interfaceName: "eth1" }).length, 1);
});

Deno.test("an incomplete service is reported as such, or left out with completeOnly", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(ptr("_http._tcp.local", "Den._http._tcp.local"), at(0));
  cache.insertRecord(srv("Den._http._tcp.local", "den.local"), at(0));
  let [den] = cache.lookupServices("_http._tcp");
  assert.equal(den.complete, false);
  assert.equal(den.txt, undefined);
  assert.deepEqual(den.addresses.map((a) => a.address), []);
  assert.equal(cache.lookupServices("_http._tcp", { completeOnly: true }).length, 0);
  cache.insertRecord(txt("Den._http._tcp.local", []), at(0));
  cache.insertRecord(aaaa("DEN.local", "fd00::1"), at(0));
  [den] = cache.lookupServices("_http._tcp", { completeOnly: true });
  assert.equal(den.complete, true);
  assert.equal(den.txt?.size, 0);
});

Deno.test("during a cache-flush second the new TXT and address win over the old", () => {
  const cache = new PeerServiceCache();
  publish(cache, "Den");
  cache.insertRecord(txt("Den._http._tcp.local", ["path=/new"]), at(5000));
  cache.insertRecord(a("Den.local", "198.18.0.10"), at(5000));
  const [den] = cache.lookupServices("_http._tcp");
  assert.equal(den.txt?.getString("path"), "/new");
  assert.deepEqual(den.addresses.map((a) => a.address), ["198.18.0.10", "fd00::9"]);
});

Deno.test("the SRV with the lowest priority, then highest weight, wins (RFC 2782)", () => {
  const cache = new PeerServiceCache();
  const s = (priority: number, weight: number, port: number) => ({
    ...srv("Den._http._tcp.local", "den.local"),
    data: { priority, weight, port, target: "den.local" },
  });
  cache.insertRecord(s(10, 0, 1), at(0));
  cache.insertRecord(s(0, 1, 2), at(0));
  cache.insertRecord(s(0, 5, 3), at(0));
  const [den] = cache.resolveService("Den._http._tcp.local");
  assert.equal(den.port, 3);
});

Deno.test("resolveService works from an instance name in any case, per interface", () => {
  const cache = new PeerServiceCache();
  publish(cache, "Den", 0, "eth0");
  const [den] = cache.resolveService("den._HTTP._tcp.local.");
  assert.equal(den.name, "Den");
  assert.equal(den.complete, true);
  assert.deepEqual(cache.resolveService("nobody._http._tcp.local"), []);
});

Deno.test("lookup with now hides expired parts of a service", () => {
  const cache = new PeerServiceCache();
  publish(cache, "Den");
  const [den] = cache.lookupServices("_http._tcp", { now: 130_000 }); // SRV (120 s) gone
  assert.equal(den.host, undefined);
  assert.equal(den.complete, false);
});
