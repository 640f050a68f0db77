/**
 * An Mdns stack (UdpTransport) whose querier is driven over JSON lines, run
 * by the namespace tests inside a namespace (never in the machine's own one):
 *
 *   ip netns exec NS deno run --unstable-net --allow-all querier_agent.ts '<options JSON>'
 *
 * Options: UdpTransportOptions fields, and `hostName` for the stack.
 * stdin commands: {"op":"browse","id":1,"type"?:"_http._tcp"} |
 * {"op":"publish","id":6,"options":{PublishOptions without signal}} |
 * {"op":"resolve","id":2,"instance":"…","timeout"?:3000} |
 * {"op":"lookup","id":3,"name":"box.local","timeout"?:3000} |
 * {"op":"reverse","id":4,"address":"…"} | {"op":"dump","id":5} (the peer cache) |
 * {"op":"close"}.
 * stdout events: started, start-error, browse (id, type, service | serviceType),
 * resolved, lookup, publish (id, type: probing | registered | renamed |
 * conflict | goodbye, name), published (id, name), failed (id, name, message),
 * closed.
 *
 * @module
 */

import { Mdns } from "../../../mdns.ts";
import type { ServiceInfo } from "../../../cache/service_info.ts";
import { UdpTransport, type UdpTransportOptions } from "../../../transport/udp_transport.ts";
import { stdinCommands } from "./_commands.ts";

// deno-lint-ignore no-console
const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

const { hostName, ...options } = JSON.parse(Deno.args[0] ?? "{}") as
  & UdpTransportOptions
  & { hostName?: string };
let mdns: Mdns;
try {
  mdns = await Mdns.start({ transport: new UdpTransport(options), hostName });
} catch (error) {
  emit({ event: "start-error", message: (error as Error).message });
  Deno.exit(0);
}
emit({ event: "started", links: mdns.links.map((l) => l.name) });

const plain = (s: ServiceInfo) => ({
  fullName: s.fullName,
  name: s.name,
  type: s.type,
  domain: s.domain,
  host: s.host,
  port: s.port,
  txt: s.txt === undefined ? undefined : Object.fromEntries(
    s.txt.keys().map((k) => {
      const v = s.txt!.getString(k);
      return [k, v === true ? null : v];
    }),
  ),
  addresses: s.addresses.map((a) => `${a.address} ${a.interfaceName}`),
  interfaces: s.interfaces,
});

const fail = (id: number, error: unknown) =>
  emit({ event: "failed", id, name: (error as Error).name, message: (error as Error).message });

async function browse(id: number, type: string | undefined): Promise<void> {
  if (type === undefined) {
    for await (const e of mdns.browse()) emit({ event: "browse", id, ...e });
    return;
  }
  for await (const e of mdns.browse(type)) {
    emit({ event: "browse", id, type: e.type, service: plain(e.service) });
  }
}

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await mdns.close();
  emit({ event: "closed", stats: mdns.stats });
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", () => void shutdown());

for await (const cmd of stdinCommands()) {
  if (cmd.op === "browse") {
    browse(cmd.id, cmd.type).catch((e) => fail(cmd.id, e));
  } else if (cmd.op === "publish") {
    mdns.publish({
      ...cmd.options,
      onEvent: (e) => emit({ event: "publish", id: cmd.id, ...e }),
    }).then(
      (s) => emit({ event: "published", id: cmd.id, name: s.name, host: s.host }),
      (e) => fail(cmd.id, e),
    );
  } else if (cmd.op === "resolve") {
    mdns.resolve(cmd.instance, { timeout: cmd.timeout }).then(
      (s) => emit({ event: "resolved", id: cmd.id, service: plain(s) }),
      (e) => fail(cmd.id, e),
    );
  } else if (cmd.op === "lookup") {
    mdns.lookupHost(cmd.name, { timeout: cmd.timeout }).then(
      (addresses) => emit({ event: "lookup", id: cmd.id, addresses }),
      (e) => fail(cmd.id, e),
    );
  } else if (cmd.op === "reverse") {
    mdns.lookupAddress(cmd.address, { timeout: cmd.timeout }).then(
      (names) => emit({ event: "lookup", id: cmd.id, names }),
      (e) => fail(cmd.id, e),
    );
  } else if (cmd.op === "dump") {
    const records = [...mdns.peerCache.records()].map((r) =>
      `${r.interfaceName} ${r.name} ${r.type} ${r.ttl} ${JSON.stringify(r.data)}`
    );
    emit({ event: "dump", id: cmd.id, records, stats: mdns.stats });
  } else if (cmd.op === "close") {
    await shutdown();
  }
}
await shutdown();
