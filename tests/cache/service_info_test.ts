import assert from "node:assert/strict";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import { serviceInfo } from "../../cache/service_assembly.ts";
import { RecordType } from "../../codec/mod.ts";
import { a, aaaa, at, ptr, srv, txt } from "./_records.ts";

const DEN = "Den._http._tcp.local";

Deno.test("serviceInfo: one service over two links, each address tagged with its link", () => {
  const cache = new PeerServiceCache();
  for (const r of [srv(DEN, "den.local"), txt(DEN, ["a=1"]), a("den.local", "198.18.0.9")]) {
    cache.insertRecord(r, at(0, "eth0"));
  }
  for (const r of [srv(DEN, "den.local"), txt(DEN, ["a=1"]), aaaa("den.local", "fe80::9")]) {
    cache.insertRecord(r, at(0, "eth1"));
  }
  const { service, missing } = serviceInfo(cache, DEN, { now: 0 })!;
  assert.deepEqual(missing, []);
  assert.deepEqual(service.interfaces, ["eth0", "eth1"]);
  assert.deepEqual(service.addresses, [
    { address: "198.18.0.9", family: "IPv4", interfaceName: "eth0" },
    { address: "fe80::9%eth1", family: "IPv6", interfaceName: "eth1" },
  ]);
});

Deno.test("serviceInfo: says what is missing, in the order srv, txt, address", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(ptr("_http._tcp.local", DEN), at(0));
  assert.deepEqual(serviceInfo(cache, DEN, { now: 0, ptrName: "_http._tcp.local" })?.missing, [
    "srv",
    "txt",
    "address",
  ]);
  cache.insertRecord(txt(DEN, []), at(0));
  assert.deepEqual(serviceInfo(cache, DEN, { now: 0 })?.missing, ["srv", "address"]);
  assert.equal(serviceInfo(cache, "Other._http._tcp.local", { now: 0 }), undefined);
});

Deno.test("serviceInfo: browsed, its links and TTL are its PTRs'", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(ptr("_http._tcp.local", DEN, 4500), at(0, "eth0"));
  for (const r of [srv(DEN, "den.local"), txt(DEN, [])]) cache.insertRecord(r, at(0, "eth1"));
  const found = serviceInfo(cache, DEN, { now: 500, ptrName: "_http._tcp.local" })!;
  assert.deepEqual(found.service.interfaces, ["eth0"]);
  assert.equal(found.service.ttl, 4499);
  assert.equal(serviceInfo(cache, DEN, { now: 500 })!.service.ttl, 119); // resolved: the SRV's
});

Deno.test("serviceInfo: the newest SRV wins across links; interfaces filter", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(srv(DEN, "old.local", 80), at(0, "eth0"));
  cache.insertRecord(srv(DEN, "new.local", 81), at(5000, "eth1"));
  assert.equal(serviceInfo(cache, DEN, { now: 5000 })!.service.host, "new.local");
  assert.equal(serviceInfo(cache, DEN, { now: 5000, interfaces: ["eth0"] })!.service.port, 80);
});

Deno.test("serviceInfo: the TXT is read from the cache each time and survives JSON", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(txt(DEN, ["path=/x", "flag"]), at(0));
  const { service } = serviceInfo(cache, DEN, { now: 0 })!;
  assert.equal(service.txt?.getString("path"), "/x");
  assert.equal(service.txt?.get("flag"), true);
  const json = JSON.parse(JSON.stringify(service));
  assert.deepEqual(json.txt, { path: "/x", flag: true });
  assert.equal(json.name, "Den");
  assert.equal(cache.lookup(DEN, RecordType.TXT).length, 1);
});
