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
    name: `Service ${i}`,
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

const origin = { interfaceName: "eth0", family: "IPv4" as const, sourcePort: 5353, unicast: false };
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
// mDNSResponder's shape: a browse question and a probe (question + Authority
// record) in one packet; only the probe question's answers are a defence.
const probeAndBrowse = encodeMessage({
  id: 0,
  flags: 0,
  questions: [
    { name: "_http._tcp.local", type: RecordType.PTR, class: 1, unicastResponse: false },
    { name: "box.local", type: RecordType.ANY, class: 1, unicastResponse: true },
  ],
  answers: [],
  authorities: [{
    name: "box.local",
    type: RecordType.A,
    class: 1,
    cacheFlush: false,
    ttl: 120,
    data: "198.18.0.77",
  }],
  additionals: [],
});
Deno.bench("plan probe for our host + PTR question, 1,000 services", { group: "single" }, () => {
  const plan = planAnswers(reader.reset(probeAndBrowse), origin, options);
  if (plan.replies.length === 0) throw new Error("wrong plan");
});
void single;

// The whole query path of the part, sockets aside: onQuery plans, writes and
// hands the packet to `send` (a no-op here). Queries answered per second per
// core is 1 / this time.
import { Responder } from "../responder/_responder.ts";
import { VirtualClock } from "../testing/mod.ts";
import type { Datagram } from "../transport/transport.ts";

const clock = new VirtualClock();
const responder = new Responder({
  clock,
  random: () => 0.5,
  send: () => Promise.resolve(true),
  links: () => [{ name: "eth0", index: 1, ipv4: ["198.18.0.2/24"], ipv6: [] }],
  wake: () => {},
  localCache: new LocalServiceCache(),
  hostName: "box.local",
  // The clock stands still and one address asks: what is measured is the
  // answer, not the per-address bound on legacy queries (`_legacy_limit.ts`).
  legacyQueryRate: Infinity,
});
const published = responder.publish({ name: "Den", type: "_http._tcp", port: 80 });
for (let t = 0; t < 20; t++) {
  clock.advance(250);
  responder.run(clock.now());
}
await published;
const legacy = (name: string, type: number): Datagram => ({
  data: encodeMessage({
    id: 7,
    flags: 0,
    questions: [{ name, type, class: 1, unicastResponse: false }],
    answers: [],
    authorities: [],
    additionals: [],
  }),
  interfaceName: "eth0",
  family: "IPv4",
  source: { address: "198.18.0.9", port: 40000 },
  unicast: false,
});
const multicast = (name: string, type: number): Datagram => ({
  ...legacy(name, type),
  source: { address: "198.18.0.9", port: 5353 },
});
for (
  const [label, datagram] of [
    ["legacy SRV query", legacy("Den._http._tcp.local", RecordType.SRV)],
    ["legacy PTR query", legacy("_http._tcp.local", RecordType.PTR)],
    // Unique: sent at once (then held by the 1 s limit while the clock stands still).
    ["multicast SRV query", multicast("Den._http._tcp.local", RecordType.SRV)],
  ] as const
) {
  Deno.bench(`Responder.onQuery, ${label} answered (plan, write, send)`, { group: "path" }, () => {
    responder.onQuery(reader.reset(datagram.data), datagram);
  });
}
