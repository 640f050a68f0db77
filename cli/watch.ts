// deno-lint-ignore-file no-console -- this file prints for a person, as only cli/, bench/ and tests may
/**
 * `watch`: listen on every interface and print each record the network
 * announces or answers as it enters, changes in and leaves the peer cache.
 * It sends nothing: a passive view of what runs on the LAN.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Mdns } from "../mdns.ts";
import { systemClock } from "../clock.ts";
import type { PeerCacheEvent } from "../cache/mod.ts";
import { UdpTransport } from "../transport/udp_transport.ts";
import { TransportError } from "../transport/transport_error.ts";
import { className, rdataJson, rdataText, typeName } from "./format.ts";
import { UsageError } from "./usage_error.ts";

const HELP = `usage: watch [--json] [--interface IF]... [--no-ipv4] [--no-ipv6] [--timeout S]

Prints every mDNS record heard on the network as it is added (+), updated (~)
or removed (-) from the cache. Sends nothing.

  --json          one JSON object per line: event, name, type, interface, ttl, data
  --interface IF  listen on IF only (repeatable); default every multicast interface
  --no-ipv4, --no-ipv6
  --timeout S     stop after S seconds (default: run until Ctrl-C)`;

/** Runs `watch` with `args`; resolves with the exit code. */
export async function watch(args: string[], signal: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: "boolean", default: false },
      interface: { type: "string", multiple: true },
      "no-ipv4": { type: "boolean", default: false },
      "no-ipv6": { type: "boolean", default: false },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) {
    throw new UsageError(`--timeout must be a positive number of seconds, not "${values.timeout}"`);
  }
  if (values["no-ipv4"] && values["no-ipv6"]) {
    throw new UsageError("--no-ipv4 and --no-ipv6 together leave nothing to listen on");
  }
  const transport = new UdpTransport({
    interfaces: values.interface ? { include: values.interface } : undefined,
    ipv4: !values["no-ipv4"],
    ipv6: !values["no-ipv6"],
    waitForInterfaces: true,
  });
  let mdns: Mdns;
  try {
    mdns = await Mdns.start({ transport });
  } catch (error) {
    if (error instanceof TransportError) {
      console.error(`watch: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const print = values.json ? printJson : printText;
  mdns.peerCache.subscribe((event) => print(event, systemClock.now()));
  if (!values.json) {
    console.error(`watch: listening on ${mdns.links.map((l) => l.name).join(", ")}`);
  }
  await new Promise<void>((resolve) => {
    const timer = timeout === undefined ? undefined : setTimeout(resolve, timeout * 1000);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
  await mdns.close();
  return 0;
}

const MARK = { added: "+", updated: "~", removed: "-" } as const;

function printText(event: PeerCacheEvent, now: number): void {
  const r = event.record;
  const ttl = event.kind === "removed" ? event.reason : `${r.remainingTtl(now)}s`;
  console.log(
    `${MARK[event.kind]} ${r.interfaceName}\t${r.name}.\t${ttl}\t${className(r.class)}\t` +
      `${typeName(r.type)}\t${rdataText(r)}`,
  );
}

function printJson(event: PeerCacheEvent, now: number): void {
  const r = event.record;
  console.log(JSON.stringify({
    event: event.kind,
    ...(event.kind === "added" ? {} : { reason: event.reason }),
    name: r.name,
    type: typeName(r.type),
    interface: r.interfaceName,
    ttl: event.kind === "removed" ? 0 : r.remainingTtl(now),
    cacheFlush: r.cacheFlush,
    data: rdataJson(r),
  }));
}
