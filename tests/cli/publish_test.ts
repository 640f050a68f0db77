/**
 * `publish` against a fake stack that implements the spec's API: arguments
 * reach `mdns.publish` as given (TXT's four states, subtypes, host,
 * interfaces), the JSON lines of issue 8 come out, and the signal makes it
 * unpublish (goodbyes), close the stack and exit 0.
 */
import assert from "node:assert/strict";
import { publish } from "../../cli/publish.ts";
import { run } from "../../cli/main.ts";
import { NameConflictError } from "../../mod.ts";
import { FakePublished, FakeStack, settle, testContext } from "./_context.ts";

Deno.test("publish --json: registered, then goodbye on the signal, exit 0", async () => {
  const stack = new FakeStack();
  const context = testContext({ stack });
  const running = publish([
    'Büro.Drucker "A" (1)',
    "_ipp._tcp.local",
    "631",
    "rp=ipp/print",
    'note=a b=c "q"',
    "flag",
    "empty=",
    "--subtype",
    "_printer",
    "--interface",
    "eth1",
    "--json",
  ], context);
  await settle();
  const [options] = stack.published;
  assert.equal(options.name, 'Büro.Drucker "A" (1)');
  assert.equal(options.type, "_ipp._tcp");
  assert.equal(options.port, 631);
  assert.deepEqual(options.txt, [
    ["rp", "ipp/print"],
    ["note", 'a b=c "q"'],
    ["flag", null],
    ["empty", ""],
  ]);
  assert.deepEqual(options.subtypes, ["_printer"]);
  assert.deepEqual(options.interfaces, ["eth1"]);
  assert.equal(options.host, undefined);
  assert.deepEqual(context.flagChecks, [{ hostname: true }]);

  context.interrupt();
  assert.equal(await running, 0);
  assert.equal(stack.handles[0].unpublished, 1);
  assert.equal(stack.closed, 1);
  const [registered, goodbye, ...rest] = context.output.messages();
  assert.deepEqual(rest, []);
  assert.deepEqual(registered, {
    event: "registered",
    ts: 1_700_000_000,
    name: 'Büro.Drucker "A" (1)',
    type: "_ipp._tcp",
    host: "testhost.local",
    port: 631,
    fullName: 'Büro\\.Drucker "A" (1)._ipp._tcp.local',
  });
  assert.equal(goodbye.event, "goodbye");
  assert.equal(goodbye.name, 'Büro.Drucker "A" (1)');
});

Deno.test("publish: a rename while probing and one after are each reported once", async () => {
  const stack = new FakeStack();
  stack.onPublish = (options) => {
    options.onEvent?.({ type: "probing", name: "Web" });
    options.onEvent?.({ type: "renamed", from: "Web", name: "Web (2)" });
    return Promise.resolve(new FakePublished(options, "Web (2)"));
  };
  const context = testContext({ stack });
  const running = publish(["Web", "_http._tcp", "80", "--json", "--host", "box.local"], context);
  await settle();
  const handle = stack.handles[0];
  handle.name = "Web (3)";
  handle.emit({ type: "renamed", from: "Web (2)", name: "Web (3)" });
  context.interrupt();
  assert.equal(await running, 0);
  assert.deepEqual(context.flagChecks, [{ hostname: false }]);
  assert.equal(stack.published[0].host, "box.local");
  const events = context.output.messages().map((m) => [m.event, m.from, m.name]);
  assert.deepEqual(events, [
    ["renamed", "Web", "Web (2)"],
    ["registered", undefined, "Web (2)"],
    ["renamed", "Web (2)", "Web (3)"],
    ["goodbye", undefined, "Web (3)"],
  ]);
});

Deno.test("publish: a signal during probing withdraws it and exits 0", async () => {
  const stack = new FakeStack();
  let aborted = false;
  stack.onPublish = (options) =>
    new Promise((_, reject) => {
      options.signal?.addEventListener("abort", () => {
        aborted = true;
        reject(new DOMException("aborted", "AbortError"));
      });
    });
  const context = testContext({ stack });
  const running = publish(["Web", "_http._tcp", "80"], context);
  await settle();
  context.interrupt();
  assert.equal(await running, 0);
  assert.ok(aborted, "the publish signal aborted");
  assert.equal(stack.closed, 1);
  assert.match(context.output.stdout.at(-1)!, /goodbye 'Web'$/);
});

Deno.test("publish: goodbyes that hang do not keep the process past the grace period", async () => {
  const stack = new FakeStack();
  stack.close = () => new Promise(() => {}); // never finishes
  const context = testContext({ stack });
  const running = publish(["Web", "_http._tcp", "80", "--json"], context);
  await settle();
  context.interrupt();
  await settle();
  context.clock.advance(2500);
  assert.equal(await running, 0);
  assert.match(context.output.stderr.join("\n"), /goodbyes not confirmed within 2500 ms/);
});

Deno.test("publish: a name that cannot be defended exits 1 with one line", async () => {
  const stack = new FakeStack();
  stack.onPublish = () => Promise.reject(new NameConflictError("15 conflicts in 10 s"));
  const context = testContext({ stack });
  assert.equal(await run(["publish", "Web", "_http._tcp", "80"], context), 1);
  assert.deepEqual(context.output.stderr.filter((l) => l.startsWith("mdns:")), [
    'mdns: publish: the name "Web" could not be defended: 15 conflicts in 10 s',
  ]);
  assert.equal(stack.closed, 1);
});

Deno.test("publish --no-rename: the library gets rename: false; a taken name exits 1 with one line naming it", async () => {
  const stack = new FakeStack();
  stack.onPublish = (options) =>
    Promise.reject(
      new NameConflictError(`Cannot publish "${options.name}": the name is in use`, {
        fullName: `${options.name}._http._tcp.local`,
      }),
    );
  const context = testContext({ stack });
  assert.equal(await run(["publish", "Web", "_http._tcp", "80", "--no-rename"], context), 1);
  assert.equal(stack.published[0].rename, false);
  assert.deepEqual(context.output.stderr.filter((l) => l.startsWith("mdns:")), [
    'mdns: publish: "Web._http._tcp.local" is held by another host, and --no-rename keeps the name',
  ]);
  assert.equal(stack.closed, 1);
});

Deno.test("publish --no-rename: losing the name after registering (withdrawn by the library) exits 1", async () => {
  const stack = new FakeStack();
  const context = testContext({ stack });
  const running = run(["publish", "Web", "_http._tcp", "80", "--no-rename"], context);
  await settle();
  const handle = stack.handles[0];
  handle.emit({ type: "conflict", name: "Web" });
  handle.emit({ type: "goodbye", name: "Web" });
  assert.equal(await running, 1);
  assert.deepEqual(context.output.stderr.filter((l) => l.startsWith("mdns:")), [
    'mdns: publish: "Web._http._tcp.local" is held by another host, and --no-rename keeps the name',
  ]);
  // Without --no-rename the option is left to the library's default.
  const other = new FakeStack();
  const ctx = testContext({ stack: other });
  const again = publish(["Web", "_http._tcp", "80"], ctx);
  await settle();
  assert.equal(other.published[0].rename, undefined);
  ctx.interrupt();
  assert.equal(await again, 0);
});
