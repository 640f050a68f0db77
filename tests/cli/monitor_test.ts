/**
 * `monitor` end to end on the in-memory network: it prints what another host
 * sends (queries and responses, both families, malformed packets too), sends
 * nothing itself, and ends with status 0 on the signal or its timeout.
 */
import assert from "node:assert/strict";
import { monitor } from "../../cli/monitor.ts";
import { MemoryNetwork, VirtualClock } from "../../testing/mod.ts";
import { loadCorpus } from "../codec/corpus.ts";
import { settle, testContext } from "./_context.ts";

const corpus = loadCorpus();
const packet = (id: string) => corpus.find((e) => e.id === id)!.bytes;

async function lab() {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock });
  const watcher = network.host("mon", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.1.1/24", ipv6: ["fe80::1/64"] }],
  });
  const peer = network.host("peer", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.1.2/24", ipv6: ["fe80::2/64"] }],
  });
  await peer.start({ onDatagram() {}, onEvent() {} });
  return { context: testContext({ transport: watcher, clock }), network, peer, clock };
}

Deno.test("monitor: prints each packet another host sends, one line per record", async () => {
  const { context, network, peer, clock } = await lab();
  const running = monitor([], context);
  await settle();
  await peer.send(packet("e"), { interfaceName: "eth0", family: "IPv6" });
  await peer.send(packet("c"), { interfaceName: "eth0", family: "IPv4" });
  clock.advance(5);
  await settle();
  context.interrupt();
  assert.equal(await running, 0);
  const out = context.output.stdout;
  const headers = out.filter((l) => !l.startsWith("  "));
  assert.equal(headers.length, 2, out.join("\n"));
  assert.match(
    headers[0],
    / eth0 IPv6 \[fe80::2%eth0\]:5353 query id=0 flags=\[\] qd=1 an=0 ns=2 ar=0 /,
  );
  assert.match(headers[1], / eth0 IPv4 198\.18\.1\.2:5353 response .*qd=0 an=3 ns=0 ar=4 /);
  assert.ok(out.some((l) => l.includes("(QU)")));
  assert.ok(out.some((l) => l.includes("(flush)")));
  assert.equal(out.length, 2 + 3 + 7);
  assert.deepEqual(network.packets({ from: "mon" }), [], "monitor sends nothing");
  assert.match(context.output.stderr.join("\n"), /listening on eth0/);
  await network.close();
});

Deno.test("monitor --json: one object per packet; malformed packets reported, not fatal", async () => {
  const { context, network, peer, clock } = await lab();
  const running = monitor(["--json", "--timeout", "2"], context);
  await settle();
  await peer.send(packet("a"), { interfaceName: "eth0", family: "IPv4" });
  await peer.send(packet("c").subarray(0, 40), { interfaceName: "eth0", family: "IPv4" });
  await peer.send(packet("f"), { interfaceName: "eth0", family: "IPv6" });
  clock.advance(5);
  await settle();
  clock.advance(2000); // the timeout
  assert.equal(await running, 0);
  const [query, malformed, response] = context.output.messages();
  assert.equal(query.event, "query");
  assert.equal(query.ts, 1_700_000_000.001);
  assert.equal(query.source, "198.18.1.2");
  assert.deepEqual(query.questions, [
    { name: "_http._tcp.local", type: "PTR", class: "IN", unicastResponse: false },
  ]);
  assert.equal(malformed.event, "malformed");
  assert.equal(malformed.size, 40);
  assert.match(malformed.reason, /offset/);
  assert.equal(response.event, "response");
  assert.equal(response.family, "IPv6");
  assert.equal(response.source, "fe80::2%eth0");
  assert.equal(response.answers.length, 15);
  await network.close();
});
