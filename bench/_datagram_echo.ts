/**
 * Deno's own floor per datagram, for bench/responder_load_bench.ts: a bare
 * `Deno.listenDatagram` loop on port 5353 that answers each query with its
 * own bytes, QR bit set (one receive and one send per query, nothing else).
 * Run inside a test namespace only:
 *
 *   ip netns exec NS deno run -A --unstable-net bench/_datagram_echo.ts '{"address":"198.18.1.4"}'
 *
 * `"send":"await"` (default) awaits each send before the next receive;
 * `"send":"pipelined"` starts the send and goes back to receiving at once.
 *
 * @module
 */

// deno-lint-ignore no-console
const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

const config = JSON.parse(Deno.args[0] ?? "{}") as { address: string; send?: string };
const conn = Deno.listenDatagram({
  transport: "udp",
  hostname: config.address,
  port: 5353,
  reuseAddress: true,
});
emit({ event: "started" });
const buffer = new Uint8Array(9000);
const pipelined = config.send === "pipelined";
try {
  while (true) {
    const [data, from] = await conn.receive(buffer);
    const reply = data.slice();
    reply[2] |= 0x80;
    if (pipelined) conn.send(reply, from).catch(() => {});
    else await conn.send(reply, from);
  }
} catch {
  // closed
}
