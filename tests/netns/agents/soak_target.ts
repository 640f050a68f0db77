/**
 * The long-running process of the soak (issue 16, item 7): one stack
 * publishing `services` services (over `types`) and browsing each of those
 * types (`types` browses with resolve, events drained), driven over
 * stdin/stdout JSON lines. Run inside a test namespace only, with
 * `--v8-flags=--expose-gc` so a report measures the live heap:
 *
 *   ip netns exec NS deno run --unstable-net --allow-all --v8-flags=--expose-gc \
 *     soak_target.ts '{"services":20,"types":5}'
 *
 * stdin: {"op":"report"} | {"op":"close"}. stdout: started, published (all
 * registered), report (RSS, live heap, open file descriptors, stats, events
 * seen, services listed per browse), closed.
 *
 * @module
 */

import { Mdns } from "../../../mdns.ts";
import type { BrowseEvent, Browser } from "../../../querier/types.ts";
import { UdpTransport } from "../../../transport/udp_transport.ts";
import { stdinCommands } from "./_commands.ts";

// deno-lint-ignore no-console
const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

const config = JSON.parse(Deno.args[0] ?? "{}") as { services?: number; types?: number };
const serviceCount = config.services ?? 20;
const typeCount = config.types ?? 5;
const types = Array.from({ length: typeCount }, (_, i) => `_soak${i}._tcp`);

const mdns = await Mdns.start({ transport: new UdpTransport({}), hostName: "soaked.local" });
emit({ event: "started" });
await Promise.all(
  Array.from({ length: serviceCount }, (_, i) =>
    mdns.publish({
      name: `Soak ${i}`,
      type: types[i % typeCount],
      port: 9000 + i,
      txt: { i: String(i) },
    })),
);
emit({ event: "published" });

let events = 0;
const browsers: Browser<BrowseEvent>[] = types.map((type) => {
  const browser = mdns.browse(type);
  void (async () => {
    for await (const _ of browser) events++;
  })();
  return browser;
});

const gc = (globalThis as { gc?: () => void }).gc;

function openFds(): number {
  let n = 0;
  for (const _ of Deno.readDirSync("/proc/self/fd")) n++;
  return n;
}

function report(): Record<string, unknown> {
  gc?.();
  gc?.();
  const m = Deno.memoryUsage();
  return {
    event: "report",
    rss: m.rss,
    heap: m.heapUsed + m.external,
    fds: openFds(),
    stats: mdns.stats,
    events,
    listed: browsers.map((b) => b.services().length),
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
