/**
 * Cache poisoning (issue 16, item 3): announces `records` unique records by
 * multicast from port 5353 (through our UdpTransport, IPv4), 40 to a packet,
 * at `packetsPerSecond`: the first quarter are PTR-only fake instances of
 * `type`, the rest unique A and TXT records at fake names. Prints
 * `{"event":"done","packets":N}`. Run inside a test namespace only:
 *
 *   ip netns exec NS deno run --unstable-net --allow-all poison_flood.ts \
 *     '{"records":50000,"type":"_http._tcp.local","packetsPerSecond":2000}'
 *
 * @module
 */

import { UdpTransport } from "../../../transport/udp_transport.ts";
import { POISON_RECORDS_PER_PACKET, poisonPacket } from "../poison_records.ts";

// deno-lint-ignore no-console
const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

const cfg = JSON.parse(Deno.args[0]) as {
  records: number;
  type: string;
  packetsPerSecond?: number;
  ttl?: number;
};
const rate = cfg.packetsPerSecond ?? 2000;
const ttl = cfg.ttl ?? 120;

const transport = new UdpTransport({});
await transport.start({ onDatagram() {}, onEvent() {} });
const link = transport.links.find((l) => l.ipv4.length > 0);
if (link === undefined) throw new Error("no IPv4 link");
let packets = 0;
const started = performance.now();
for (let i = 0; i < cfg.records; i += POISON_RECORDS_PER_PACKET) {
  const data = poisonPacket(i, { ...cfg, ttl });
  await transport.send(data, { interfaceName: link.name, family: "IPv4" });
  packets++;
  const ahead = started + packets * 1000 / rate - performance.now();
  if (ahead > 5) await new Promise((resolve) => setTimeout(resolve, ahead));
}
emit({ event: "done", packets, ms: Math.round(performance.now() - started) });
await transport.close();
