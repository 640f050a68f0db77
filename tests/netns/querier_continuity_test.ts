/**
 * Our querier over real sockets when the network under a browse changes
 * (issue 14): a publisher's host renumbered with `ip addr` is one `updated`,
 * never `removed` then `added` (item 3); a bounce of the browser's own link,
 * seen without FFI only as address changes, is followed by queries within
 * two seconds (item 4).
 */

import assert from "node:assert/strict";
import { Agent, carries } from "./agent.ts";
import { Lab, netnsTest, startAvahi } from "./harness.ts";
import { type Message, QuerierAgent } from "./querier_agent.ts";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

netnsTest(
  "querier: avahi's host renumbered (address gone, a new one 1.2 s later) is one update",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    // IPv4 only (avahi publishes AAAA records even with use-ipv6=no, so the
    // host has none): the A record is the service's one address, and the
    // renumbering leaves it with none for a moment.
    await b.exec(["sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=1"]);
    const avahi = await startAvahi(b, { hostName: "avahi-rn", interfaces: ["eth0"], ipv6: false });
    const ours = await QuerierAgent.start(a);
    const browse = await ours.op({ op: "browse", type: "_mdr._tcp" });
    await avahi.publish("Renumbered", "_mdr._tcp", 4243);
    const added = await ours.browseEvent(browse, "added", "Renumbered");
    assert.deepEqual(added.service.addresses, ["198.18.1.2 eth0"]);
    // Renumbered: the old address goes (avahi withdraws its A), the new one
    // comes 1.2 s later (avahi probes and announces it).
    const since = ours.child.mark();
    await b.ip("addr", "del", "198.18.1.2/24", "dev", "eth0");
    await delay(1200);
    await b.ip("addr", "add", "198.18.1.60/24", "dev", "eth0", "nodad");
    const renumbered = await ours.child.waitFor(
      (m: Message) =>
        m.event === "browse" && m.id === browse && m.service?.name === "Renumbered" &&
        m.service.addresses.includes("198.18.1.60 eth0"),
      { since, timeoutMs: 15_000, what: "the service at its new address" },
    );
    assert.equal(renumbered.type, "updated");
    const events = ours.child.filter(
      (m: Message) => m.event === "browse" && m.id === browse && m.service?.name === "Renumbered",
      since,
    ).map((m: Message) => `${m.type} ${m.service.addresses.join(",")}`);
    assert.ok(events.every((e) => e.startsWith("updated ")), events.join(" | "));
    await ours.close();
  },
);

netnsTest(
  "querier: a host avahi publishes renumbered (goodbye for the old A, the new A 1.2 s later) is one update",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const avahi = await startAvahi(b, { hostName: "avahi-px", interfaces: ["eth0"] });
    const ours = await QuerierAgent.start(a);
    const browse = await ours.op({ op: "browse", type: "_mdp._tcp" });
    // A proxied host: its only address is the one avahi-publish -a gives it.
    const old = await avahi.publishAddress("moving.local", "198.18.1.50");
    await avahi.publish("Moving", "_mdp._tcp", 4244, [], { host: "moving.local" });
    const added = await ours.browseEvent(browse, "added", "Moving");
    assert.deepEqual(added.service.addresses, ["198.18.1.50 eth0"]);
    const since = ours.child.mark();
    await old.stop(); // avahi withdraws the A: a goodbye, gone from our cache a second later
    await delay(1200);
    await avahi.publishAddress("moving.local", "198.18.1.60"); // probed, then announced
    const renumbered = await ours.child.waitFor(
      (m: Message) =>
        m.event === "browse" && m.id === browse && m.service?.name === "Moving" &&
        m.service.addresses.includes("198.18.1.60 eth0"),
      { since, timeoutMs: 15_000, what: "the service at its new address" },
    );
    assert.equal(renumbered.type, "updated");
    assert.deepEqual(renumbered.service.addresses, ["198.18.1.60 eth0"]);
    const events = ours.child.filter(
      (m: Message) => m.event === "browse" && m.id === browse && m.service?.name === "Moving",
      since,
    ).map((m: Message) => `${m.type} ${m.service.addresses.join(",")}`);
    assert.deepEqual(events, ["updated 198.18.1.60 eth0"]);
    await ours.close();
  },
);

netnsTest(
  "querier: without FFI, ip link down/up on the browser's link is followed by queries within 2 s",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const monitor = await Agent.start(b);
    const ours = await QuerierAgent.start(a, { ffi: "off" });
    await ours.op({ op: "browse", type: "_mdb._tcp" });
    const asked = (since: number) =>
      monitor.datagrams((d) => !d.response && carries(d, "_mdb"), since);
    // Queries at about 0, 1, 3, 7 and 15 s; the back-off puts the next at 31 s.
    await monitor.waitDatagram((d) => !d.response && carries(d, "_mdb"), {
      timeoutMs: 5000,
      what: "the first query",
    });
    await delay(16_500);
    await a.setLink("eth0", "down");
    await delay(1500); // the transport polls every 200 ms: it sees the IPv6 addresses go
    const since = monitor.child.mark();
    const upAt = Date.now();
    await a.setLink("eth0", "up");
    const query = await monitor.waitDatagram((d) => !d.response && carries(d, "_mdb"), {
      since,
      timeoutMs: 2000,
      what: "a query within 2 s of the link coming back",
    });
    assert.ok(Date.now() - upAt <= 2000, `${Date.now() - upAt} ms`);
    assert.equal(query.interfaceName, "eth0");
    assert.ok(asked(since).length >= 1);
    await Promise.all([ours.close(), monitor.close()]);
  },
);
