/**
 * Sends one DNS query by UDP from inside a test namespace and prints the first
 * reply as JSON (decoded), or a timeout:
 *
 *   ip netns exec NS deno run --allow-all unicast_query.ts '{"name":"_mdt._tcp.local","type":12,
 *     "address":"224.0.0.251","bindPort":0,"id":4660}'
 *
 * `bindPort` 0 plays a legacy querier (ephemeral port, RFC 6762 §6.7); 5353
 * with a unicast `address` plays a direct unicast query (§5.5).
 *
 * @module
 */

import { decodeMessage, encodeMessage } from "../../../codec/mod.ts";

// deno-lint-ignore no-console
const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

const cfg = JSON.parse(Deno.args[0]) as {
  name: string;
  type: number;
  address: string;
  bindPort: number;
  id?: number;
  timeoutMs?: number;
};
const socket = Deno.listenDatagram({
  transport: "udp",
  hostname: "0.0.0.0",
  port: cfg.bindPort,
  reuseAddress: true,
});
const query = encodeMessage({
  id: cfg.id ?? 0,
  flags: 0,
  questions: [{ name: cfg.name, type: cfg.type, class: 1, unicastResponse: false }],
  answers: [],
  authorities: [],
  additionals: [],
});
await socket.send(query, { transport: "udp", hostname: cfg.address, port: 5353 });
const timer = setTimeout(() => {
  emit({ event: "timeout" });
  socket.close();
}, cfg.timeoutMs ?? 3000);
try {
  for (;;) {
    const [data, from] = await socket.receive();
    const message = decodeMessage(data);
    if (!(message.flags & 0x8000)) continue; // a query (ours looped back, or another's)
    const addr = from as Deno.NetAddr;
    emit({
      event: "reply",
      from: addr.hostname,
      fromPort: addr.port,
      message: JSON.parse(JSON.stringify(message, (_k, v) => v instanceof Uint8Array ? [...v] : v)),
    });
    break;
  }
} catch {
  // closed on timeout
}
clearTimeout(timer);
try {
  socket.close();
} catch {
  // already closed
}
