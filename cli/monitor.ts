/**
 * `monitor`: every mDNS packet heard on each interface, decoded one line per
 * record like `dig` (what macOS's `mDNSNetMonitor` does). It sends nothing:
 * it opens the transport alone, with no stack, no cache and no querier.
 *
 * @module
 */
import { decodeMessage, DnsParseError } from "../codec/mod.ts";
import { scopedSource } from "../transport/transport.ts";
import { checkInterfaces, parseCommand, parseTimeout } from "./_args.ts";
import { type CommandContext, untilStopped } from "./_context.ts";
import { EXIT_OK } from "./_errors.ts";
import {
  formatMalformed,
  formatPacket,
  isResponse,
  packetJson,
  type PacketOrigin,
} from "./_monitor_format.ts";
import { ffiNote, timeColumn, unixSeconds } from "./_output.ts";

/**
 * `monitor --help`: usage, options and an example line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MONITOR_HELP } from "./monitor.ts";
 * assert.match(MONITOR_HELP, /^usage: mdns monitor/);
 * assert.match(MONITOR_HELP, /\nexample: mdns monitor /);
 * ```
 */
export const MONITOR_HELP = `usage: mdns monitor [--interface IF]... [--timeout S] [--json]

Prints every mDNS packet heard on each interface: a header line (time,
interface, family, source, query or response, flags, section counts), then one
line per question and record as dig shows them, (QU) on questions asking for a
unicast reply, (flush) on records with the cache-flush bit. Sends nothing.

  --interface IF  listen on IF only (repeatable); default every multicast interface
  --timeout S     stop after S seconds (default: until Ctrl-C)
  --json          one JSON object per packet: event (query, response or
                  malformed), ts, interface, family, source, port, unicast, size,
                  id, truncated, questions, answers, authorities, additionals

example: mdns monitor --interface eth0`;

/**
 * Runs `monitor` with `args`; resolves with the exit status (0, 1 or 2) or
 * throws a `UsageError` / `FailureError` that `main.ts` prints as one line.
 *
 * @example Asking for help needs no network
 * ```ts
 * import assert from "node:assert/strict";
 * import { monitor } from "./monitor.ts";
 * import type { CommandContext } from "./_context.ts";
 * import { MemoryOutput } from "./_output.ts";
 * const output = new MemoryOutput();
 * assert.equal(await monitor(["--help"], { output } as unknown as CommandContext), 0);
 * assert.match(output.stdout[0], /^usage: mdns monitor/);
 * ```
 */
export async function monitor(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommand("monitor", args, {
    options: {
      interface: { type: "string", multiple: true },
      timeout: { type: "string" },
    },
    positionals: [0, 0],
  });
  if (values.help) {
    context.output.line(MONITOR_HELP);
    return EXIT_OK;
  }
  const timeout = parseTimeout(values.timeout);
  context.checkFlags({});
  checkInterfaces(values.interface, context.interfaceNames());
  const { output } = context;
  const transport = context.transport({ interfaces: values.interface });
  let started = false;
  await transport.start({
    onDatagram(datagram) {
      const origin: PacketOrigin = {
        interfaceName: datagram.interfaceName,
        family: datagram.family,
        source: scopedSource(datagram),
        port: datagram.source.port,
        unicast: datagram.unicast,
        size: datagram.data.length,
      };
      const now = context.now();
      try {
        const message = decodeMessage(datagram.data);
        if (values.json) {
          output.json(
            isResponse(message) ? "response" : "query",
            packetJson(message, origin),
            unixSeconds(now),
          );
        } else {
          for (const line of formatPacket(message, origin, timeColumn(now), output.color)) {
            output.line(line);
          }
        }
      } catch (error) {
        if (!(error instanceof DnsParseError)) throw error;
        if (values.json) {
          output.json("malformed", { ...origin, reason: error.message }, unixSeconds(now));
        } else {
          output.line(formatMalformed(error.message, origin, timeColumn(now), output.color));
        }
      }
    },
    onEvent(event) {
      // The links found at start are announced once below, not one event at a time.
      if (!started) return;
      if (event.type === "link-added" || event.type === "link-removed") {
        output.error(
          `monitor: ${event.type === "link-added" ? "listening on" : "lost"} ${event.link.name}`,
        );
      } else if (event.type === "receive-error") {
        output.error(`monitor: receive error on ${event.interfaceName}: ${event.error.message}`);
      }
    },
  });
  started = true;
  try {
    output.error(
      `monitor: listening on ${transport.links.map((l) => l.name).join(", ")}${ffiNote(transport)}`,
    );
    await untilStopped(context, timeout);
  } finally {
    await transport.close();
  }
  return EXIT_OK;
}
