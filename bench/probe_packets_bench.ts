// The cost of writing a probe (RFC 6762 §8.1) packed by name (issue 13 item
// 6): each packet carries whole names, the question and the proposed SRV and
// TXT, so a peer's §8.2.1 tie-break sees our whole set. Against the old way,
// every question first then every authority record (which fits only while the
// questions fit one packet), for 10 names; and 60 names, which the old way
// could not write (its questions overflow one packet).
//
//   deno bench -A bench/probe_packets_bench.ts
import { RecordType, type ResourceRecord } from "../codec/mod.ts";
import { buildPackets, buildProbePackets, type ProbeName } from "../responder/_packets.ts";

function names(count: number): ProbeName[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `Service number ${i} with a rather long instance name._http._tcp.local`;
    const srv: ResourceRecord = {
      name,
      type: RecordType.SRV,
      class: 1,
      cacheFlush: false,
      ttl: 120,
      data: { priority: 0, weight: 0, port: 8000 + i, target: "box.local" },
    };
    const txt: ResourceRecord = {
      name,
      type: RecordType.TXT,
      class: 1,
      cacheFlush: false,
      ttl: 4500,
      data: [new TextEncoder().encode(`path=/s/${i}`)],
    };
    return {
      question: { name, type: RecordType.ANY, class: 1, unicastResponse: true },
      authorities: [srv, txt],
    };
  });
}

const ten = names(10);
const sixty = names(60);

Deno.bench("probe of 10 names, all questions then all records (old)", {
  group: "10 names",
  baseline: true,
}, () => {
  buildPackets({
    flags: 0,
    questions: ten.map((n) => n.question),
    authorities: ten.flatMap((n) => n.authorities),
  });
});
Deno.bench("probe of 10 names, packed by whole name", { group: "10 names" }, () => {
  if (buildProbePackets(0, ten).failed.length > 0) throw new Error("not written");
});
Deno.bench("probe of 60 names, packed by whole name", { group: "60 names" }, () => {
  if (buildProbePackets(0, sixty).failed.length > 0) throw new Error("not written");
});
