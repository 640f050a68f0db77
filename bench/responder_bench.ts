// The cost of planning the answer to a PTR query against a local cache of
// 1,000 services of one type: the questions and known answers are read
// straight from the packet, the records looked up, the known answers
// suppressed (RFC 6762 §7.1); then the additionals (RFC 6763 §12) and the
// packets of the reply.
//
//   deno bench -A bench/responder_bench.ts
import { encodeMessage, MessageReader, type PtrRecord, RecordType } from "../codec/mod.ts";
import { LocalServiceCache } from "../cache/local_cache.ts";
import { additionalRecords, planAnswers } from "../responder/_answer_planner.ts";
import { buildPackets, RESPONSE_FLAGS } from "../responder/_packets.ts";

const SERVICES = 1000;
const local = new LocalServiceCache({ maxBytes: 16 * 1024 * 1024 });
local.setHost("box.local", ["198.18.0.2", "fe80::2"], { interfaceName: "eth0" });
for (let i = 0; i < SERVICES; i++) {
  local.addService({
    instance: `Service ${i}`,
    type: "_http._tcp",
    host: "box.local",
    port: 8000 + i,
    txt: { path: `/s/${i}` },
  });
}
for (const r of local.records()) r.setState("announced");

function query(knownAnswers: number): Uint8Array {
  const answers: PtrRecord[] = [];
  for (let i = 0; i < knownAnswers; i++) {
    answers.push({
      name: "_http._tcp.local",
      type: RecordType.PTR,
      class: 1,
      cacheFlush: false,
      ttl: 4500,
      data: `Service ${i}._http._tcp.local`,
    });
  }
  return encodeMessage({
    id: 0,
    flags: 0,
    questions: [{
      name: "_http._tcp.local",
      type: RecordType.PTR,
      class: 1,
      unicastResponse: false,
    }],
    answers,
    authorities: [],
    additionals: [],
  });
}

const origin = { interfaceName: "eth0", sourcePort: 5353, unicast: false };
const options = { localCache: local, now: 0, random: () => 0.5 };
const reader = new MessageReader(new Uint8Array(12));

for (const known of [0, 100, 300]) {
  const packet = query(known);
  Deno.bench(`plan PTR answer, ${SERVICES} services, ${known} known answers`, {
    group: `known ${known}`,
    baseline: true,
  }, () => {
    const plan = planAnswers(reader.reset(packet), origin, options);
    if (plan.replies[0].records.length !== SERVICES - known) throw new Error("wrong plan");
  });
  Deno.bench(`plan + additionals + packets, ${SERVICES} services, ${known} known answers`, {
    group: `known ${known}`,
  }, () => {
    const plan = planAnswers(reader.reset(packet), origin, options);
    const records = plan.replies[0].records;
    const extra = additionalRecords(records, local, "eth0");
    buildPackets({
      flags: RESPONSE_FLAGS,
      answers: records.map((r) => r.record),
      additionals: extra.map((r) => r.record),
    });
  });
}

const single = query(0);
const srvQuery = encodeMessage({
  id: 0,
  flags: 0,
  questions: [{
    name: "Service 500._http._tcp.local",
    type: RecordType.SRV,
    class: 1,
    unicastResponse: false,
  }],
  answers: [],
  authorities: [],
  additionals: [],
});
Deno.bench("plan SRV answer (one instance) among 1,000 services", { group: "single" }, () => {
  planAnswers(reader.reset(srvQuery), origin, options);
});
void single;
