/**
 * Issue 16 item 6: every way a service or the stack ends says goodbye (RFC
 * 6762 §10.1, records with TTL 0) on every link and family. Host `mh` has
 * eth0 on bridge 1 and eth1 on bridge 2; a capture on `pa` (bridge 1) and one
 * on `pb` (bridge 2) must each see the goodbye over IPv4 and over IPv6, from
 * mh's address on that link. Covered: `unpublish()`, an aborted signal, the
 * service's `Symbol.asyncDispose` (what `await using` calls), SIGINT and
 * SIGTERM to the process (the stack closes: services and host), and SIGINT
 * and SIGTERM to the CLI's `publish` on the same two-link host. `kill -9`
 * leaves no goodbye at all: peers keep the records until their TTLs run out
 * (the README says so). The in-memory counterparts are in
 * tests/responder/goodbye_test.ts, the CLI's signals on one link in
 * cli_publish_browse_test.ts.
 */

import assert from "node:assert/strict";
import { type Child, type Host, Lab, netnsTest } from "./harness.ts";
import { Publisher, type PublisherMessage } from "./publisher.ts";

const CAPTURE = new URL("./agents/capture_agent.ts", import.meta.url).pathname;
const CLI = new URL("../../cli/main.ts", import.meta.url).pathname;
const CLI_FLAGS = ["--unstable-net", "--allow-net", "--allow-sys=networkInterfaces,hostname"];
const TYPE = "_mdbye._tcp";
const SRV = 33;
const A = 1;
const AAAA = 28;

type Captured = {
  event: string;
  ms: number;
  interfaceName: string;
  family: "IPv4" | "IPv6";
  source: string;
  records: { name: string; type: number; ttl: number }[];
};

async function capture(host: Host): Promise<Child> {
  const child = host.deno(CAPTURE, ["{}"], { stdin: true, label: `[${host.name}] capture` });
  await child.waitFor((m: Captured) => m.event === "started", { timeoutMs: 20_000 });
  return child;
}

/** Waits until `capture` has seen a TTL-0 record matching `match` over both families, from `from`. */
async function goodbyeOnBothFamilies(
  capture: Child,
  since: number,
  from: { ipv4: string; ipv6: string },
  match: (r: { name: string; type: number }) => boolean,
  what: string,
): Promise<void> {
  for (const family of ["IPv4", "IPv6"] as const) {
    await capture.waitFor(
      (m: Captured) =>
        m.event === "response" && m.family === family &&
        (family === "IPv4" ? m.source === from.ipv4 : m.source.startsWith("fe80")) &&
        m.records.some((r) => r.ttl === 0 && match(r)),
      { since, timeoutMs: 5000, what: `${what} over ${family}` },
    );
  }
}

netnsTest(
  "shutdown: unpublish, an aborted signal, dispose, SIGINT and SIGTERM (library and CLI) say goodbye on both links over IPv4 and IPv6; kill -9 says nothing",
  async () => {
    await using lab = await Lab.create();
    const { mh, pa, pb } = await lab.twoLinks();
    const captures = [
      { child: await capture(pa), from: mh.interfaces.get("eth0")!, link: "eth0" },
      { child: await capture(pb), from: mh.interfaces.get("eth1")!, link: "eth1" },
    ];
    const expectGoodbye = async (
      since: number[],
      match: (r: { name: string; type: number }) => boolean,
      what: string,
    ) => {
      for (const [i, c] of captures.entries()) {
        await goodbyeOnBothFamilies(c.child, since[i], c.from, match, `${what} on mh's ${c.link}`);
      }
    };
    const marks = () => captures.map((c) => c.child.mark());
    const srvOf = (fullName: string) => (r: { name: string; type: number }) =>
      r.type === SRV && r.name.toLowerCase() === fullName.toLowerCase();

    // The service-level endings, one stack.
    const ours = await Publisher.start(mh, { hostName: "bye-mh.local" });
    const endings = [
      { name: "Bye Unpublish", end: (id: number) => ours.unpublish(id) },
      { name: "Bye Abort", end: (id: number) => ours.abort(id) },
      { name: "Bye Dispose", end: (id: number) => ours.dispose(id) },
    ];
    const published: { id: number; name: string }[] = [];
    for (const e of endings) {
      published.push(await ours.publish({ name: e.name, type: TYPE, port: 4000 }));
    }
    const last = await ours.publish({ name: "Bye Signal", type: TYPE, port: 4001 });
    for (const [i, e] of endings.entries()) {
      const since = marks();
      await e.end(published[i].id);
      await expectGoodbye(since, srvOf(`${e.name}.${TYPE}.local`), e.name);
      await ours.child.waitFor(
        (m: PublisherMessage) => m.event === "goodbye" && m.id === published[i].id,
        { what: `${e.name}'s goodbye event` },
      );
    }
    // SIGINT closes the stack: the last service and the host say goodbye.
    let since = marks();
    assert.equal((await ours.child.stop("SIGINT")).code, 0, ours.child.stderr);
    await expectGoodbye(since, srvOf(`Bye Signal.${TYPE}.local`), "SIGINT's service goodbye");
    await expectGoodbye(since, (r) => r.type === A && r.name === "bye-mh.local", "SIGINT's A");
    await expectGoodbye(
      since,
      (r) => r.type === AAAA && r.name === "bye-mh.local",
      "SIGINT's AAAA",
    );
    assert.equal(last.name, "Bye Signal");

    // SIGTERM: a second stack, the same goodbyes.
    const second = await Publisher.start(mh, { hostName: "bye-term.local" });
    await second.publish({ name: "Bye Term", type: TYPE, port: 4002 });
    since = marks();
    assert.equal((await second.child.stop("SIGTERM")).code, 0, second.child.stderr);
    await expectGoodbye(since, srvOf(`Bye Term.${TYPE}.local`), "SIGTERM's service goodbye");
    await expectGoodbye(since, (r) => r.type === A && r.name === "bye-term.local", "SIGTERM's A");

    // The CLI's publish, on the same two-link host: SIGINT and SIGTERM.
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const name = `Bye CLI ${signal}`;
      const cli = mh.deno(CLI, ["publish", name, TYPE, "4010", "--json"], { flags: CLI_FLAGS });
      await cli.waitFor((m: PublisherMessage) => m.event === "registered", {
        timeoutMs: 20_000,
        what: `${name} registered`,
      });
      since = marks();
      assert.equal((await cli.stop(signal, 5000)).code, 0, cli.stderr);
      await expectGoodbye(since, srvOf(`${name}.${TYPE}.local`), `the CLI's goodbye on ${signal}`);
    }

    // kill -9: nothing can be said; only the peers' TTLs clean up.
    const third = await Publisher.start(mh, { hostName: "bye-kill.local" });
    await third.publish({ name: "Bye Kill", type: TYPE, port: 4003 });
    await new Promise((r) => setTimeout(r, 1500)); // past the announcements
    since = marks();
    await third.child.stop("SIGKILL");
    await new Promise((r) => setTimeout(r, 3000));
    for (const [i, c] of captures.entries()) {
      const said = c.child.filter(
        (m: Captured) =>
          m.event === "response" &&
          m.records.some((r) =>
            r.name.toLowerCase().includes("bye kill") || r.name === "bye-kill.local"
          ),
        since[i],
      );
      assert.deepEqual(said, [], `after kill -9, nothing from the killed stack on ${c.link}`);
    }
    for (const c of captures) await c.child.stop();
  },
);
