/**
 * `browse`, `resolve`, `lookup` and `services` against a fake stack that
 * implements the spec's API: what they ask the library, the JSON lines and
 * exit statuses of issue 9, `--all` resolving every type, `--terminate`
 * waiting for first answers and then a quiet second.
 */
import assert from "node:assert/strict";
import { run } from "../../cli/main.ts";
import type { BrowseEvent, ServiceTypeEvent } from "../../cli/_library.ts";
import { type FakeBrowser, FakeStack, sampleService, settle, testContext } from "./_context.ts";

Deno.test("browse TYPE --json: added / updated / removed with issue 9's fields; exit 0 on the signal", async () => {
  const stack = new FakeStack();
  const context = testContext({ stack });
  const running = run(
    ["browse", "_http._tcp.local", "--resolve", "--json", "--interface", "eth0"],
    context,
  );
  await settle();
  assert.equal(stack.browseCalls.length, 1);
  const [type, options] = stack.browseCalls[0];
  assert.equal(type, "_http._tcp");
  assert.equal(options?.resolve, true);
  assert.deepEqual(options?.interfaces, ["eth0"]);
  const browser = stack.browsers[0] as FakeBrowser<BrowseEvent>;
  browser.push({ type: "added", service: sampleService() });
  browser.push({ type: "updated", service: sampleService({ port: 81 }) });
  browser.push({ type: "removed", service: sampleService({ port: 81 }), reason: "goodbye" });
  await settle();
  context.interrupt();
  assert.equal(await running, 0);
  assert.equal(stack.closed, 1);
  const lines = context.output.messages();
  assert.deepEqual(lines.map((m) => m.event), ["added", "updated", "removed"]);
  assert.deepEqual(lines[0], {
    event: "added",
    ts: 1_700_000_000,
    name: "Living Room.2",
    type: "_http._tcp",
    domain: "local",
    host: "box.local",
    port: 8080,
    txt: { path: "/a b", flag: null, empty: "" },
    addresses: ["198.18.1.2", "fd00:5353:1::2", "fe80::2%eth0"],
    interface: "eth0",
    interfaces: ["eth0"],
    ttl: 4500,
    fullName: "Living Room\\.2._http._tcp.local",
  });
  assert.equal(lines[1].port, 81);
  // A removal says why (issue 17), as the library's removed event does.
  assert.equal(lines[2].reason, "goodbye");
  assert.equal("reason" in lines[0], false);
});

Deno.test("browse TYPE: human output without --resolve asks for no resolution and prints one line each", async () => {
  const stack = new FakeStack();
  const context = testContext({ stack });
  const running = run(["browse", "_printer._sub._ipp._tcp", "--timeout", "0.5"], context);
  await settle();
  const [type, options] = stack.browseCalls[0];
  assert.equal(type, "_ipp._tcp");
  assert.equal(options?.subtype, "_printer");
  assert.equal(options?.resolve, false);
  (stack.browsers[0] as FakeBrowser<BrowseEvent>).push({
    type: "added",
    service: sampleService({ host: undefined, port: undefined, txt: undefined, addresses: [] }),
  });
  await settle();
  context.clock.advance(500);
  assert.equal(await running, 0);
  const out = context.output.stdout;
  assert.match(out[0], /^Time +Interface +Family +Instance +Type +Domain$/);
  assert.match(out[1], /^\d\d:\d\d:\d\d\.000 \+ eth0 +- +Living Room\.2 +_http\._tcp +local$/);
  assert.equal(out.length, 2);
});

Deno.test("browse without TYPE: human lines under a type header", async () => {
  const stack = new FakeStack();
  const context = testContext({ stack });
  const running = run(["browse"], context);
  await settle();
  (stack.browsers[0] as FakeBrowser<ServiceTypeEvent>).push({
    type: "added",
    serviceType: "_ipp._tcp",
    domain: "local",
    interfaces: ["eth0"],
  });
  await settle();
  context.interrupt();
  assert.equal(await running, 0);
  const [header, line] = context.output.stdout;
  assert.match(header, /^Time +Interface Type +Domain$/);
  assert.match(line, /^\d\d:\d\d:\d\d\.000 \+ eth0 +_ipp\._tcp +local$/);
  assert.equal(header.indexOf("Type"), line.indexOf("_ipp"));
});

Deno.test("browse without TYPE lists service types", async () => {
  const stack = new FakeStack();
  const context = testContext({ stack });
  const running = run(["browse", "--json"], context);
  await settle();
  assert.deepEqual(stack.browseCalls.map(([t]) => t), [undefined]);
  (stack.browsers[0] as FakeBrowser<ServiceTypeEvent>).push({
    type: "added",
    serviceType: "_ipp._tcp",
    domain: "local",
    interfaces: ["eth0"],
  });
  await settle();
  context.interrupt();
  assert.equal(await running, 0);
  assert.deepEqual(context.output.messages(), [{
    event: "added",
    ts: 1_700_000_000,
    type: "_ipp._tcp",
    domain: "local",
    interface: "eth0",
    interfaces: ["eth0"],
  }]);
});

