/**
 * Issue 16 item 4 over real sockets (the deterministic version is
 * `tests/responder/conflict_storm_test.ts`): a peer in another namespace
 * keeps claiming our service name and our host name, over IPv4 and IPv6. It
 * answers every probe for our names with its own records and announces its
 * claim on the names we hold every second. Our stack backs off (RFC 6762
 * §8.1: after 15 conflicts in 10 s, 5 s between probe series), reports its
 * final names once the storm ends, and the attacker's goodbyes for those
 * names are not conflicts.
 */

import assert from "node:assert/strict";
import { Agent, type AgentDatagram } from "./agent.ts";
import { Lab, netnsTest } from "./harness.ts";
import { fromHex } from "./packets.ts";
import { type Message, QuerierAgent } from "./querier_agent.ts";
import { decodeMessage, encodeMessage, type ResourceRecord } from "../../codec/mod.ts";

const TYPE = "_storm._tcp";
const STORM_MS = 25_000;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ours = (name: string) =>
  name.startsWith("Storm") || (name.startsWith("storm-a") && !name.includes("._"));

/** The attacker's claim on `name`: an SRV for an instance, an address for a host. */
function claim(name: string, family: "IPv4" | "IPv6", ttl = 120): ResourceRecord {
  if (name.includes("._")) {
    return {
      name,
      type: 33,
      class: 1,
      cacheFlush: true,
      ttl,
      data: { priority: 0, weight: 0, port: 6666, target: "attacker.local" },
    };
  }
  return family === "IPv4"
    ? { name, type: 1, class: 1, cacheFlush: true, ttl, data: "198.18.1.66" }
    : { name, type: 28, class: 1, cacheFlush: true, ttl, data: "fd00:5353:1::66" };
}

const response = (answers: ResourceRecord[]) =>
  encodeMessage({ id: 0, flags: 0x8400, questions: [], answers, authorities: [], additionals: [] });

netnsTest(
  "conflict storm: a peer claiming our names over both families meets the §8.1 back-off; the final names are reported; its goodbyes are no conflicts",
  async () => {
    await using lab = await Lab.create();
    const [a, x] = await lab.hostsOnOneBridge("a", "x");
    const [stack, attacker] = await Promise.all([
      QuerierAgent.start(a, { hostName: "storm-a.local" }),
      Agent.start(x),
    ]);
    const pub = await stack.op({
      op: "publish",
      options: { name: "Storm", type: TYPE, port: 7100 },
    });
    await stack.reply(pub, "published");
    const held = { service: `Storm.${TYPE}.local`, host: "storm-a.local" };
    const renames: { at: number; name: string }[] = [];
    let seenEvents = stack.child.mark();
    let seenProbes = attacker.child.mark();
    const started = Date.now();
    let lastClaim = 0;
    while (Date.now() - started < STORM_MS) {
      // Our stack's renames, timed here (to within the 50 ms poll).
      for (const m of stack.child.filter((m: Message) => m.id === pub, seenEvents)) {
        if (m.event === "publish" && m.type === "renamed") {
          renames.push({ at: Date.now(), name: m.name });
          held.service = `${m.name}.${TYPE}.local`;
        }
      }
      seenEvents = stack.child.mark();
      // Every probe for our names is answered at once, on the family it came on.
      const probes = attacker.datagrams((d: AgentDatagram) => !d.response, seenProbes);
      seenProbes = attacker.child.mark();
      for (const d of probes) {
        const m = decodeMessage(fromHex(d.hex));
        if (m.authorities.length === 0) continue;
        const names = m.questions.map((q) => q.name).filter(ours);
        for (const n of names) if (!n.includes("._")) held.host = n;
        if (names.length === 0) continue;
        await attacker.send(response(names.map((n) => claim(n, d.family))), {
          interfaceName: "eth0",
          family: d.family,
        });
      }
      if (Date.now() - lastClaim >= 1000) {
        lastClaim = Date.now();
        for (const family of ["IPv4", "IPv6"] as const) {
          await attacker.send(response([claim(held.service, family), claim(held.host, family)]), {
            interfaceName: "eth0",
            family,
          });
        }
      }
      await delay(50);
    }
    const stormEnd = Date.now();
    // §8.1: 15 quick attempts, then one per 5 s at most.
    const bound = 15 + Math.ceil(STORM_MS / 5000) + 2;
    assert.ok(renames.length > 15, `${renames.length} renames: the storm was felt`);
    assert.ok(renames.length <= bound, `${renames.length} renames, at most ${bound}`);
    const lastTen = renames.filter((r) => r.at >= stormEnd - 10_000).length;
    assert.ok(lastTen <= 3, `${lastTen} renames in the storm's last 10 s (5 s apart: at most 3)`);
    for (let i = 16; i < renames.length; i++) {
      const gap = renames[i].at - renames[i - 1].at;
      assert.ok(gap >= 4500, `rename ${i} came ${gap} ms after the one before`);
    }
    // The storm is over: the name settles and is reported.
    const final = await stack.child.waitFor(
      (m: Message) => m.id === pub && m.event === "publish" && m.type === "registered",
      { since: seenEvents, timeoutMs: 15_000, what: "the service registered after the storm" },
    );
    const lastRename = stack.child.filter(
      (m: Message) => m.id === pub && m.event === "publish" && m.type === "renamed",
    ).at(-1);
    assert.equal(final.name, lastRename?.name ?? "Storm");
    assert.notEqual(final.name, "Storm");
    const resolve = await stack.op({ op: "resolve", instance: `${final.name}.${TYPE}.local` });
    const resolved = await stack.reply(resolve, "resolved");
    assert.ok(resolved.service.host.startsWith("storm-a"), resolved.service.host);
    assert.notEqual(resolved.service.host, "storm-a.local", "the host name was renamed too");
    // Goodbyes from the attacker for the final names, over both families: no conflict.
    const sinceGoodbyes = stack.child.mark();
    const probesSince = attacker.child.mark();
    for (let i = 0; i < 10; i++) {
      for (const family of ["IPv4", "IPv6"] as const) {
        await attacker.send(
          response([
            claim(`${final.name}.${TYPE}.local`, family, 0),
            claim(resolved.service.host, family, 0),
          ]),
          { interfaceName: "eth0", family },
        );
      }
      await delay(300);
    }
    await delay(2000);
    const after = stack.child.filter(
      (m: Message) => m.id === pub && m.event === "publish",
      sinceGoodbyes,
    ).map((m: Message) => m.type);
    assert.deepEqual(after, [], "no conflict, probe or rename after the goodbyes");
    const probesAfter = attacker.datagrams((d: AgentDatagram) => {
      if (d.response) return false;
      return decodeMessage(fromHex(d.hex)).authorities.length > 0;
    }, probesSince);
    assert.equal(probesAfter.length, 0, "no probe after the goodbyes");
    await Promise.all([stack.close(), attacker.close()]);
  },
);
