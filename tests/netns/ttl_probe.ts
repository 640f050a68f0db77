/**
 * The TTL probe (`peers/ttl_probe.py`) from the tests: it reports every UDP
 * datagram to port 5353 on one interface of a test host with its IP TTL /
 * hop limit, source and bytes, one JSON line each.
 *
 * @module
 */

import type { Child } from "./child.ts";
import type { Host } from "./harness.ts";
import { SYSTEM_PYTHON } from "./zeroconf.ts";

const PROBE = new URL("./peers/ttl_probe.py", import.meta.url).pathname;

/** One datagram the probe saw. */
export interface ProbeLine {
  readonly family: "IPv4" | "IPv6";
  readonly source: string;
  readonly port: number;
  readonly destination: string;
  readonly ttl: number;
  readonly hex: string;
}

/** Starts the probe on `host`'s eth0 and waits until it listens. */
export async function startProbe(host: Host): Promise<Child> {
  const ipv4 = host.interfaces.get("eth0")!.ipv4;
  const child = host.spawn([SYSTEM_PYTHON, PROBE, JSON.stringify({ ifname: "eth0", ipv4 })], {
    label: `[${host.name}] ttl_probe`,
  });
  await child.waitFor((m: { event?: string }) => m.event === "ready", { what: "ttl probe" });
  return child;
}
