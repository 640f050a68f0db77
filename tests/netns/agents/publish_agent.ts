/**
 * A stack (UdpTransport + responder) driven over stdin/stdout JSON lines, run
 * by the namespace tests inside a namespace (never in the machine's own one):
 *
 *   ip netns exec NS deno run --unstable-net --allow-all publish_agent.ts '{"hostName":"ours-a.local"}'
 *
 * stdin: {"op":"publish","id":1,"options":{PublishOptions without signal}} |
 * {"op":"unpublish","id":1} | {"op":"abort","id":1} (aborts the signal the
 * service was published with) | {"op":"dispose","id":1} (the service's
 * `Symbol.asyncDispose`, as `await using` calls it) | {"op":"browse","id":9,"type"?:"_x._tcp"}
 * (the service types, or the services of one type) | {"op":"cpu"} (CPU time
 * used, µs; memory; the stack's and the transport's counters) | {"op":"close"}.
 * SIGINT and SIGTERM close the stack (goodbyes), as the CLI does.
 * stdout: started, start-error, publish-error, probing, registered, renamed,
 * conflict, updated, host-renamed, goodbye (each with the service id),
 * stack-host-renamed (the stack's event), unpublished, aborted, disposed,
 * browse (id, type, name), cpu, closed.
 *
 * @module
 */

import process from "node:process";
import { Mdns } from "../../../mdns.ts";
import type { PublishedService, PublishOptions } from "../../../responder/publish_options.ts";
import { UdpTransport } from "../../../transport/udp_transport.ts";
import { stdinCommands } from "./_commands.ts";

// deno-lint-ignore no-console
const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

const config = JSON.parse(Deno.args[0] ?? "{}") as {
  hostName?: string;
  interfaces?: string[];
  pollIntervalMs?: number;
  /** `false`: read every legacy query (`legacyQueryRate: Infinity`, for a load bench). */
  legacyLimit?: false;
};
let mdns: Mdns;
let transport: UdpTransport;
try {
  mdns = await Mdns.start({
    transport: transport = new UdpTransport({
      ...(config.interfaces ? { interfaces: { include: config.interfaces } } : {}),
      ...(config.pollIntervalMs ? { pollIntervalMs: config.pollIntervalMs } : {}),
    }),
    hostName: config.hostName,
    ...(config.legacyLimit === false ? { legacyQueryRate: Infinity } : {}),
    // The stack's own word when its host name moved after a lost conflict.
    onEvent: (e) => {
      if (e.type === "host-renamed") {
        emit({ event: "stack-host-renamed", from: e.from, host: e.host });
      }
    },
  });
} catch (error) {
  emit({ event: "start-error", message: (error as Error).message });
  Deno.exit(0);
}
emit({ event: "started", links: mdns.links });

const services = new Map<number, PublishedService>();
const aborts = new Map<number, AbortController>();

async function publish(id: number, options: PublishOptions): Promise<void> {
  const abort = new AbortController();
  aborts.set(id, abort);
  try {
    const service = await mdns.publish({
      ...options,
      signal: abort.signal,
      onEvent: (e) => emit({ ...e, event: e.type, id }),
    });
    services.set(id, service);
    emit({ event: "published", id, name: service.name, host: service.host });
  } catch (error) {
    emit({
      event: "publish-error",
      id,
      name: (error as Error).name,
      message: (error as Error).message,
    });
  }
}

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await mdns.close();
  emit({ event: "closed" });
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", () => void shutdown());
Deno.addSignalListener("SIGINT", () => void shutdown());

async function browse(id: number, type: string | undefined): Promise<void> {
  if (type === undefined) {
    for await (const e of mdns.browse()) {
      emit({ event: "browse", id, type: e.type, name: e.serviceType });
    }
    return;
  }
  for await (const e of mdns.browse(type)) {
    emit({ event: "browse", id, type: e.type, name: e.service.fullName });
  }
}

for await (const cmd of stdinCommands()) {
  if (cmd.op === "publish") void publish(cmd.id, cmd.options);
  else if (cmd.op === "unpublish") {
    await services.get(cmd.id)?.unpublish();
    emit({ event: "unpublished", id: cmd.id });
  } else if (cmd.op === "abort") {
    aborts.get(cmd.id)?.abort();
    emit({ event: "aborted", id: cmd.id });
  } else if (cmd.op === "dispose") {
    await services.get(cmd.id)?.[Symbol.asyncDispose]();
    emit({ event: "disposed", id: cmd.id });
  } else if (cmd.op === "browse") {
    void browse(cmd.id, cmd.type);
  } else if (cmd.op === "cpu") {
    const { user, system } = process.cpuUsage();
    // RSS as the process holds it; the heap after a full collection (when
    // run with --expose-gc, as Publisher starts it), so garbage not yet
    // collected does not read as growth.
    const { rss } = Deno.memoryUsage();
    (globalThis as { gc?: () => void }).gc?.();
    const { heapUsed, heapTotal, external } = Deno.memoryUsage();
    emit({
      event: "cpu",
      micros: user + system,
      rss,
      heapUsed,
      heapTotal,
      external,
      stats: mdns.stats,
      transport: transport.stats,
    });
  } else if (cmd.op === "close") await shutdown();
}
await shutdown();
