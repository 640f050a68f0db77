/**
 * Our responder against Avahi and python-zeroconf on real sockets in
 * namespaces: they see our services (name, host, port, addresses, TXT),
 * see them go on our goodbye, and we rename when a name is taken.
 */

import assert from "node:assert/strict";
import {
  type AvahiBrowseEntry,
  Lab,
  netnsTest,
  startAvahi,
  zeroconfBrowse,
  type ZeroconfBrowseEvent,
} from "./harness.ts";
import { Publisher } from "./publisher.ts";

const NAME = 'Büro.Drucker "A" (1)';
const TXT = { flag: true, note: "hello world" };

netnsTest("responder: avahi-browse -r sees our service, then its removal within 2 s", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const [ours, avahi] = await Promise.all([
    Publisher.start(a, { hostName: "ours-a.local" }),
    startAvahi(b, { hostName: "avahi-b" }),
  ]);
  const browser = avahi.browse("_mdt._tcp");
  const { id, name } = await ours.publish({ name: NAME, type: "_mdt._tcp", port: 4242, txt: TXT });
  assert.equal(name, NAME);
  const resolved = (protocol: string) =>
    browser.waitFor(
      (e: AvahiBrowseEntry) => e.event === "=" && e.name === NAME && e.protocol === protocol,
      { timeoutMs: 10_000, what: `avahi resolving over ${protocol}` },
    );
  const [v4, v6] = await Promise.all([resolved("IPv4"), resolved("IPv6")]).catch((e) => {
    throw new Error(`${e.message}\n${browser.lines.join("\n")}`);
  });
  for (const e of [v4, v6]) {
    assert.equal(e.host, "ours-a.local");
    assert.equal(e.port, 4242);
    assert.deepEqual([...e.txt!].sort(), ["flag", "note=hello world"]);
  }
  assert.equal(v4.address, "198.18.1.1");
  // avahi resolves the host's IPv6 addresses too.
  const aaaa = await avahi.resolveHost("ours-a.local", 6);
  assert.ok(aaaa.some((x) => x.includes(":")), aaaa.join());
  // An empty TXT goes out as one zero byte and causes no conflict loop.
  const empty = await ours.publish({ name: "Empty", type: "_mdt._tcp", port: 1 });
  await browser.waitFor((e: AvahiBrowseEntry) => e.event === "=" && e.name === "Empty", {
    timeoutMs: 10_000,
  });
  await new Promise((r) => setTimeout(r, 2000));
  assert.deepEqual(ours.events(empty.id).map((m) => m.event), [
    "probing",
    "registered",
    "published",
  ]);

  const since = browser.mark();
  const t0 = performance.now();
  await ours.unpublish(id);
  await browser.waitFor((e: AvahiBrowseEntry) => e.event === "-" && e.name === NAME, {
    since,
    timeoutMs: 2000,
    what: "avahi seeing our goodbye",
  });
  assert.ok(performance.now() - t0 < 2000);
  await browser.stop();
  await ours.close();
});

netnsTest("responder: python-zeroconf sees our service, then its removal within 2 s", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const [ours, browser] = await Promise.all([
    Publisher.start(a, { hostName: "ours-a.local" }),
    zeroconfBrowse(b, "_mdt._tcp.local."),
  ]);
  const { id } = await ours.publish({ name: NAME, type: "_mdt._tcp", port: 4242, txt: TXT });
  const added = await browser.waitFor(
    (e: ZeroconfBrowseEvent) => e.event !== "browsing" && e.resolved === true,
    { timeoutMs: 10_000, what: "python-zeroconf resolving our service" },
  );
  assert.equal(added.name, `${NAME}._mdt._tcp.local.`);
  assert.equal(added.server, "ours-a.local.");
  assert.equal(added.port, 4242);
  assert.ok(added.addresses!.includes("198.18.1.1"), added.addresses!.join());
  assert.ok(added.addresses!.some((x) => x.includes(":")), added.addresses!.join());
  assert.deepEqual(added.txt, { flag: null, note: "hello world" });
  const since = browser.mark();
  const t0 = performance.now();
  await ours.unpublish(id);
  await browser.waitFor((e: ZeroconfBrowseEvent) => e.event === "removed", {
    since,
    timeoutMs: 2000,
    what: "python-zeroconf seeing our goodbye",
  });
  assert.ok(performance.now() - t0 < 2000);
  await browser.stop();
  await ours.close();
});

netnsTest("responder: publishing a name avahi holds makes us rename", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const [ours, avahi] = await Promise.all([
    Publisher.start(a, { hostName: "ours-a.local" }),
    startAvahi(b, { hostName: "avahi-b" }),
  ]);
  const held = await avahi.publish("Taken", "_mdt._tcp", 1234);
  const { id, name } = await ours.publish({ name: "Taken", type: "_mdt._tcp", port: 4242 });
  assert.equal(name, "Taken (2)");
  const events = ours.events(id).map((m) => m.event);
  assert.ok(events.includes("renamed"), events.join());
  await held.stop();
  await ours.close();
});

netnsTest(
  "responder: two of our stacks probing one name at once end with exactly one rename",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const [pa, pb] = await Promise.all([
      Publisher.start(a, { hostName: "ours-a.local" }),
      Publisher.start(b, { hostName: "ours-b.local" }),
    ]);
    const [ra, rb] = await Promise.all([
      pa.publish({ name: "Same", type: "_mdt._tcp", port: 1 }),
      pb.publish({ name: "Same", type: "_mdt._tcp", port: 2 }),
    ]);
    assert.deepEqual([ra.name, rb.name].sort(), ["Same", "Same (2)"]);
    await Promise.all([pa.close(), pb.close()]);
  },
);
