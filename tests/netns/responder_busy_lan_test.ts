/**
 * Issue 13 over real sockets, against avahi-daemon: (c) a service with a
 * 3,000-byte TXT (sent alone in one datagram of up to 9000 bytes, RFC 6762
 * §17) resolves in `avahi-browse -r`; (d) avahi's goodbyes (TTL 0 records at
 * our names, other rdata) never rename us, while we probe or after.
 */

import assert from "node:assert/strict";
import { Agent, type AgentDatagram } from "./agent.ts";
import { type AvahiBrowseEntry, Lab, netnsTest, startAvahi } from "./harness.ts";
import { fromHex } from "./packets.ts";
import { Publisher } from "./publisher.ts";
import { decodeMessage, type DnsMessage, RecordType } from "../../codec/mod.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

netnsTest("busy LAN: avahi-browse -r resolves a service with a 3,000-byte TXT", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const [ours, avahi] = await Promise.all([
    Publisher.start(a, { hostName: "ours-a.local" }),
    startAvahi(b, { hostName: "avahi-b" }),
  ]);
  const txt: Record<string, string> = {};
  for (let i = 0; i < 12; i++) txt[`k${i}`] = String(i % 10).repeat(246); // 12 × 250 bytes
  const browser = avahi.browse("_mdt._tcp");
  await ours.publish({ name: "Big TXT", type: "_mdt._tcp", port: 4242, txt });
  const resolved = await browser.waitFor(
    (e: AvahiBrowseEntry) => e.event === "=" && e.name === "Big TXT" && e.protocol === "IPv4",
    { timeoutMs: 15_000, what: "avahi resolving the 3,000-byte TXT" },
  ).catch((e) => {
    throw new Error(`${e.message}\n${browser.lines.join("\n")}`);
  });
  assert.equal(resolved.port, 4242);
  assert.equal(resolved.host, "ours-a.local");
  assert.equal(resolved.txt!.length, 12);
  for (let i = 0; i < 12; i++) {
    assert.ok(resolved.txt!.includes(`k${i}=${String(i % 10).repeat(246)}`), `k${i}`);
  }
  await browser.stop();
  await ours.close();
});

/** The TTL-0 records of a datagram avahi sent, at `name`. */
function goodbyesAt(d: AgentDatagram, name: string): DnsMessage | undefined {
  const message = decodeMessage(fromHex(d.hex));
  const at = message.answers.filter((r) => r.name.toLowerCase() === name && r.ttl === 0);
  return at.length > 0 ? message : undefined;
}

netnsTest(
  "busy LAN: avahi's goodbyes at our names, while we probe and after, never rename us",
  async () => {
    await using lab = await Lab.create();
    const [a, b, c] = await lab.hostsOnOneBridge("a", "b", "c");
    // avahi first holds what we will claim: our host name and a service name.
    const [avahi, listener] = await Promise.all([
      startAvahi(b, { hostName: "ours-a" }),
      Agent.start(c, { ffi: "off" }),
    ]);
    const held = await avahi.publish("Clash", "_mdt._tcp", 1234, ["from=avahi"]);
    let since = listener.child.mark();
    await held.stop(); // avahi withdraws the service: goodbyes for its SRV, TXT, PTRs
    const serviceBye = await listener.waitDatagram(
      (d) =>
        d.response && d.family === "IPv4" && goodbyesAt(d, "clash._mdt._tcp.local") !== undefined,
      { since, timeoutMs: 10_000, what: "avahi's goodbye for Clash" },
    );
    since = listener.child.mark();
    await avahi.stop(); // the daemon leaves: goodbyes for ours-a.local's addresses
    const hostBye = await listener.waitDatagram(
      (d) => d.response && d.family === "IPv4" && goodbyesAt(d, "ours-a.local") !== undefined,
      { since, timeoutMs: 10_000, what: "avahi's goodbye for ours-a.local" },
    );
    const byes = [serviceBye, hostBye].map((d) => fromHex(d.hex));
    // Avahi's records differ from ours (its port 1234 and address 198.18.1.2).
    const srv = goodbyesAt(serviceBye, "clash._mdt._tcp.local")!.answers.find((r) =>
      r.type === RecordType.SRV
    );
    assert.equal((srv?.data as { port: number } | undefined)?.port, 1234);

    // We publish both names while avahi's goodbyes keep arriving (every 100 ms
    // from c, verbatim), through our probes and after.
    const ours = await Publisher.start(a, { hostName: "ours-a.local" });
    let replaying = true;
    const replay = (async () => {
      let sent = 0;
      while (replaying) {
        for (const bye of byes) await listener.send(bye, { interfaceName: "eth0", family: "IPv4" });
        sent++;
        await sleep(100);
      }
      return sent;
    })();
    const published = await ours.publish({ name: "Clash", type: "_mdt._tcp", port: 4242 });
    await sleep(3000); // established: goodbyes keep coming
    replaying = false;
    const rounds = await replay;
    assert.ok(rounds >= 10, `${rounds} rounds of goodbyes`);
    assert.equal(published.name, "Clash");
    assert.equal(published.host, "ours-a.local");
    const events = ours.events(published.id).map((m) => m.event);
    assert.ok(!events.includes("conflict") && !events.includes("renamed"), events.join());
    // And the host was never probed again after registering: still ours-a.local.
    const check = await ours.publish({ name: "After", type: "_mdt._tcp", port: 1 });
    assert.equal(check.host, "ours-a.local");
    await listener.close();
    await ours.close();
  },
);
