/**
 * python-zeroconf peers (Debian's python3-zeroconf, run with /usr/bin/python3)
 * inside a test namespace: publish a service, or browse a type.
 *
 * @module
 */

import type { Child } from "./child.ts";
import type { Host } from "./lab.ts";

/** The system interpreter that has python3-zeroconf (not a pyenv/venv one). */
export const SYSTEM_PYTHON = "/usr/bin/python3";
const PEERS = new URL("./peers/", import.meta.url).pathname;

/**
 * What {@linkcode zeroconfPublish} publishes.
 *
 * @example
 * ```ts
 * import type { ZeroconfService } from "./zeroconf.ts";
 * const svc: ZeroconfService = {
 *   name: "Py Svc", type: "_http._tcp.local.", port: 8080,
 *   server: "pyhost.local.", addresses: ["198.18.1.2"], txt: { k: "v" },
 * };
 * console.log(svc.name);
 * ```
 */
export interface ZeroconfService {
  /** Instance name (one label). */
  readonly name: string;
  /** Service type with the trailing dot, e.g. `_http._tcp.local.`. */
  readonly type: string;
  /** Port. */
  readonly port: number;
  /** Target host, e.g. `pyhost.local.`; give each peer its own. */
  readonly server: string;
  /** Addresses published for `server`. */
  readonly addresses: readonly string[];
  /** TXT key/values. */
  readonly txt?: Readonly<Record<string, string>>;
  /** `v4`, `v6` or `all`. @default {"all"} */
  readonly ipVersion?: "v4" | "v6" | "all";
  /** A TXT to switch to once, `updateAfterMs` after registering (prints `updated`). */
  readonly updateTxt?: Readonly<Record<string, string>>;
  /** When to switch to `updateTxt`. @default {2000} */
  readonly updateAfterMs?: number;
  /**
   * Types to browse in the same process while publishing (a `ServiceBrowser`
   * each; `_services._dns-sd._udp.local.` lists the service types), as a
   * stack that publishes and browses. Their events are counted, not printed.
   */
  readonly browse?: readonly string[];
}

/**
 * A zc_browse.py message.
 *
 * @example
 * ```ts
 * import type { ZeroconfBrowseEvent } from "./zeroconf.ts";
 * const e: ZeroconfBrowseEvent = { event: "added", name: "x._http._tcp.local.", resolved: false };
 * console.log(e.event);
 * ```
 */
export interface ZeroconfBrowseEvent {
  /** `browsing` once at start, then `added`, `updated` or `removed`. */
  readonly event: "browsing" | "added" | "updated" | "removed";
  /** Full instance name. */
  readonly name?: string;
  /** Whether SRV/TXT/address resolution succeeded. */
  readonly resolved?: boolean;
  /** SRV target. */
  readonly server?: string;
  /** SRV port. */
  readonly port?: number;
  /** Addresses of the target. */
  readonly addresses?: string[];
  /** TXT key/values. */
  readonly txt?: Record<string, string | null>;
}

/**
 * Publishes a service with python-zeroconf in `host` and waits until it is
 * registered (probing done). Stop the child to send goodbyes; send it
 * `{"op":"names"}` and it prints the names its `ServiceInfo` holds
 * (`{"event":"names","name":...,"server":...,"browsed":n}`).
 *
 * @example
 * ```ts ignore
 * import { zeroconfPublish } from "./zeroconf.ts";
 * const peer = await zeroconfPublish(b, {
 *   name: "Py Svc", type: "_http._tcp.local.", port: 8080,
 *   server: "pyhost.local.", addresses: ["198.18.1.2"],
 * });
 * await peer.stop();
 * ```
 */
export async function zeroconfPublish(
  host: Host,
  service: ZeroconfService,
  options: { timeoutMs?: number } = {},
): Promise<Child> {
  const child = host.spawn([SYSTEM_PYTHON, `${PEERS}zc_publish.py`, JSON.stringify(service)], {
    label: `[${host.name}] zc_publish ${service.name}`,
    stdin: true,
  });
  const first = await child.waitFor((m: { event: string }) => m.event !== undefined, {
    timeoutMs: options.timeoutMs ?? 15_000,
    what: "python-zeroconf registration",
  });
  if (first.event !== "registered") throw new Error(`zc_publish failed: ${JSON.stringify(first)}`);
  return child;
}

/**
 * Starts a python-zeroconf browser for `type` in `host`; its messages are
 * {@linkcode ZeroconfBrowseEvent} values. Waits until it is browsing.
 *
 * @example
 * ```ts ignore
 * import { zeroconfBrowse } from "./zeroconf.ts";
 * const browser = await zeroconfBrowse(b, "_http._tcp.local.");
 * await browser.waitFor((e: ZeroconfBrowseEvent) => e.event === "added" && e.resolved === true);
 * ```
 */
export async function zeroconfBrowse(
  host: Host,
  type: string,
  options: { ipVersion?: "v4" | "v6" | "all" } = {},
): Promise<Child> {
  const config = { type, ipVersion: options.ipVersion ?? "all" };
  const child = host.spawn([SYSTEM_PYTHON, `${PEERS}zc_browse.py`, JSON.stringify(config)], {
    label: `[${host.name}] zc_browse ${type}`,
  });
  await child.waitFor((m: ZeroconfBrowseEvent) => m.event === "browsing", {
    timeoutMs: 15_000,
    what: "python-zeroconf browser start",
  });
  return child;
}
