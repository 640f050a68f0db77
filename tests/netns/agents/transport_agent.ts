/**
 * A UdpTransport driven over stdin/stdout JSON lines, run by the namespace
 * tests inside a namespace (never in the machine's own one):
 *
 *   ip netns exec NS deno run --unstable-net --allow-all transport_agent.ts '<options JSON>'
 *
 * Options: UdpTransportOptions fields plus `preBind: true` (first hold
 * 0.0.0.0:5353 without SO_REUSEADDR, to provoke "address in use").
 *
 * stdin commands: {"op":"send","id":1,"interfaceName":"eth0","family":"IPv4",
 * "address"?:"…","port"?:5353,"hex":"…"} | {"op":"stats"} | {"op":"close"}.
 * stdout events: started, start-error, datagram, link-added, link-removed,
 * link-up, link-down, link-changed (with `previous`), send-error,
 * receive-error, sent, stats, closed.
 *
 * @module
 */

import { TransportError } from "../../../transport/transport_error.ts";
import { UdpTransport, type UdpTransportOptions } from "../../../transport/udp_transport.ts";
import { fromHex, isResponse, toHex } from "../packets.ts";
import { stdinCommands } from "./_commands.ts";

// deno-lint-ignore no-console
const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

const options = JSON.parse(Deno.args[0] ?? "{}") as UdpTransportOptions & { preBind?: boolean };
let blocker: Deno.DatagramConn | undefined;
if (options.preBind) {
  blocker = Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port: 5353 });
}

const transport = new UdpTransport(options);
try {
  await transport.start({
    onDatagram(d) {
      emit({
        event: "datagram",
        interfaceName: d.interfaceName,
        family: d.family,
        address: d.source.address,
        port: d.source.port,
        unicast: d.unicast,
        response: isResponse(d.data),
        hex: toHex(d.data),
        at: performance.now(), // arrival, on this process's clock
      });
    },
    onEvent(e) {
      if ("link" in e) emit({ event: e.type, ...e });
      else if (e.type === "send-error") {
        emit({ event: e.type, destination: e.destination, message: e.error.message });
      } else emit({ event: e.type, interfaceName: e.interfaceName, message: e.error.message });
    },
  });
} catch (error) {
  emit({
    event: "start-error",
    name: (error as Error).name,
    code: error instanceof TransportError ? error.code : undefined,
    message: (error as Error).message,
  });
  blocker?.close();
  Deno.exit(0);
}
emit({ event: "started", links: transport.links });

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await transport.close();
  blocker?.close();
  emit({ event: "closed", stats: transport.stats });
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", () => void shutdown());

for await (const cmd of stdinCommands()) {
  if (cmd.op === "send") {
    const ok = await transport.send(fromHex(cmd.hex), {
      interfaceName: cmd.interfaceName,
      family: cmd.family,
      address: cmd.address,
      port: cmd.port,
    });
    emit({ event: "sent", id: cmd.id, ok });
  } else if (cmd.op === "stats") {
    emit({ event: "stats", stats: transport.stats, links: transport.links });
  } else if (cmd.op === "close") {
    await shutdown();
  }
}
await shutdown();
