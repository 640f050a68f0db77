/**
 * The host under a poisoning attack (issue 16, item 3): one stack publishing
 * `Real.<type>` and browsing every type (the type browse, plus a browse with
 * resolve of each type it lists, at most 16), driven over stdin/stdout JSON
 * lines. Run inside a test namespace only:
 *
 *   ip netns exec NS deno run --unstable-net --allow-all poison_target.ts '{"type":"_http._tcp"}'
 *
 * `"ffi":"off"` in the config runs the transport without the FFI hatch.
 *
 * stdin: {"op":"report"} | {"op":"memory"} | {"op":"close"}. stdout: started, published,
 * report (RSS, heap after a full GC when run with --expose-gc, stats, cache bytes and budget, query packets sent so far,
 * instances per browse, whether Real is whole), memory (`Deno.memoryUsage()`
 * as it is, no GC), closed.
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

const config = JSON.parse(Deno.args[0] ?? "{}") as {
  type: string;
  hostName?: string;
  ffi?: "auto" | "off";
};
const udp = new UdpTransport({ ffi: config.ffi });
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

// glibc's malloc figures and malloc_trim, for the bench's diagnosis of RSS
// outside V8's heap (needs --allow-ffi; absent otherwise).
const malloc = (() => {
  try {
    return Deno.dlopen("libc.so.6", {
      mallinfo2: { parameters: [], result: { struct: Array(10).fill("usize") } },
      malloc_trim: { parameters: ["usize"], result: "i32" },
    }).symbols;
  } catch {
    return undefined;
  }
})();
function mallocFigures(): Record<string, number> | undefined {
  if (malloc === undefined) return undefined;
  const v = new BigUint64Array((malloc.mallinfo2() as Uint8Array).buffer);
  // struct mallinfo2: arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost
  return {
    mallocArena: Number(v[0]),
    mallocMmapped: Number(v[4]),
    mallocInUse: Number(v[7]),
    mallocFree: Number(v[8]),
  };
}

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
    mallocTrims: udp.stats.mallocTrims,
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
  else if (cmd.op === "memory") {
    emit({ event: "memory", ...Deno.memoryUsage(), ...mallocFigures() });
  } else if (cmd.op === "trim") {
    const t0 = performance.now();
    const released = malloc?.malloc_trim(0n);
    emit({ event: "trimmed", released, ms: performance.now() - t0, rss: Deno.memoryUsage().rss });
  } else if (cmd.op === "close") await shutdown();
}
await shutdown();
