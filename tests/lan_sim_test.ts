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
 * (3 probes, 2 announcements, 1 query: `bench/_lan_model.ts`); we send 8.5
 * here (3 probes, 3.2 queries, 2.3 responses: the two announcements, and a
 * few answers). Before the host's names shared one probe series it was 20.9
 * (9 probes, 5.4 queries, 6.5 responses: three series of 3 probes, each with
 * its 2 announcements, and A/AAAA questions for the services announced
 * without their host's address). The
 * bound leaves room for schedule changes and catches a storm.
 */
const PACKETS_PER_HOST_BOUND = 10;
/**
 * RFC 6762 §8.1: each host's host name and three service names, published
 * together, share one series of three probe packets.
 */
const PROBES_PER_HOST = 3;

Deno.test(`LAN simulation: ${HOSTS} hosts starting within a second each see every service within 3 s, none is ever removed, and they send ${PROBES_PER_HOST} probe packets each and at most ${PACKETS_PER_HOST_BOUND} packets each in 15 s`, async () => {
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
  const probes = counts.map((c) => c.probes);
  assert.deepEqual(new Set(probes), new Set([PROBES_PER_HOST]), "probe packets of each host");
  // Each host's two announcements (§8.3) at least, shared by its four names.
  assert.ok(counts.every((c) => c.responses >= 2), "every host announced");
  const total = counts.reduce((a, c) => a + c.packets, 0);
  assert.ok(total >= 6 * HOSTS, `${total} packets: at least the protocol's minimum`);
  assert.ok(
    total <= PACKETS_PER_HOST_BOUND * HOSTS,
    `${total / HOSTS} packets per host, at most ${PACKETS_PER_HOST_BOUND}`,
  );
  await sim.close();
});

/**
 * Packets per host from minute 2 to minute 12, once every browse's start-up
 * series is over (its next query is an hour away) and before any PTR (TTL
 * 4,500 s) reaches its 80 % refresh point: nothing is due, so a quiet LAN
 * sends nothing. Before a resolving browse stopped refreshing the SRV and
 * address records of the services it lists (TTL 120 s), every host answered
 * each type's SRV refresh round, about every 100 s: 19.5 packets per host here
 * (the 100-host simulation: 113 responses per host and hour).
 */
const STEADY_PACKETS_PER_HOST_BOUND = 1;

Deno.test(`LAN simulation: ${HOSTS} hosts send at most ${STEADY_PACKETS_PER_HOST_BOUND} packet each from minute 2 to minute 12 (no SRV or address refresh rounds), and every browser still sees every service`, async () => {
  const sim = LanSimulation.start({ hosts: HOSTS, seed: 2 });
  await sim.run(120_000, 1000);
  sim.resetCounts();
  await sim.run(600_000, 1000);
  const total = sim.counts().reduce((a, c) => a + c.packets, 0);
  assert.ok(
    total <= STEADY_PACKETS_PER_HOST_BOUND * HOSTS,
    `${total / HOSTS} packets per host, at most ${STEADY_PACKETS_PER_HOST_BOUND}`,
  );
  assert.equal(sim.removals, 0, "removed events");
  assert.equal(sim.fewestSeen(), HOSTS);
  await sim.close();
});
