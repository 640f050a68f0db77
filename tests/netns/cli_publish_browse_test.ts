/**
 * The CLI end to end on real sockets, both directions of issue 10: `publish`
 * in host a and `browse --json` / `resolve --json` / `lookup --json` /
 * `services --json` in host b see each other with the right fields (an
 * instance name with a dot, quotes and UTF-8; TXT with a value with spaces, a
 * flag and an empty value; IPv4 and IPv6 addresses); SIGINT and SIGTERM make
 * `publish` send goodbyes within 3 s that the browser reports as `removed`.
 */

import assert from "node:assert/strict";
import { type Host, Lab, netnsTest } from "./harness.ts";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;
const FLAGS = ["--unstable-net", "--allow-net", "--allow-sys=networkInterfaces,hostname"];

// deno-lint-ignore no-explicit-any
type Line = any;

const NAME = 'Büro.Drucker "A" (1)';
const ESCAPED = 'Büro\\.Drucker "A" (1)';

function publisher(host: Host, name: string, extra: string[] = []) {
  return host.deno(MAIN, [
    "publish",
    name,
    "_http._tcp",
    "8080",
    "note=hello world",
    "flag",
    "empty=",
    // Its own name in a shared UTS namespace: pub-a.local with a's addresses
    // (--host alone names only the SRV target, as avahi-publish -H does).
    "--host",
    "pub-a.local",
    "--address",
    "198.18.1.1",
    "--address",
    "fd00:5353:1::1",
    "--json",
    ...extra,
  ], { flags: FLAGS });
}

netnsTest("cli: publish in one host; browse, resolve, lookup and services in another", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const aFe80 = await a.linkLocal("eth0");
  const browser = b.deno(MAIN, ["browse", "_http._tcp", "--resolve", "--json"], { flags: FLAGS });
  const monitor = b.deno(MAIN, ["monitor", "--json"], { flags: FLAGS });
  await monitor.waitForStderr(/listening on eth0/, { timeoutMs: 20_000, what: "monitor start" });
  const pub = publisher(a, NAME);
  const registered: Line = await pub.waitFor((m: Line) => m.event === "registered", {
    timeoutMs: 20_000,
    what: "registered",
  });
  assert.equal(registered.name, NAME);
  assert.equal(registered.type, "_http._tcp");
  assert.equal(registered.host, "pub-a.local");
  assert.equal(registered.port, 8080);
  assert.equal(typeof registered.ts, "number");

  const added: Line = await browser.waitFor(
    (m: Line) => m.event === "added" && m.name === NAME,
    { timeoutMs: 20_000, what: "browse added" },
  );
  assert.equal(added.type, "_http._tcp");
  assert.equal(added.domain, "local");
  assert.equal(added.host, "pub-a.local");
  assert.equal(added.port, 8080);
  assert.deepEqual(added.txt, { note: "hello world", flag: null, empty: "" });
  assert.equal(added.interface, "eth0");
  assert.ok(added.addresses.includes("198.18.1.1"), added.addresses.join(" "));
  assert.ok(
    added.addresses.some((x: string) => x === "fd00:5353:1::1" || x === `${aFe80}%eth0`),
    added.addresses.join(" "),
  );

  // monitor in b saw a's probe (QU on the first, our SRV proposed in Authority)
  // and its announcement (SRV with the cache-flush bit).
  const ours = (r: Line) => r.type === "SRV" && r.name === `${ESCAPED}._http._tcp.local`;
  const probe: Line = await monitor.waitFor(
    (m: Line) => m.event === "query" && m.authorities.some(ours),
    { timeoutMs: 5000, what: "the probe" },
  );
  assert.equal(probe.questions[0].type, "ANY");
  assert.equal(probe.questions[0].unicastResponse, true, "the first probe asks QU");
  const announcement: Line = await monitor.waitFor(
    (m: Line) => m.event === "response" && m.answers.some(ours),
    { timeoutMs: 5000, what: "the announcement" },
  );
  assert.equal(announcement.answers.find(ours).cacheFlush, true);
  assert.equal(announcement.answers.find(ours).data.port, 8080);
  assert.ok(["198.18.1.1", `${aFe80}%eth0`, "fd00:5353:1::1"].includes(announcement.source));

  const run = (args: string[]) =>
    b.exec([Deno.execPath(), "run", "--quiet", ...FLAGS, MAIN, ...args], { allowFailure: true });
  const [resolved, looked, services, missing] = await Promise.all([
    run(["resolve", `${ESCAPED}._http._tcp.local`, "--json", "--timeout", "5"]),
    run(["lookup", "pub-a.local", "--json", "--timeout", "5"]),
    run(["services", "--json", "--timeout", "3"]),
    run(["resolve", "Nobody._http._tcp", "--timeout", "1"]),
  ]);
  assert.equal(resolved.code, 0, resolved.stderr);
  const r = JSON.parse(resolved.stdout);
  assert.equal(r.event, "resolved");
  assert.equal(r.name, NAME);
  assert.equal(r.port, 8080);
  assert.deepEqual(r.txt, { note: "hello world", flag: null, empty: "" });
  assert.equal(looked.code, 0, looked.stderr);
  const l = JSON.parse(looked.stdout);
  assert.equal(l.event, "lookup");
  assert.equal(l.host, "pub-a.local");
  assert.ok(l.addresses.includes("198.18.1.1"));
  assert.equal(services.code, 0, services.stderr);
  assert.ok(
    services.stdout.trim().split("\n").map((x) => JSON.parse(x)).some((m) =>
      m.event === "service-type" && m.type === "_http._tcp"
    ),
    services.stdout,
  );
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no complete answer for "Nobody\._http\._tcp\.local" within 1 s/);

  await pub.stop("SIGINT");
  await browser.stop("SIGTERM");
  assert.equal((await browser.status).code, 0, browser.stderr);
  await monitor.stop("SIGINT");
  assert.equal((await monitor.status).code, 0, monitor.stderr);
});

