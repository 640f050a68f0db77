/**
 * Floods a responder with legacy unicast queries (ephemeral source port, so
 * each reply is unicast and escapes the multicast rate limit, RFC 6762 §6.7)
 * for a while, keeping at most `window` queries unanswered, and prints how
 * many were sent and answered. Run inside a test namespace only:
 *
 *   ip netns exec NS deno run --allow-all query_flood.ts '{"address":"198.18.1.1",
 *     "name":"Den._mdt._tcp.local","type":33,"durationMs":3000,"window":32}'
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
};
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
