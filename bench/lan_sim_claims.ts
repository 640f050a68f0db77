/**
 * The claim packets of the LAN simulation (issue 16 item 8, RFC 6762 §8): in
 * the first minute of `bench/_lan_sim.ts` (each host publishes three services
 * at once and browses one type), how many probes and announcements each host
 * sends, how many other responses (answers) and queries, and how many
 * announcements lack an address record for their host (RFC 6763 §12.2: a
 * browser of that type must then ask for it). Packets, not time: the counts do
 * not depend on the machine's load.
 *
 * An announcement is told from an answer by its `_services._dns-sd._udp` PTR
 * or its reverse-mapping PTRs, which nothing asks for in the simulation.
 *
 *   deno run -A bench/lan_sim_claims.ts [--hosts=50] [--runs=3]
 *
 * Prints one JSON line per run (seeds 1, 2, 3...) and a min-max summary.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { decodeMessage, RecordType } from "../codec/mod.ts";
import { LanSimulation } from "./_lan_sim.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    hosts: { type: "string", default: "50" },
    runs: { type: "string", default: "3" },
  },
});
const hosts = Number(values.hosts);
const runs = Number(values.runs);
// deno-lint-ignore no-console
const emit = (m: Record<string, unknown>) => console.log(JSON.stringify(m));

const ANNOUNCED_ONLY = /^_services\._dns-sd\._udp\.local$|\.(in-addr|ip6)\.arpa$/i;

interface ClaimCounts {
  packets: number;
  probes: number;
  announcements: number;
  otherResponses: number;
  queries: number;
  announcementsWithoutAddress: number;
}

async function once(seed: number): Promise<ClaimCounts> {
  const sim = LanSimulation.start({ hosts, seed, logLimit: 1_000_000 });
  await sim.run(60_000, 100);
  const n: ClaimCounts = {
    packets: 0,
    probes: 0,
    announcements: 0,
    otherResponses: 0,
    queries: 0,
    announcementsWithoutAddress: 0,
  };
  for (const entry of sim.network.log) {
    n.packets++;
    const m = decodeMessage(entry.data);
    if (!(m.flags & 0x8000)) {
      if (m.authorities.length > 0) n.probes++;
      else n.queries++;
    } else if (m.answers.some((r) => ANNOUNCED_ONLY.test(r.name))) {
      n.announcements++;
      const records = [...m.answers, ...m.additionals];
      if (!records.some((r) => r.type === RecordType.A)) n.announcementsWithoutAddress++;
    } else n.otherResponses++;
  }
  await sim.close();
  const perHost = (x: number) => Math.round(x / hosts * 100) / 100;
  return {
    packets: perHost(n.packets),
    probes: perHost(n.probes),
    announcements: perHost(n.announcements),
    otherResponses: perHost(n.otherResponses),
    queries: perHost(n.queries),
    announcementsWithoutAddress: n.announcementsWithoutAddress,
  };
}

if (import.meta.main) {
  const results: ClaimCounts[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    const r = await once(seed);
    results.push(r);
    emit({ run: seed, hosts, firstMinutePerHost: r });
  }
  const range = (k: keyof ClaimCounts) => {
    const xs = results.map((r) => r[k]);
    return `${Math.min(...xs)}-${Math.max(...xs)}`;
  };
  emit({
    summary: true,
    hosts,
    runs,
    packets: range("packets"),
    probes: range("probes"),
    announcements: range("announcements"),
    otherResponses: range("otherResponses"),
    queries: range("queries"),
    announcementsWithoutAddress: range("announcementsWithoutAddress"),
  });
}