netnsTest(
  "cli: a name already held on the network is published renamed, and reported",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const first = publisher(a, "Same Name");
    await first.waitFor((m: Line) => m.event === "registered", { timeoutMs: 20_000 });
    const second = b.deno(MAIN, [
      "publish",
      "Same Name",
      "_http._tcp",
      "8081",
      "--host",
      "pub-b.local",
      "--json",
    ], { flags: FLAGS });
    const registered: Line = await second.waitFor((m: Line) => m.event === "registered", {
      timeoutMs: 20_000,
      what: "the second publish registered",
    });
    assert.equal(registered.name, "Same Name (2)");
    const renamed = second.filter((m: Line) => m.event === "renamed");
    assert.deepEqual(renamed.map((m: Line) => [m.from, m.name]), [["Same Name", "Same Name (2)"]]);
    assert.ok(renamed[0].ts <= registered.ts);
    assert.equal(first.filter((m: Line) => m.event === "renamed").length, 0, "the holder keeps it");
    for (const pub of [first, second]) {
      assert.equal((await pub.stop("SIGTERM")).code, 0, pub.stderr);
      assert.equal(pub.filter((m: Line) => m.event === "goodbye").length, 1);
    }
  },
);

netnsTest(
  "cli: SIGINT and SIGTERM make publish say goodbye; the browser reports removed",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const browser = b.deno(MAIN, ["browse", "_http._tcp", "--json"], { flags: FLAGS });
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const name = `Bye ${signal}`;
      const pub = publisher(a, name);
      await pub.waitFor((m: Line) => m.event === "registered", { timeoutMs: 20_000 });
      await browser.waitFor((m: Line) => m.event === "added" && m.name === name, {
        timeoutMs: 20_000,
        what: `${name} added`,
      });
      const sent = performance.now();
      const status = await pub.stop(signal, 5000);
      const exitMs = performance.now() - sent;
      assert.equal(status.code, 0, pub.stderr);
      assert.ok(exitMs < 3000, `publish exited ${Math.round(exitMs)} ms after ${signal}`);
      assert.equal(pub.filter((m: Line) => m.event === "goodbye" && m.name === name).length, 1);
      // RFC 6762 §10.1: a goodbye leaves a record one second to live.
      await browser.waitFor(
        (m: Line) => m.event === "removed" && m.name === name,
        { timeoutMs: 2500, what: `${name} removed within 2.5 s of ${signal}` },
      );
    }
    await browser.stop("SIGINT");
    assert.equal((await browser.status).code, 0, browser.stderr);
  },
);
