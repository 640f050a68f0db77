/**
 * `monitor --json` on real sockets: in host a it reports, with the right
 * source, interface, family and bits, a QU query and a cache-flush response
 * that host b sends, over IPv4 and IPv6; it sends nothing (b hears nothing
 * from a); SIGINT ends it with status 0.
 */

import assert from "node:assert/strict";
import { Agent } from "./agent.ts";
import { Lab, netnsTest } from "./harness.ts";
import { aRecord, buildQuery, buildResponse, TYPE } from "./packets.ts";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;

// deno-lint-ignore no-explicit-any
type Packet = any;

netnsTest(
  "cli monitor --json: sees what another host sends, both families, and sends nothing",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const monitor = a.deno(MAIN, ["monitor", "--json"], {
      flags: ["--unstable-net", "--allow-net", "--allow-sys=networkInterfaces,hostname"],
    });
    await monitor.waitForStderr(/listening on eth0/, { timeoutMs: 20_000, what: "monitor start" });
    const peer = await Agent.start(b);
    const bFe80 = await b.linkLocal("eth0");

    const query = buildQuery("mon-q.local", TYPE.A, { qu: true });
    const response = buildResponse([aRecord("mon-r.local", "198.18.1.2")]);
    const seen = async (family: "IPv4" | "IPv6", name: string, packet: Uint8Array) => {
      for (let i = 0; i < 5; i++) {
        await peer.send(packet, { interfaceName: "eth0", family });
        const found = monitor.filter((m: Packet) =>
          m.family === family &&
          [...m.questions, ...m.answers].some((r: Packet) => r.name === name)
        );
        if (found.length) return found[0];
        try {
          return await monitor.waitFor(
            (m: Packet) =>
              m.family === family &&
              [...m.questions, ...m.answers].some((r: Packet) => r.name === name),
            { timeoutMs: 1000, what: `${name} over ${family}` },
          );
        } catch {
          // Sent again: the first multicast can precede group membership settling.
        }
      }
      throw new Error(`monitor never reported ${name} over ${family}`);
    };

    for (const family of ["IPv4", "IPv6"] as const) {
      const q: Packet = await seen(family, "mon-q.local", query);
      assert.equal(q.event, "query");
      assert.equal(q.interface, "eth0");
      assert.equal(q.source, family === "IPv4" ? "198.18.1.2" : `${bFe80}%eth0`);
      assert.equal(q.port, 5353);
      assert.equal(q.unicast, false);
      assert.equal(q.truncated, false);
      assert.deepEqual(q.questions, [
        { name: "mon-q.local", type: "A", class: "IN", unicastResponse: true },
      ]);
      assert.equal(typeof q.ts, "number");
      assert.ok(Math.abs(q.ts - Date.now() / 1000) < 60, `ts ${q.ts} is unix seconds`);

      const r: Packet = await seen(family, "mon-r.local", response);
      assert.equal(r.event, "response");
      assert.equal(r.authoritative, true);
      assert.deepEqual(r.answers, [
        {
          name: "mon-r.local",
          type: "A",
          class: "IN",
          cacheFlush: true,
          ttl: 120,
          data: "198.18.1.2",
        },
      ]);
    }

    await monitor.stop("SIGINT");
    assert.equal((await monitor.status).code, 0, monitor.stderr);
    const stats = await peer.close();
    assert.equal(peer.datagrams(() => true).length, 0, "b heard nothing from the monitor");
    assert.ok(stats.sent >= 4);
  },
);
