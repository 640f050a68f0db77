/**
 * The host under a poisoning attack (issue 16, item 3): one stack publishing
 * `Real.<type>` and browsing every type (the type browse, plus a browse with
 * resolve of each type it lists, at most 16), driven over stdin/stdout JSON
 * lines. Run inside a test namespace only:
 *
 *   ip netns exec NS deno run --unstable-net --allow-all poison_target.ts '{"type":"_http._tcp"}'
 *
 * stdin: {"op":"report"} | {"op":"close"}. stdout: started, published,
 * report (RSS, heap after a full GC when run with --expose-gc, stats, cache bytes and budget, query packets sent so far,
 * instances per browse, whether Real is whole), closed.
 *
 * @module
 */

import { Mdns } from "../../../mdns.ts";
import { MessageFlags, MessageReader } from "../../../codec/mod.ts";
import type { BrowseEvent, Browser } from "../../../querier/types.ts";
import { UdpTransport } from "../../../transport/udp_transport.ts";
import type { Transport } from "../../../transport/transport.ts";
import { stdinCommands } from "./_commands.ts";

// deno-lint-ignore no-console
const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

const config = JSON.parse(Deno.args[0] ?? "{}") as { type: string; hostName?: string };
const udp = new UdpTransport({});
let queries = 0;
const transport: Transport = {
  get links() {
    return udp.links;
  },
  start: (handler) => udp.start(handler),
  close: () => udp.close(),
  [Symbol.asyncDispose]: () => udp.close(),
  send: (data, to) => {
    if ((new MessageReader(data).flags & MessageFlags.RESPONSE) === 0) queries++;
    return udp.send(data, to);
  },
};
const mdns = await Mdns.start({ transport, hostName: config.hostName ?? "poisoned.local" });
emit({ event: "started" });
const service = await mdns.publish({
  name: "Real",
  type: config.type,
  port: 8080,
  txt: { path: "/" },
});
emit({ event: "published", name: service.name });

const browses = new Map<string, Browser<BrowseEvent>>();
const types = mdns.browse();
(async () => {
  for await (const e of types) {
    if (e.type !== "added" || browses.has(e.serviceType) || browses.size >= 16) continue;
    const browser = mdns.browse(e.serviceType);
    browses.set(e.serviceType, browser);
    void (async () => {
      for await (const _ of browser) { /* drained: events are not kept */ }
    })();
  }
})();

const gc = (globalThis as { gc?: () => void }).gc; // with --v8-flags=--expose-gc

function report(): Record<string, unknown> {
  const before = Deno.memoryUsage();
  gc?.();
  const m = Deno.memoryUsage();
  const real = [...browses.values()].flatMap((b) => b.services())
    .find((s) => s.name === service.name);
  return {
    event: "report",
    rss: m.rss,
    heap: m.heapUsed + m.external,
    heapTotal: m.heapTotal,
    heapBeforeGc: gc === undefined ? undefined : before.heapUsed + before.external,
    stats: mdns.stats,
    cacheBytes: mdns.peerCache.bytes,
    cacheBudget: mdns.peerCache.capacity,
    queries,
    instances: Object.fromEntries([...browses].map(([t, b]) => [t, b.services().length])),
    realWhole: real !== undefined && real.addresses.length > 0 && real.port === 8080,
  };
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
for await (const cmd of stdinCommands()) {
  if (cmd.op === "report") emit(report());
  else if (cmd.op === "close") await shutdown();
}
await shutdown();