Deno.test("browse --all --terminate: every type browsed resolved; ends after first answers and a quiet second", async () => {
  const stack = new FakeStack();
  const context = testContext({ stack });
  let status: number | undefined;
  const running = run(["browse", "--all", "--terminate", "--json"], context).then((s) =>
    status = s
  );
  await settle();
  const types = stack.browsers[0] as FakeBrowser<ServiceTypeEvent>;
  // Nothing for 1.5 s: an empty second alone must not end the run.
  context.clock.advance(1500);
  await settle();
  assert.equal(status, undefined, "still waiting for first answers");
  for (const serviceType of ["_http._tcp", "_ipp._tcp", "_http._tcp"]) {
    types.push({ type: "added", serviceType, domain: "local", interfaces: ["eth0"] });
  }
  await settle();
  assert.deepEqual(stack.browseCalls.slice(1).map(([t, o]) => [t, o?.resolve]), [
    ["_http._tcp", true],
    ["_ipp._tcp", true],
  ]);
  context.clock.advance(400);
  await settle();
  (stack.browsers[1] as FakeBrowser<BrowseEvent>).push({ type: "added", service: sampleService() });
  await settle();
  context.clock.advance(900); // 2.8 s from the start, 0.9 s after the last event
  await settle();
  assert.equal(status, undefined, "an answer came less than a second ago");
  context.clock.advance(200);
  await settle();
  await running;
  assert.equal(status, 0);
  assert.deepEqual(context.output.messages().map((m) => [m.event, m.name]), [[
    "added",
    "Living Room.2",
  ]]);
  assert.equal(stack.closed, 1);
});

Deno.test("resolve: prints the service; --json gives event resolved", async () => {
  const stack = new FakeStack();
  stack.resolveAnswer = () => Promise.resolve(sampleService());
  const context = testContext({ stack });
  assert.equal(
    await run(["resolve", "Living Room.2._http._tcp.local", "--json", "--timeout", "1.5"], context),
    0,
  );
  assert.equal(stack.resolveCalls[0][0], "Living Room\\.2._http._tcp.local");
  assert.equal((stack.resolveCalls[0][1] as { timeout: number }).timeout, 1500);
  const [line] = context.output.messages();
  assert.equal(line.event, "resolved");
  assert.equal(line.host, "box.local");
  assert.deepEqual(line.txt, { path: "/a b", flag: null, empty: "" });

  const human = testContext({ stack });
  assert.equal(await run(["resolve", "Living Room\\.2._http._tcp"], human), 0);
  assert.match(human.output.stdout[1], /= eth0 +IPv4,IPv6 Living Room\.2/);
  assert.match(human.output.stdout[2], /hostname = \[box\.local\]/);
});

Deno.test("resolve: nothing complete in time exits 1 and says what was missing", async () => {
  const stack = new FakeStack();
  const context = testContext({ stack });
  assert.equal(await run(["resolve", "Gone._http._tcp"], context), 1);
  assert.deepEqual(context.output.stderr, [
    'mdns: resolve: no complete answer for "Gone._http._tcp.local" within 3 s (missing: srv)',
  ]);
  assert.equal(stack.closed, 1);
});

Deno.test("lookup: host names forward, addresses reverse; exit 1 without an answer", async () => {
  const stack = new FakeStack();
  stack.hostAnswer = () =>
    Promise.resolve([
      { address: "198.18.1.2", family: "IPv4", interfaceName: "eth0" },
      { address: "fe80::2%eth0", family: "IPv6", interfaceName: "eth0" },
    ]);
  stack.addressAnswer = (ip) => Promise.resolve(ip === "198.18.1.2" ? ["box.local"] : []);
  const forward = testContext({ stack });
  assert.equal(await run(["lookup", "box.local", "--json"], forward), 0);
  assert.deepEqual(forward.output.messages(), [{
    event: "lookup",
    ts: 1_700_000_000,
    host: "box.local",
    addresses: ["198.18.1.2", "fe80::2%eth0"],
  }]);
  const reverse = testContext({ stack });
  assert.equal(await run(["lookup", "198.18.1.2"], reverse), 0);
  assert.deepEqual(reverse.output.stdout, ["198.18.1.2\tbox.local"]);
  const missing = testContext({ stack });
  assert.equal(await run(["lookup", "198.18.1.9"], missing), 1);
  assert.deepEqual(missing.output.stderr, ["mdns: lookup: no answer for 198.18.1.9 within 3 s"]);
  const noHost = testContext({ stack: new FakeStack() });
  assert.equal(await run(["lookup", "gone", "--timeout", "1"], noHost), 1);
  assert.deepEqual(noHost.output.stderr, ["mdns: lookup: no answer for gone.local within 1 s"]);
});

Deno.test("services: one service-type line per type until the timeout, exit 0", async () => {
  const stack = new FakeStack();
  const context = testContext({ stack });
  const running = run(["services", "--json", "--timeout", "2"], context);
  await settle();
  const types = stack.browsers[0] as FakeBrowser<ServiceTypeEvent>;
  types.push({ type: "added", serviceType: "_http._tcp", domain: "local", interfaces: ["eth0"] });
  types.push({ type: "added", serviceType: "_HTTP._tcp", domain: "local", interfaces: ["eth1"] });
  types.push({ type: "added", serviceType: "_ipp._tcp", domain: "local", interfaces: ["eth0"] });
  await settle();
  context.clock.advance(2000);
  assert.equal(await running, 0);
  assert.deepEqual(context.output.messages().map((m) => [m.event, m.type]), [
    ["service-type", "_http._tcp"],
    ["service-type", "_ipp._tcp"],
  ]);
});
