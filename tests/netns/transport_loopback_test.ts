/**
 * Loopback-only operation (two stacks on one host, nothing on the wire):
 * IPv4 on lo needs only lo up; IPv6 needs `local ff02::fb dev lo table local`.
 */

import assert from "node:assert/strict";
import { Agent, carries } from "./agent.ts";
import { Lab, netnsTest } from "./harness.ts";
import { buildQuery, TYPE } from "./packets.ts";

netnsTest("transport: two stacks talk over lo when lo is included", async () => {
  await using lab = await Lab.create();
  const a = await lab.addHost("a", { loopbackMdns: true });
  const options = { interfaces: { include: ["lo"] } };
  const [t1, t2] = await Promise.all([Agent.start(a, options), Agent.start(a, options)]);
  assert.deepEqual(t1.links.map((l) => [l.name, l.index]), [["lo", 1]]);
  for (const family of ["IPv4", "IPv6"] as const) {
    const tag = `lo${family.slice(-1)}`;
    const got = await t1.sendUntil(
      buildQuery(`${tag}.local`, TYPE.A),
      { interfaceName: "lo", family },
      t2,
      (d) => carries(d, tag),
    );
    assert.equal(got.interfaceName, "lo");
    assert.equal(got.address, family === "IPv4" ? "127.0.0.1" : "::1");
  }
  // Echoes are processed asynchronously: wait until both were seen and dropped.
  await t1.waitStats((s) => s.echoes >= 2, "both echoes dropped");
  assert.deepEqual(
    t1.datagrams((d) => carries(d, "lo4") || carries(d, "lo6")),
    [],
    "own echoes dropped",
  );
  await Promise.all([t1.close(), t2.close()]);
});

netnsTest("transport: lo is left out unless asked for", async () => {
  await using lab = await Lab.create();
  const br = await lab.addBridge();
  const a = await lab.addHost("a");
  await lab.connect(a, br);
  const [plain, withLo] = await Promise.all([Agent.start(a), Agent.start(a, { loopback: true })]);
  assert.deepEqual(plain.links.map((l) => l.name), ["eth0"]);
  assert.deepEqual(withLo.links.map((l) => l.name), ["eth0", "lo"]);
  await Promise.all([plain.close(), withLo.close()]);
});
