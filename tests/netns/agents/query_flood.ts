/**
 * Floods a responder with legacy unicast queries (ephemeral source port, so
 * each reply is unicast and escapes the multicast rate limit, RFC 6762 §6.7)
 * for a while, keeping at most `window` queries unanswered, and prints how
 * many were sent and answered. Run inside a test namespace only:
 *
 *   ip netns exec NS deno run --allow-all query_flood.ts '{"address":"198.18.1.1",
 *     "name":"Den._mdt._tcp.local","type":33,"durationMs":3000,"window":32}'
 *
 * With `rate`, it paces instead: `rate` queries a second, no window; with
 * `multicast` too, they are multicast from port 5353 through our UdpTransport
 * on the first link, alternating IPv4 and IPv6 (a flood of ordinary mDNS
 * queries, which the responder may answer only once a second per record,
 * RFC 6762 §6), and `received` counts nothing.
 *
 * @module
 */

import { encodeMessage } from "../../../codec/mod.ts";

// deno-lint-ignore no-console
const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

const cfg = JSON.parse(Deno.args[0]) as {
  address: string;
  name: string;
  type: number;
  durationMs: number;
  window?: number;
  rate?: number;
  multicast?: boolean;
};
if (cfg.rate !== undefined) await paced(cfg.rate);
const socket = Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port: 0 });
const query = encodeMessage({
  id: 1,
  flags: 0,
  questions: [{ name: cfg.name, type: cfg.type, class: 1, unicastResponse: false }],
  answers: [],
  authorities: [],
  additionals: [],
});
const to = { transport: "udp" as const, hostname: cfg.address, port: 5353 };
const window = cfg.window ?? 32;
let sent = 0;
let received = 0;
let written = 0; // sent minus those given up as lost
let done = false;
const start = performance.now();
const receiving = (async () => {
  try {
    while (!done) {
      await socket.receive();
      received++;
    }
  } catch {
    // closed
  }
})();
while (performance.now() - start < cfg.durationMs) {
  if (written - received >= window) {
    await new Promise((r) => setTimeout(r, 0));
    // A lost datagram would stall the window: let it slide after a pause.
    if (written - received >= window) written = received + window - 1;
    continue;
  }
  await socket.send(query, to);
  sent++;
  written++;
}
const seconds = (performance.now() - start) / 1000;
await new Promise((r) => setTimeout(r, 200));
done = true;
socket.close();
await receiving;
emit({ event: "done", sent, received, seconds });

/** The paced flood (`rate` set): reports and exits. */
async function paced(rate: number): Promise<never> {
  const query = encodeMessage({
    id: 0,
    flags: 0,
    questions: [{ name: cfg.name, type: cfg.type, class: 1, unicastResponse: false }],
    answers: [],
    authorities: [],
    additionals: [],
  });
  let send: (i: number) => Promise<unknown>;
  let close: () => Promise<void> | void;
  if (cfg.multicast) {
    const { UdpTransport } = await import("../../../transport/udp_transport.ts");
    const transport = new UdpTransport();
    await transport.start({ onDatagram() {}, onEvent() {} });
    const link = transport.links[0].name;
    send = (i) =>
      transport.send(query, { interfaceName: link, family: i % 2 === 0 ? "IPv4" : "IPv6" });
    close = () => transport.close();
  } else {
    const socket = Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port: 0 });
    const to = { transport: "udp" as const, hostname: cfg.address, port: 5353 };
    // Replies are read and dropped, so they never fill the socket's buffer.
    (async () => {
      try {
        for (;;) await socket.receive();
      } catch {
        // closed
      }
    })();
    send = () => socket.send(query, to);
    close = () => socket.close();
  }
  let sent = 0;
  const start = performance.now();
  for (;;) {
    const elapsed = performance.now() - start;
    if (elapsed >= cfg.durationMs) break;
    if (sent > elapsed * rate / 1000) {
      await new Promise((r) => setTimeout(r, 1));
      continue;
    }
    await send(sent);
    sent++;
  }
  const seconds = (performance.now() - start) / 1000;
  await close();
  emit({ event: "done", sent, received: 0, seconds });
  Deno.exit(0);
}
