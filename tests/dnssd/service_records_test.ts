import assert from "node:assert/strict";
import {
  decodeMessage,
  encodeMessage,
  type NsecRecord,
  type PtrRecord,
  RecordType,
  type ResourceRecord,
  type SrvRecord,
  type TxtRecord,
} from "../../codec/mod.ts";
import { parseServiceInstanceName } from "../../dnssd/service_name.ts";
import {
  goodbyeRecord,
  HOST_RECORD_TTL,
  hostRecords,
  SERVICE_RECORD_TTL,
  serviceRecords,
} from "../../dnssd/service_records.ts";
import { decodeTxt } from "../../dnssd/txt.ts";

const base = {
  name: "Living Room. 2\\b",
  type: "_http._tcp",
  host: "myhost.local",
  port: 8080,
  txt: { path: "/" },
  subtypes: ["_printer", "_printer"],
  addresses: ["198.18.0.2", "fd00::2", "198.18.0.2"],
};

Deno.test("serviceRecords builds every record of RFC 6763 with the right names", () => {
  const set = serviceRecords(base);
  assert.equal(set.fullName, "Living Room\\. 2\\\\b._http._tcp.local");
  assert.equal(set.typeName, "_http._tcp.local");
  assert.equal(set.ptr.name, "_http._tcp.local");
  assert.equal(set.ptr.data, set.fullName);
  assert.equal(set.subtypePtrs.length, 1, "duplicate subtypes collapse");
  assert.equal(set.subtypePtrs[0].name, "_printer._sub._http._tcp.local");
  assert.equal(set.subtypePtrs[0].data, set.fullName);
  assert.equal(set.enumerationPtr.name, "_services._dns-sd._udp.local");
  assert.equal(set.enumerationPtr.data, "_http._tcp.local");
  assert.deepEqual(set.srv.data, { priority: 0, weight: 0, port: 8080, target: "myhost.local" });
  assert.deepEqual(set.nsec.data, {
    nextName: set.fullName,
    types: [RecordType.TXT, RecordType.SRV],
  });
  assert.equal(set.host?.a.length, 1, "duplicate addresses collapse");
  assert.equal(set.host?.aaaa.length, 1);
  assert.deepEqual(set.host?.nsec?.data, {
    nextName: "myhost.local",
    types: [RecordType.A, RecordType.AAAA],
  });
  assert.equal(set.records.length, 6 + 3);
});

Deno.test("TTLs follow RFC 6762 §10 and cache-flush is on unique records only", () => {
  const set = serviceRecords(base);
  for (const r of set.records) {
    const shared = r.type === RecordType.PTR;
    assert.equal(r.cacheFlush, !shared, `${r.name} type ${r.type}`);
    const hostTtl = r.type === RecordType.SRV || r.type === RecordType.A ||
      r.type === RecordType.AAAA || r.type === RecordType.NSEC;
    assert.equal(r.ttl, hostTtl ? HOST_RECORD_TTL : SERVICE_RECORD_TTL, `${r.name} ${r.type}`);
  }
});

Deno.test("custom TTLs and SRV priority/weight are honoured and range-checked", () => {
  const set = serviceRecords({ ...base, ttl: 3000, hostTtl: 60, priority: 1, weight: 5 });
  assert.equal(set.ptr.ttl, 3000);
  assert.equal(set.txt.ttl, 3000);
  assert.equal(set.srv.ttl, 60);
  assert.equal(set.srv.data.priority, 1);
  assert.equal(set.srv.data.weight, 5);
  assert.throws(() => serviceRecords({ ...base, port: 70000 }), RangeError);
  assert.throws(() => serviceRecords({ ...base, port: 1.5 }), TypeError);
  assert.throws(() => serviceRecords({ ...base, ttl: 0 }), RangeError);
  assert.throws(() => serviceRecords({ ...base, type: "_http._sctp" }), TypeError);
  assert.throws(() => serviceRecords({ ...base, type: "_p._sub._http._tcp" }), /subtypes/);
  assert.throws(() => serviceRecords({ ...base, addresses: ["not-an-ip"] }), TypeError);
  assert.throws(() => serviceRecords({ ...base, txt: { k: "x".repeat(300) } }), RangeError);
});

Deno.test("a service without TXT publishes a single empty string", () => {
  const set = serviceRecords({ ...base, txt: undefined });
  assert.deepEqual(set.txt.data, [new Uint8Array(0)]);
});

Deno.test("the record set round-trips through the codec, instance escapes intact", () => {
  const set = serviceRecords(base);
  const packet = encodeMessage({
    id: 0,
    flags: 0x8400,
    questions: [],
    answers: [...set.records],
    authorities: [],
    additionals: [],
  });
  const back = decodeMessage(packet).answers;
  assert.equal(back.length, set.records.length);
  // TXT strings come back as views into the packet; compare them as plain arrays.
  const norm = (r: ResourceRecord) =>
    r.type === RecordType.TXT ? { ...r, data: (r.data as Uint8Array[]).map((s) => [...s]) } : r;
  for (let i = 0; i < back.length; i++) assert.deepEqual(norm(back[i]), norm(set.records[i]));
  const ptr = back[0] as PtrRecord;
  const parsed = parseServiceInstanceName(ptr.data);
  assert.equal(parsed.name, "Living Room. 2\\b");
  const srv = back.find((r) => r.type === RecordType.SRV) as SrvRecord;
  assert.equal(srv.name, set.fullName);
  const txt = back.find((r) => r.type === RecordType.TXT) as TxtRecord;
  assert.equal(decodeTxt(txt.data).getString("path"), "/");
  const nsec = back.find((r) => r.type === RecordType.NSEC && r.name === set.fullName);
  assert.deepEqual((nsec as NsecRecord).data.types, [RecordType.TXT, RecordType.SRV]);
});

Deno.test("hostRecords: NSEC lists only the families present, none without addresses", () => {
  assert.deepEqual(hostRecords("h.local", ["198.18.0.2"]).nsec?.data.types, [RecordType.A]);
  assert.deepEqual(hostRecords("h.local", ["fe80::1"]).nsec?.data.types, [RecordType.AAAA]);
  const none = hostRecords("h.local", []);
  assert.equal(none.nsec, undefined);
  assert.equal(none.records.length, 0);
  assert.equal(hostRecords("h.local", ["198.18.0.2"], { ttl: 10 }).a[0].ttl, 10);
});

Deno.test("goodbyeRecord copies a record with TTL 0 and leaves the original alone", () => {
  const set = serviceRecords(base);
  const bye = goodbyeRecord(set.ptr);
  assert.equal(bye.ttl, 0);
  assert.equal(bye.cacheFlush, false);
  assert.equal(set.ptr.ttl, SERVICE_RECORD_TTL);
});
