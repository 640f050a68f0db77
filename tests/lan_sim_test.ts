/**
 * Issue 16 item 8, the small version of `bench/lan_500_sim.ts`: 30 hosts on
 * the in-memory network and the virtual clock, each publishing three
 * services and browsing one type, all starting within one second.
 */
import assert from "node:assert/strict";
import { LanSimulation } from "../bench/_lan_sim.ts";

const HOSTS = 30;
/**
 * Packets per host in the first 15 s, one IPv4 link. The protocol needs 6
 * (3 probes, 2 announcements, 1 query: `bench/_lan_model.ts`); we send 23.2
 * here (9 probes, 7.7 queries, 6.6 responses): three probe series instead of
 * one (each service is claimed on its own, with its own 0-250 ms start),
 * follow-up A/AAAA questions for hosts whose address arrives a few ms after
 * their SRV, and answers to those. The bound leaves room for schedule
 * changes and catches a storm (the POOF flush above cost re-adds and more).
 */
const PACKETS_PER_HOST_BOUND = 30;

Deno.test(`LAN simulation: ${HOSTS} hosts starting within a second each see every service within 3 s, none is ever removed, and they send at most ${PACKETS_PER_HOST_BOUND} packets each in 15 s`, async () => {
  const sim = LanSimulation.start({ hosts: HOSTS, seed: 1 });
  await sim.run(15_000, 100);
  const { complete, lastAt } = sim.completion();
  assert.equal(complete, HOSTS, "every browser saw every service of its type");
  assert.ok(lastAt !== undefined && lastAt <= 3000, `the last browser complete at ${lastAt} ms`);
  // Passive observation of failures (§10.5) once flushed our own services from
  // every other browser ~13 s in: nothing may be removed.
  assert.equal(sim.removals, 0, "removed events");
  assert.equal(sim.fewestSeen(), HOSTS);
  const counts = sim.counts();
  const total = counts.reduce((a, c) => a + c.packets, 0);
  assert.ok(total >= 6 * HOSTS, `${total} packets: at least the protocol's minimum`);
  assert.ok(
    total <= PACKETS_PER_HOST_BOUND * HOSTS,
    `${total / HOSTS} packets per host, at most ${PACKETS_PER_HOST_BOUND}`,
  );
  await sim.close();
});
