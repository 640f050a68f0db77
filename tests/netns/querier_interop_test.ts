/**
 * Our querier against real peers on another host: avahi-daemon
 * (`avahi-publish -s`) and python-zeroconf. Our browse sees their services
 * with host, port, addresses and TXT, and sees them removed on their goodbye;
 * resolve and lookup answer for their hosts and fail cleanly for a missing one.
 */

import assert from "node:assert/strict";
import { Lab, netnsTest, startAvahi, zeroconfPublish } from "./harness.ts";
import { type Message, QuerierAgent as Querier } from "./querier_agent.ts";

const NAME = 'Büro "A".1'; // a dot, quotes and UTF-8 in one label

netnsTest(
  "querier: browses, resolves and looks up avahi's service; removed on its goodbye",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const avahi = await startAvahi(b, { hostName: "avahi-b", interfaces: ["eth0"] });
    const ours = await Querier.start(a);
    const browse = await ours.op({ op: "browse", type: "_mdq._tcp" });
    const publisher = await avahi.publish(NAME, "_mdq._tcp", 4242, ["k=v", "flag"]);

    const added = await ours.browseEvent(browse, "added", NAME);
    const s = added.service;
    assert.equal(s.fullName.endsWith("._mdq._tcp.local"), true, s.fullName);
    assert.equal(s.host.toLowerCase(), "avahi-b.local");
    assert.equal(s.port, 4242);
    assert.deepEqual(s.txt, { k: "v", flag: null });
    assert.ok(s.addresses.includes("198.18.1.2 eth0"), s.addresses.join());
    // avahi publishes its IPv6 addresses too: the ULA and/or fe80 with our link as its zone.
    assert.ok(
      s.addresses.some((x: string) =>
        x === "fd00:5353:1::2 eth0" || /^fe80::.*%eth0 eth0$/.test(x)
      ),
      s.addresses.join(),
    );
    assert.deepEqual(s.interfaces, ["eth0"]);

    const resolve = await ours.op({ op: "resolve", instance: s.fullName, timeout: 3000 });
    const resolved = await ours.reply(resolve, "resolved");
    assert.equal(resolved.event, "resolved", JSON.stringify(resolved));
    assert.equal(resolved.service.port, 4242);

    const lookup = await ours.op({ op: "lookup", name: "avahi-b.local", timeout: 3000 });
    const found = await ours.reply(lookup, "lookup");
    assert.ok(
      found.addresses.some((x: Message) => x.address === "198.18.1.2"),
      JSON.stringify(found),
    );
    const noService = await ours.op({
      op: "resolve",
      instance: "Nobody._mdq._tcp.local",
      timeout: 1500,
    });
    const unresolved = await ours.reply(noService, "resolved");
    assert.deepEqual([unresolved.event, unresolved.name], ["failed", "ResolveError"]);
    assert.match(unresolved.message, /no SRV, no TXT, no address/);
    const missing = await ours.op({ op: "lookup", name: "nobody-here.local", timeout: 1500 });
    const failed = await ours.reply(missing, "lookup");
    assert.deepEqual([failed.event, failed.name], ["failed", "LookupError"]);

    const types = await ours.op({ op: "browse" });
    const type = await ours.child.waitFor(
      (m: Message) => m.event === "browse" && m.id === types && m.serviceType === "_mdq._tcp",
      { timeoutMs: 15_000, what: "service type" },
    );
    assert.equal(type.type, "added");

    await publisher.stop(); // avahi-publish withdraws: goodbyes
    const removed = await ours.browseEvent(browse, "removed", NAME, 10_000);
    assert.equal(removed.service.port, 4242);
    await ours.close();
  },
);

const PY_NAME = 'Büro "Z" ✓'; // python-zeroconf cannot put a dot inside a label

