/**
 * Issue 16 item 1: hostile packets over the wire. A stack publishing
 * `Den._mdt._tcp` and browsing takes the codec fuzzer's mutations of the
 * corpus and the shapes that crashed other stacks (hostile_packets.ts) over
 * IPv4 and IPv6 from another namespace. CI sends 10,000 at 2,500/s;
 * `bench/hardening_netns_bench.ts` sends 100,000 at 5,000/s with the same
 * checks. Set MDNS_HOSTILE_COUNT to change the count here.
 */

import assert from "node:assert/strict";
import { Lab, netnsTest } from "./harness.ts";
import { checkHostileRun, runHostile } from "./hostile_scenario.ts";

const COUNT = Number(Deno.env.get("MDNS_HOSTILE_COUNT") ?? 10_000);

netnsTest(
  `hardening: ${COUNT} hostile packets over IPv4 and IPv6 leave a publishing, browsing stack up, named, resolvable, flat in memory and accounting for each`,
  async () => {
    await using lab = await Lab.create();
    const run = await runHostile(lab, { count: COUNT, rate: 2500 });
    const problems = checkHostileRun(run);
    assert.deepEqual(problems, [], JSON.stringify(run, null, 1));
  },
);
