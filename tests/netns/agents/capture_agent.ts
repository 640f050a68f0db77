/**
 * Watches the mDNS traffic of a namespace's links from a third host, as a
 * capture would (run inside a test namespace only):
 *
 *   ip netns exec NS deno run --unstable-net --allow-all capture_agent.ts '{"suffix":"den._mdt._tcp.local"}'
 *
 * Every multicast or unicast response that reaches port 5353 is decoded and,
 * when it carries records whose name ends with `suffix` (any, without one),
 * printed as one `response` line: ms since start, interface, family, source,
 * and those records (name, type, ttl, data as JSON). Queries are only counted, so a flood
 * of them costs no output. stdin: {"op":"stats"} → stats (queries, responses,
 * undecodable); {"op":"close"}.
 *
 * @module
 */

import { decodeMessage } from "../../../codec/mod.ts";
import { UdpTransport } from "../../../transport/udp_transport.ts";
import { stdinCommands } from "./_commands.ts";

// deno-lint-ignore no-console
const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

const cfg = JSON.parse(Deno.args[0] ?? "{}") as { suffix?: string };
const suffix = cfg.suffix?.toLowerCase() ?? "";
const counts = { queries: 0, responses: 0, undecodable: 0 };
const start = performance.now();
/** Record data as text, so two records of one name and type can be told apart. */
const show = (data: unknown) =>
  JSON.stringify(data, (_k, v) => v instanceof Uint8Array ? [...v] : v);
const transport = new UdpTransport();
await transport.start({
  onDatagram(d) {
    if (d.data.length < 12 || (d.data[2] & 0x80) === 0) {
      counts.queries++;
      return;
    }
    counts.responses++;
    let records;
    try {
      const m = decodeMessage(d.data);
      records = [...m.answers, ...m.additionals]
        .filter((r) => r.name.toLowerCase().endsWith(suffix))
        .map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, data: show(r.data) }));
    } catch {
      counts.undecodable++;
      return;
    }
    if (records.length === 0) return;
    emit({
      event: "response",
      ms: Math.round(performance.now() - start),
      interfaceName: d.interfaceName,
      family: d.family,
      source: d.source.address,
      unicast: d.unicast,
      records,
    });
  },
  onEvent() {},
});
emit({ event: "started", links: transport.links.map((l) => l.name) });

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await transport.close();
  emit({ event: "closed", ...counts });
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", () => void shutdown());
for await (const cmd of stdinCommands()) {
  if (cmd.op === "stats") emit({ event: "stats", ...counts });
  else if (cmd.op === "close") await shutdown();
}
await shutdown();
