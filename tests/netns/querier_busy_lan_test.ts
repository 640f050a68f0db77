/**
 * Our querier on a busy LAN (issue 14). Item 1: python-zeroconf browsers that
 * start beside ours ask QU questions at start-up (RFC 6762 §5.4), which the
 * publisher answers by unicast to them alone. Those unanswered-for-us queries
 * must not look like a failure to answer (POOF, §10.5): our browse never
 * reports the live services `removed`. Item 8 (§6): a unicast response over
 * real sockets is cached when it answers our QU question, ignored otherwise.
 */

import assert from "node:assert/strict";
import type { Child, Host } from "./harness.ts";
import { Lab, netnsTest, SYSTEM_PYTHON, zeroconfBrowse, zeroconfPublish } from "./harness.ts";

const AGENT = new URL("./agents/querier_agent.ts", import.meta.url).pathname;
const UNICAST_ONLY = new URL("./peers/unicast_only_responder.py", import.meta.url).pathname;
const TYPE = "_mdbusy._tcp";
const SERVICES = ["Busy One", "Busy Two"];
/** RFC 6762 §10.5: POOF flushes 10 s after the first unanswered query; wait past it. */
const WATCH_MS = 14_000;

// deno-lint-ignore no-explicit-any
type Message = Record<string, any>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Our querier agent in `host`, once it has started. */
async function startQuerier(host: Host): Promise<Child> {
  const ours = host.deno(AGENT, [JSON.stringify({})], {
    stdin: true,
    label: `[${host.name}] querier`,
  });
  const started = await ours.waitFor((m: Message) => m.event !== undefined, {
    timeoutMs: 20_000,
    what: "querier agent start",
  });
  assert.equal(started.event, "started", JSON.stringify(started));
  return ours;
}

netnsTest(
  "querier: two python-zeroconf browsers starting beside ours never make our browse report removed",
  async () => {
    await using lab = await Lab.create();
    const [a, b, c, d] = await lab.hostsOnOneBridge("a", "b", "c", "d");
    const ours = await startQuerier(a);
    await ours.send({ op: "browse", id: 1, type: TYPE });
    // A third host publishes both services.
    const publishers = [];
    for (const [i, name] of SERVICES.entries()) {
      publishers.push(
        await zeroconfPublish(b, {
          name,
          type: `${TYPE}.local.`,
          port: 9000 + i,
          server: `busy-b${i}.local.`,
          addresses: ["198.18.1.2"],
          ipVersion: "v4",
        }),
      );
    }
    for (const name of SERVICES) {
      await ours.waitFor(
        (m: Message) => m.event === "browse" && m.type === "added" && m.service?.name === name,
        { timeoutMs: 15_000, what: `our browse adds ${name}` },
      );
    }
    const since = ours.mark();
    // Two browsers start a second apart: each one's first queries ask for unicast replies.
    const first = await zeroconfBrowse(c, `${TYPE}.local.`);
    await sleep(1000);
    const second = await zeroconfBrowse(d, `${TYPE}.local.`);
    for (const [browser, host] of [[first, "c"], [second, "d"]] as const) {
      for (const name of SERVICES) {
        await browser.waitFor(
          (m: Message) => m.event === "added" && m.name?.startsWith(name) && m.resolved === true,
          { timeoutMs: 15_000, what: `python-zeroconf in ${host} resolves ${name}` },
        );
      }
    }
    await sleep(WATCH_MS);
    const removed = ours.filter(
      (m: Message) => m.event === "browse" && m.type === "removed",
      since,
    );
    assert.deepEqual(removed, [], "our browse reported live services removed");
    // The browse still works: a real goodbye is reported.
    await publishers[0].stop();
    await ours.waitFor(
      (m: Message) =>
        m.event === "browse" && m.type === "removed" && m.service?.name === SERVICES[0],
      { since, timeoutMs: 10_000, what: "removed on the goodbye" },
    );
    await Promise.all([first.stop(), second.stop(), publishers[1].stop()]);
    await ours.send({ op: "close" });
    await ours.status;
  },
);

netnsTest(
  "querier: a unicast answer to our QU question is cached; a unicast response nobody asked for is not",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const ours = await startQuerier(a);
    const peer = b.spawn([
      SYSTEM_PYTHON,
      UNICAST_ONLY,
      JSON.stringify({
        name: "uonly.local.",
        address: b.interfaces.get("eth0")!.ipv4,
        unsolicited: {
          to: a.interfaces.get("eth0")!.ipv4,
          name: "unasked.local.",
          address: "198.18.1.9",
        },
      }),
    ], { stdin: true, label: "[b] unicast-only responder" });
    await peer.waitFor((m: Message) => m.event === "ready", { what: "responder ready" });

    await peer.write("unsolicited\n");
    await peer.waitFor((m: Message) => m.event === "sent-unsolicited", { what: "unsolicited" });
    await sleep(500);
    await ours.send({ op: "dump", id: 1 });
    const before = await ours.waitFor((m: Message) => m.event === "dump" && m.id === 1);
    assert.deepEqual(before.records.filter((r: string) => r.includes("unasked")), []);
    assert.equal(before.stats.unsolicitedUnicast, 1, JSON.stringify(before.stats));

    // The peer answers QU questions only, and only by unicast: the lookup
    // resolves only if that answer is accepted.
    await ours.send({ op: "lookup", id: 2, name: "uonly.local", timeout: 3000 });
    const found = await ours.waitFor(
      (m: Message) => m.id === 2 && (m.event === "lookup" || m.event === "failed"),
      { timeoutMs: 10_000, what: "lookup uonly.local" },
    );
    assert.equal(found.event, "lookup", JSON.stringify(found));
    assert.deepEqual(found.addresses.map((x: Message) => x.address), ["198.18.1.2"]);
    assert.ok(peer.filter((m: Message) => m.event === "answered").length > 0);
    await ours.send({ op: "dump", id: 3 });
    const after = await ours.waitFor((m: Message) => m.event === "dump" && m.id === 3);
    assert.equal(after.stats.unsolicitedUnicast, 1, JSON.stringify(after.stats));
    await peer.stop();
    await ours.send({ op: "close" });
    await ours.status;
  },
);
