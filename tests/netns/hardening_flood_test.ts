/**
 * Issue 16 item 2: a query flood. 20,000 PTR queries a second for our service
 * type, first multicast over IPv4 and IPv6, then legacy unicast (ephemeral
 * port, RFC 6762 §6.7): every resolve check during the flood passes, no record
 * of ours is multicast more than once a second per link and family (counted
 * by a capture on a third host), and the responder's RSS and heap stay within
 * FLOOD_BOUNDS after warm-up. Of a legacy flood from one address the stack
 * reads at most that address's bucket (responder/_legacy_limit.ts) and
 * counts the rest as `legacyLimited`, while the checks from another address
 * are all answered. CI floods 3 s each (MDNS_FLOOD_SECONDS), legacy
 * at LEGACY_RATE (below);
 * `bench/hardening_netns_bench.ts` floods 10 s.
 */

import assert from "node:assert/strict";
import { Lab, netnsTest } from "./harness.ts";
import { checkFloodRun, floodLab } from "./flood_scenario.ts";

const SECONDS = Number(Deno.env.get("MDNS_FLOOD_SECONDS") ?? 3);
const RATE = 20_000;
/**
 * Legacy unicast at 20,000/s, as the issue asks. It used to fail about one
 * check in 13 even with a stub resolver's retry, and the per-family figures
 * showed why: only the checks over IPv6, the socket the IPv4 flood did not
 * reach. The flooded socket's receive loop kept the event loop to itself
 * (Deno's receive() on a ready socket settles as a microtask), so the IPv6
 * socket waited seconds; the FFI drain now yields a turn after each full
 * drain (transport/_managed_socket.ts). MDNS_LEGACY_FLOOD_RATE lowers it.
 */
const LEGACY_RATE = Number(Deno.env.get("MDNS_LEGACY_FLOOD_RATE") ?? 20_000);

netnsTest(
  `hardening: ${RATE} multicast, then ${LEGACY_RATE} legacy unicast, queries a second for ${SECONDS} s each: resolves pass, each record multicast at most once a second, memory bounded`,
  async () => {
    await using lab = await Lab.create();
    const flood = await floodLab(lab);
    for (const mode of ["multicast", "legacy"] as const) {
      const run = await flood.flood(mode, mode === "multicast" ? RATE : LEGACY_RATE, SECONDS);
      assert.deepEqual(checkFloodRun(run), [], JSON.stringify(run, null, 1));
    }
    await flood.target.close();
  },
);
