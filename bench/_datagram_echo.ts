/**
 * Deno's own floor per datagram, for bench/responder_load_bench.ts: a bare
 * `Deno.listenDatagram` loop on port 5353 that answers each query with its
 * own bytes, QR bit set (one receive and one send per query, nothing else).
 * Run inside a test namespace only:
 *
 *   ip netns exec NS deno run -A --unstable-net bench/_datagram_echo.ts '{"address":"198.18.1.4"}'
 *
 * `"send":"await"` (default) awaits each send before the next receive;
 * `"send":"pipelined"` starts the send and goes back to receiving at once;
 * `"send":"ffi"` is our transport's receive loop and send (`ManagedSocket`
 * with the FFI drain and `sendto`, paced as the transport paces it, or with
 * `"coalesceMs"` as its tick: 0 never ticks) with nothing else done.
 *
 * @module
 */

import { ManagedSocket } from "../transport/_managed_socket.ts";
import { SockoptHatch } from "../transport/_ffi_sockopt.ts";
import { SOCKET_RECEIVE_BUFFER_BYTES } from "../transport/_link_sockets.ts";

// deno-lint-ignore no-console
const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

const config = JSON.parse(Deno.args[0] ?? "{}") as {
  address: string;
  send?: string;
  coalesceMs?: number;
};
const open = () =>
  Deno.listenDatagram({
    transport: "udp",
    hostname: config.address,
    port: 5353,
    reuseAddress: true,
  });
if (config.send === "ffi") await ffiEcho();
else await denoEcho();

async function denoEcho(): Promise<void> {
  const conn = open();
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
}

/** Our transport's technique: `ManagedSocket` with the FFI drain, pacing and `sendto`. */
async function ffiEcho(): Promise<void> {
  const { hatch } = SockoptHatch.open("auto");
  if (hatch === undefined) throw new Error("the FFI hatch is unavailable (needs --allow-ffi)");
  const { value: conn, fd } = hatch.adopt(open, config.address, 5353);
  if (fd < 0) throw new Error("the socket's descriptor was not found");
  hatch.setReceiveBuffer(fd, SOCKET_RECEIVE_BUFFER_BYTES);
  const socket = new ManagedSocket(
    conn,
    (data, hostname, port) => {
      data[2] |= 0x80; // the view is ours until we return; trySend copies it to the kernel
      if (socket.trySend(data, hostname, port) !== true) {
        conn.send(data.slice(), { transport: "udp", hostname, port }).catch(() => {});
      }
    },
    () => {},
    {
      fd,
      datagrams: hatch.datagrams,
      ...(config.coalesceMs !== undefined ? { coalesceMs: config.coalesceMs } : {}),
    },
  );
  emit({ event: "started" });
  await socket.done;
}
