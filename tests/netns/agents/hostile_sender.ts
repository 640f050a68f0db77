/**
 * Fires the hostile packets of `../hostile_packets.ts` at a stack, from inside
 * a test namespace (never the machine's own one):
 *
 *   ip netns exec NS deno run --unstable-net --allow-all hostile_sender.ts '{"seed":1,
 *     "count":10000,"rate":2500,"v4":"198.18.1.1","v6":"fd00:5353:1::1","target":{...}}'
 *
 * Packet i goes over IPv4 when i is even and IPv6 when odd: multicast from
 * port 5353 through our UdpTransport on every link, or (the `other-port`
 * shape) unicast from an ephemeral port to the target's address. Paced at
 * `rate` packets a second. stdout: started, progress (every 10 %), done (sent,
 * by kind, by family, failed sends).
 *
 * @module
 */

import { UdpTransport } from "../../../transport/udp_transport.ts";
import { HostileGenerator, type HostileTarget } from "../hostile_packets.ts";

// deno-lint-ignore no-console
const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

const cfg = JSON.parse(Deno.args[0]) as {
  seed: number;
  count: number;
  rate: number;
  v4: string;
  v6: string;
  target: HostileTarget;
};
const transport = new UdpTransport();
await transport.start({ onDatagram() {}, onEvent() {} });
const link = transport.links[0];
const v4 = Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port: 0 });
const v6 = Deno.listenDatagram({ transport: "udp", hostname: "::", port: 0 });
emit({ event: "started", link: link.name });

const generator = new HostileGenerator(cfg.seed, cfg.target);
const byKind: Record<string, number> = {};
const byFamily = { IPv4: 0, IPv6: 0 };
let sent = 0;
let failed = 0;
const start = performance.now();
for (let i = 0; i < cfg.count; i++) {
  // Pace: never ahead of `rate`; yield to the event loop while waiting.
  while (i > (performance.now() - start) * cfg.rate / 1000) {
    await new Promise((r) => setTimeout(r, 1));
  }
  const packet = generator.packet(i);
  const family = i % 2 === 0 ? "IPv4" : "IPv6";
  let ok: boolean;
  if (packet.route === "other-port") {
    const socket = family === "IPv4" ? v4 : v6;
    const hostname = family === "IPv4" ? cfg.v4 : cfg.v6;
    ok = await socket.send(packet.bytes, { transport: "udp", hostname, port: 5353 }).then(
      () => true,
      () => false,
    );
  } else {
    ok = await transport.send(packet.bytes, { interfaceName: link.name, family });
  }
  if (!ok) {
    failed++;
    continue;
  }
  sent++;
  byKind[packet.kind] = (byKind[packet.kind] ?? 0) + 1;
  byFamily[family]++;
  if ((i + 1) % Math.max(1, Math.floor(cfg.count / 10)) === 0) {
    emit({ event: "progress", sent });
  }
}
const seconds = (performance.now() - start) / 1000;
v4.close();
v6.close();
await transport.close();
emit({ event: "done", sent, failed, byKind, byFamily, seconds });