netnsTest("querier: python-zeroconf's service, its TXT change and its goodbye", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const ours = await Querier.start(a);
  const browse = await ours.op({ op: "browse", type: "_mdz._tcp" });
  const peer = await zeroconfPublish(b, {
    name: PY_NAME,
    type: "_mdz._tcp.local.",
    port: 8080,
    server: "pyhost-b.local.",
    addresses: ["198.18.1.2"],
    txt: { k: "v" },
    updateTxt: { k: "v2", n: "1" },
    updateAfterMs: 3000,
  });
  const added = await ours.browseEvent(browse, "added", PY_NAME).catch(async (e) => {
    const dump = await ours.reply(await ours.op({ op: "dump" }), "dump");
    throw new Error(`${e.message}\n${JSON.stringify(dump, null, 1)}`);
  });
  const s = added.service;
  assert.equal(s.host.toLowerCase(), "pyhost-b.local");
  assert.equal(s.port, 8080);
  assert.deepEqual(s.txt, { k: "v" });
  assert.deepEqual(s.addresses, ["198.18.1.2 eth0"]);
  await peer.waitFor((m: Message) => m.event === "updated", {
    timeoutMs: 10_000,
    what: "TXT update",
  });
  const updated = await ours.browseEvent(browse, "updated", PY_NAME, 10_000);
  assert.deepEqual(updated.service.txt, { k: "v2", n: "1" });
  await peer.stop(); // python-zeroconf unregisters: goodbyes
  const removed = await ours.browseEvent(browse, "removed", PY_NAME, 10_000);
  assert.equal(removed.service.port, 8080);
  await ours.close();
});

netnsTest(
  "querier: a multi-homed publisher is one service per browser, with each link's addresses; a lost link loses only its addresses",
  async () => {
    await using lab = await Lab.create();
    const br1 = await lab.addBridge();
    const br2 = await lab.addBridge();
    const mh = await lab.addHost("mh"); // the publisher, on both links: .1
    const q = await lab.addHost("q"); // our multi-homed browser: .2
    const pa = await lab.addHost("pa"); // our browser on link 1 only: .3
    await lab.connect(mh, br1);
    await lab.connect(mh, br2);
    await lab.connect(q, br1);
    await lab.connect(q, br2);
    await lab.connect(pa, br1);
    const avahi = await startAvahi(mh, { hostName: "avahi-mh", interfaces: ["eth0", "eth1"] });
    const [both, one] = await Promise.all([Querier.start(q), Querier.start(pa)]);
    const browseBoth = await both.op({ op: "browse", type: "_mdm._tcp" });
    const browseOne = await one.op({ op: "browse", type: "_mdm._tcp" });
    await avahi.publish("Multi", "_mdm._tcp", 7000);

    const v4 = (s: Message) => s.addresses.filter((x: string) => x.startsWith("198.18."));
    const seenByOne = await one.browseEvent(browseOne, "added", "Multi");
    assert.deepEqual(v4(seenByOne.service), ["198.18.1.1 eth0"]);
    assert.deepEqual(seenByOne.service.interfaces, ["eth0"]);
    const full = await both.child.waitFor(
      (m: Message) =>
        m.event === "browse" && m.id === browseBoth && m.service?.name === "Multi" &&
        m.service.interfaces.length === 2 && v4(m.service).length === 2,
      { timeoutMs: 15_000, what: "the service on both links" },
    );
    assert.deepEqual(v4(full.service), ["198.18.1.1 eth0", "198.18.2.1 eth1"]);

    const since = both.child.mark();
    await lab.unplug(q, "eth1");
    const after = await both.child.waitFor(
      (m: Message) => m.event === "browse" && m.id === browseBoth && m.service?.name === "Multi",
      { since, timeoutMs: 15_000, what: "the service after eth1 went away" },
    );
    assert.equal(after.type, "updated");
    assert.deepEqual(v4(after.service), ["198.18.1.1 eth0"]);
    assert.deepEqual(after.service.interfaces, ["eth0"]);
    await Promise.all([both.close(), one.close()]);
  },
);
