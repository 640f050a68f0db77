/**
 * `watch`: listen on every interface and print each record the network
 * announces or answers as it enters, changes in and leaves the peer cache.
 * It sends nothing: a passive view of what runs on the LAN.
 *
 * @module
 */
import { Mdns } from "../mdns.ts";
import { systemClock } from "../clock.ts";
import type { PeerCacheEvent } from "../cache/mod.ts";
import { checkInterfaces, parseCommand, parseTimeout } from "./_args.ts";
import { type CommandContext, untilStopped } from "./_context.ts";
import { EXIT_OK, UsageError } from "./_errors.ts";
import { ffiNote, type Output } from "./_output.ts";
import { className, rdataJson, rdataText, typeName } from "./format.ts";

/**
 * `watch --help`: usage, options and an example line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WATCH_HELP } from "./watch.ts";
 * assert.match(WATCH_HELP, /^usage: mdns watch/);
 * assert.match(WATCH_HELP, /\nexample: mdns watch /);
 * ```
 */
export const WATCH_HELP =
  `usage: mdns watch [--json] [--interface IF]... [--no-ipv4] [--no-ipv6] [--timeout S]

The cache view: prints every mDNS record heard on the network as it is added
(+), updated (~) or removed (-) from the peer cache, with its TTL left and why
it left (goodbye, expired, flushed, purged, evicted). Sends nothing. ("monitor" shows the
packets themselves.)

  --json          one JSON object per line: event, ts, reason, name, type, interface,
                  ttl, cacheFlush, data
  --interface IF  listen on IF only (repeatable); default every multicast interface
  --no-ipv4, --no-ipv6
  --timeout S     stop after S seconds (default: until Ctrl-C)

example: mdns watch --json | jq 'select(.type == "SRV")'`;

/**
 * Runs `watch` with `args`; resolves with the exit status (0, 1 or 2) or
 * throws a `UsageError` / `FailureError` that `main.ts` prints as one line.
 *
 * @example Asking for help needs no network
 * ```ts
 * import assert from "node:assert/strict";
 * import { watch } from "./watch.ts";
 * import type { CommandContext } from "./_context.ts";
 * import { MemoryOutput } from "./_output.ts";
 * const output = new MemoryOutput();
 * assert.equal(await watch(["--help"], { output } as unknown as CommandContext), 0);
 * assert.match(output.stdout[0], /^usage: mdns watch/);
 * ```
 */
export async function watch(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommand("watch", args, {
    options: {
      interface: { type: "string", multiple: true },
      "no-ipv4": { type: "boolean", default: false },
      "no-ipv6": { type: "boolean", default: false },
      timeout: { type: "string" },
    },
    positionals: [0, 0],
  });
  if (values.help) {
    context.output.line(WATCH_HELP);
    return EXIT_OK;
  }
  const timeout = parseTimeout(values.timeout);
  if (values["no-ipv4"] && values["no-ipv6"]) {
    throw new UsageError("watch: --no-ipv4 and --no-ipv6 together leave nothing to listen on");
  }
  context.checkFlags({});
  checkInterfaces(values.interface, context.interfaceNames());
  const transport = context.transport({
    interfaces: values.interface,
    ipv4: !values["no-ipv4"],
    ipv6: !values["no-ipv6"],
  });
  const mdns = await Mdns.start({ transport });
  const { output } = context;
  try {
    const print = values.json ? printJson : printText;
    mdns.peerCache.subscribe((event) => print(output, event, systemClock.now(), context.now()));
    output.error(
      `watch: listening on ${mdns.links.map((l) => l.name).join(", ")}${ffiNote(transport)}`,
    );
    await untilStopped(context, timeout);
  } finally {
    await mdns.close();
  }
  return EXIT_OK;
}

const MARK = { added: "+", updated: "~", removed: "-" } as const;

function printText(output: Output, event: PeerCacheEvent, now: number): void {
  const r = event.record;
  const ttl = event.type === "removed" ? event.reason : `${r.remainingTtl(now)}s`;
  output.line(
    `${MARK[event.type]} ${r.interfaceName}\t${r.name}.\t${ttl}\t${className(r.class)}\t` +
      `${typeName(r.type)}\t${rdataText(r)}`,
  );
}

function printJson(output: Output, event: PeerCacheEvent, now: number, unixMs: number): void {
  const r = event.record;
  output.json(event.type, {
    ...(event.type === "added" ? {} : { reason: event.reason }),
    name: r.name,
    type: typeName(r.type),
    interface: r.interfaceName,
    ttl: event.type === "removed" ? 0 : r.remainingTtl(now),
    cacheFlush: r.cacheFlush,
    data: rdataJson(r),
  }, unixMs / 1000);
}
