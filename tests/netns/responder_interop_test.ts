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

// deno-lint-ignore no-explicit-any
type Reply = { event: string; from?: string; fromPort?: number; message?: any };

async function query(
  host: import("./harness.ts").Host,
  cfg: { name: string; type: number; address: string; bindPort: number; id?: number },
): Promise<Reply> {
  const child = host.deno(new URL("./agents/unicast_query.ts", import.meta.url).pathname, [
    JSON.stringify(cfg),
  ]);
  return await child.waitFor((m: Reply) => m.event === "reply" || m.event === "timeout", {
    timeoutMs: 10_000,
  });
}

netnsTest(
  "responder: legacy unicast and direct unicast queries get correct unicast replies",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const ours = await Publisher.start(a, { hostName: "ours-a.local" });
    await ours.publish({ name: "Legacy", type: "_mdt._tcp", port: 4242 });
    // A plain socket needs a route for the group (the namespace has no default route).
    await b.exec(["ip", "route", "add", "224.0.0.0/4", "dev", "eth0"]);
    const legacy = await query(b, {
      name: "_mdt._tcp.local",
      type: 12,
      address: "224.0.0.251",
      bindPort: 0,
      id: 0x1234,
    });
    assert.equal(legacy.event, "reply");
    assert.equal(legacy.from, "198.18.1.1");
    assert.equal(legacy.fromPort, 5353);
    const m = legacy.message;
    assert.equal(m.id, 0x1234);
    assert.deepEqual(m.questions.map((q: { name: string }) => q.name), ["_mdt._tcp.local"]);
    const records = [...m.answers, ...m.additionals];
    assert.ok(records.some((r: { data: unknown }) => r.data === "Legacy._mdt._tcp.local"));
    assert.ok(
      records.every((r: { ttl: number; cacheFlush: boolean }) => r.ttl <= 10 && !r.cacheFlush),
    );

    const direct = await query(b, {
      name: "ours-a.local",
      type: 1,
      address: "198.18.1.1",
      bindPort: 5353,
    });
    assert.equal(direct.event, "reply");
    assert.equal(direct.from, "198.18.1.1");
    assert.deepEqual(direct.message.answers.map((r: { data: string }) => r.data), ["198.18.1.1"]);
    await ours.close();
  },
);

netnsTest(
  "responder: a multi-homed host tells each link its own addresses; a service limited to one link is invisible on the other",
  async () => {
    await using lab = await Lab.create();
    const br1 = await lab.addBridge();
    const br2 = await lab.addBridge();
    const [a, b, c] = [await lab.addHost("a"), await lab.addHost("b"), await lab.addHost("c")];
    await lab.connect(a, br1);
    await lab.connect(a, br2);
    await lab.connect(b, br1);
    await lab.connect(c, br2);
    await b.exec(["ip", "route", "add", "224.0.0.0/4", "dev", "eth0"]);
    await c.exec(["ip", "route", "add", "224.0.0.0/4", "dev", "eth0"]);
    const ours = await Publisher.start(a, { hostName: "ours-a.local" });
    await ours.publish({ name: "Only One", type: "_mdt._tcp", port: 4242, interfaces: ["eth0"] });
    const ask = (host: typeof b, name: string, type: number) =>
      query(host, { name, type, address: "224.0.0.251", bindPort: 0 });
    const onB = await ask(b, "ours-a.local", 1);
    const onC = await ask(c, "ours-a.local", 1);
    const addresses = (r: Reply) => r.message.answers.map((x: { data: string }) => x.data);
    assert.deepEqual(addresses(onB), [a.interfaces.get("eth0")!.ipv4]);
    assert.deepEqual(addresses(onC), [a.interfaces.get("eth1")!.ipv4]);
    const v6OnC = await ask(c, "ours-a.local", 28);
    assert.ok(
      !addresses(v6OnC).includes(a.interfaces.get("eth0")!.ipv6),
      addresses(v6OnC).join(),
    );
    assert.equal((await ask(b, "_mdt._tcp.local", 12)).event, "reply");
    assert.equal((await ask(c, "_mdt._tcp.local", 12)).event, "timeout");
    await ours.close();
  },
);

netnsTest("responder: we defend a name we hold; avahi renames", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const [ours, avahi] = await Promise.all([
    Publisher.start(a, { hostName: "ours-a.local" }),
    startAvahi(b, { hostName: "avahi-b" }),
  ]);
  const { id, name } = await ours.publish({ name: "Held", type: "_mdt._tcp", port: 4242 });
  assert.equal(name, "Held");
  const theirs = await avahi.publish("Held", "_mdt._tcp", 1234);
  const line = [...theirs.lines, theirs.stderr].join("\n");
  assert.match(line, /Established under name 'Held #2'/);
  assert.ok(!ours.events(id).some((m) => m.event === "renamed" || m.event === "conflict"));
  await theirs.stop();
  await ours.close();
});
