/**
 * Options and counters of `UdpTransport`, in their own file so the
 * transport file stays about the sockets.
 *
 * @module
 */

import { type Clock, systemClock } from "../clock.ts";
import type { InterfaceSelection } from "./_interface_selection.ts";

/**
 * Default interval between interface polls (Deno has no change notification;
 * with the FFI hatch the kernel's notices replace them, see
 * {@linkcode NOTICED_POLL_INTERVAL_MS}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_POLL_INTERVAL_MS } from "./udp_transport_options.ts";
 * assert.equal(DEFAULT_POLL_INTERVAL_MS, 2000);
 * ```
 */
export const DEFAULT_POLL_INTERVAL_MS = 2000;
/**
 * Without the FFI hatch's notices, polling is the only way to see an
 * interface change, and a Deno timer wake-up alone costs an idle process
 * ~0.15 ms/s at 2 s (issue 15). With the default poll interval, a quiet host
 * is looked at {@linkcode QUICK_POLLS} times at the poll interval after start,
 * after a change, a send error or a socket failure (when changes come in
 * series: an address after the link, DHCP after the cable), then each quiet
 * look doubles the interval up to this. A send or socket error on the way
 * looks at once, so a lost link is seen when the stack next talks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_POLL_INTERVAL_MS, IDLE_POLL_INTERVAL_MS } from "./udp_transport_options.ts";
 * assert.equal(IDLE_POLL_INTERVAL_MS / DEFAULT_POLL_INTERVAL_MS, 15);
 * ```
 */
export const IDLE_POLL_INTERVAL_MS = 30_000;
/**
 * Looks at the poll interval after start or a change before the interval
 * starts doubling toward {@linkcode IDLE_POLL_INTERVAL_MS}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_POLL_INTERVAL_MS, QUICK_POLLS } from "./udp_transport_options.ts";
 * assert.equal(QUICK_POLLS * DEFAULT_POLL_INTERVAL_MS, 10_000); // the first 10 s
 * ```
 */
export const QUICK_POLLS = 5;
/**
 * Least time between two extra polls triggered by send errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ERROR_POLL_MIN_GAP_MS } from "./udp_transport_options.ts";
 * assert.equal(ERROR_POLL_MIN_GAP_MS, 1000);
 * ```
 */
export const ERROR_POLL_MIN_GAP_MS = 1000;

/**
 * With the FFI hatch's rtnetlink notices, a change starts a look at the
 * interfaces at once; the timer then only checks, this often, that no notice
 * was lost. Each wake of an idle Deno process costs ~0.3 ms of CPU (issue 15),
 * so a quiet host should not be woken every 2 s for nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NOTICED_POLL_INTERVAL_MS } from "./udp_transport_options.ts";
 * assert.equal(NOTICED_POLL_INTERVAL_MS, 60_000);
 * ```
 */
export const NOTICED_POLL_INTERVAL_MS = 60_000;

/**
 * Options for `UdpTransport`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { UdpTransportOptions } from "./udp_transport_options.ts";
 * const options: UdpTransportOptions = { interfaces: { include: ["eth0"] }, ipv6: false };
 * assert.deepEqual(options.interfaces?.include, ["eth0"]);
 * ```
 */
export interface UdpTransportOptions {
  /** Interface names to use (`include`) or avoid (`exclude`). Default: every non-loopback one. */
  readonly interfaces?: {
    readonly include?: readonly string[];
    readonly exclude?: readonly string[];
  };
  /** Use IPv4. @default {true} */
  readonly ipv4?: boolean;
  /** Use IPv6. @default {true} */
  readonly ipv6?: boolean;
  /** Use loopback interfaces (always used when named in `interfaces.include`). @default {false} */
  readonly loopback?: boolean;
  /**
   * Interval between interface polls, in milliseconds. With the FFI hatch the
   * kernel's notices start a look at once and the timer runs at least
   * {@linkcode NOTICED_POLL_INTERVAL_MS} apart (back to this interval while a
   * failed socket waits to be retried). Without it: when left unset, polls
   * start 2 s apart and back off to {@linkcode IDLE_POLL_INTERVAL_MS} while
   * nothing changes (quick again after a change, a send error or a socket
   * failure); when set, polls run at this interval throughout. @default {2000}
   */
  readonly pollIntervalMs?: number;
  /** Time source for the poll timer and the echo filter. @default {systemClock} */
  readonly clock?: Clock;
  /** Interface lister, injectable for tests. @default {Deno.networkInterfaces} */
  readonly networkInterfaces?: () => Deno.NetworkInterfaceInfo[];
  /**
   * Start even when no interface is selected yet, and pick interfaces up as
   * they appear (for daemons started before the network). @default {false}
   */
  readonly waitForInterfaces?: boolean;
  /**
   * The FFI hatch (Linux): with `"auto"`, when the `ffi` permission is already
   * granted (`--allow-ffi`; never prompted for), libc's `setsockopt` sets the
   * IP TTL and IPv6 hop limits to 255 on every socket (RFC 6762 §11; Deno
   * sends IPv6 multicast with hop limit 1 otherwise) and IPv4 multicast is
   * received on one socket per interface, so two links on one prefix (two
   * 169.254/16 links) are told apart. `"off"`, or no permission, or another
   * system: Deno's sockets only. {@linkcode UdpTransportStats.ffi} says which.
   * @default {"auto"}
   */
  readonly ffi?: "auto" | "off";
}

/**
 * Counters for what the transport dropped or moved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UdpTransport } from "./udp_transport.ts";
 * const { stats } = new UdpTransport({ ffi: "off" });
 * assert.equal(stats.delivered, 0);
 * assert.equal(stats.ffi, "off");
 * ```
 */
export interface UdpTransportStats {
  /** Datagrams handed to the handler. */
  readonly delivered: number;
  /** Our own multicast, looped back and dropped. */
  readonly echoes: number;
  /** Dropped because the source is not on the receiving link (RFC 6762 §11). */
  readonly offLink: number;
  /** Dropped for exceeding 9000 bytes (RFC 6762 §17). */
  readonly oversized: number;
  /** Datagrams sent. */
  readonly sent: number;
  /** Sends that failed. */
  readonly sendErrors: number;
  /**
   * The FFI hatch: `"active"`, `"off"` (option `ffi: "off"`) or
   * `"unavailable"` (not Linux, no `ffi` permission, no glibc, or not started).
   */
  readonly ffi: "active" | "off" | "unavailable";
  /** Sockets the hatch could not give TTL 255 (their descriptor was not found). */
  readonly ffiMisses: number;
  /**
   * Datagrams read by the hatch's `recvmmsg` drain after a wake-up of Deno's
   * `receive()` (0 without the hatch): the ones that cost no async op.
   */
  readonly directReceived: number;
  /** Datagrams sent by the hatch's `sendto` instead of Deno's async `send()`. */
  readonly directSent: number;
  /**
   * Times the hatch gave malloc's free memory back to the kernel during or
   * after a burst of datagrams (glibc's `malloc_trim`; 0 without the hatch).
   */
  readonly mallocTrims: number;
  /** Looks at the interfaces by the watcher (after start). */
  readonly polls: number;
  /**
   * Socket rebuilds (re-joins, checks, link events), at start and after a
   * poll that found a change, a failure or a send error; a quiet host polls
   * without rebuilding.
   */
  readonly rebuilds: number;
}

/**
 * {@linkcode UdpTransportOptions} checked and with their defaults filled in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveOptions } from "./udp_transport_options.ts";
 * const resolved = resolveOptions({ ipv6: false });
 * assert.equal(resolved.selection.ipv6, false);
 * assert.equal(resolved.ffi, "auto");
 * ```
 */
export interface ResolvedOptions {
  /** Which interfaces and families. */
  readonly selection: InterfaceSelection;
  /** Poll interval, ms. */
  readonly pollIntervalMs: number;
  /** Without kernel notices, quiet polls back off up to this (ms). */
  readonly idlePollIntervalMs: number;
  /** Time source. */
  readonly clock: Clock;
  /** Interface lister. */
  readonly networkInterfaces: () => Deno.NetworkInterfaceInfo[];
  /** Start without an interface. */
  readonly waitForInterfaces: boolean;
  /** The FFI hatch mode. */
  readonly ffi: "auto" | "off";
}

/**
 * Checks `options` and fills in the defaults.
 *
 * @throws {TypeError} A poll interval that is not positive, an unknown `ffi`
 * mode, or IPv4 and IPv6 both disabled.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveOptions } from "./udp_transport_options.ts";
 * assert.throws(() => resolveOptions({ pollIntervalMs: 0 }), TypeError);
 * assert.equal(resolveOptions({}).pollIntervalMs, 2000);
 * assert.equal(resolveOptions({}).idlePollIntervalMs, 30_000);
 * assert.equal(resolveOptions({ pollIntervalMs: 500 }).idlePollIntervalMs, 500);
 * ```
 */
export function resolveOptions(options: UdpTransportOptions): ResolvedOptions {
  const poll = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  if (!(poll > 0)) throw new TypeError(`Invalid poll interval: ${poll}`);
  const ffi = options.ffi ?? "auto";
  if (ffi !== "auto" && ffi !== "off") throw new TypeError(`Invalid ffi option: ${ffi}`);
  if (options.ipv4 === false && options.ipv6 === false) {
    throw new TypeError("Invalid options: IPv4 and IPv6 are both disabled");
  }
  return {
    selection: {
      include: options.interfaces?.include,
      exclude: options.interfaces?.exclude,
      ipv4: options.ipv4 ?? true,
      ipv6: options.ipv6 ?? true,
      loopback: options.loopback ?? false,
    },
    pollIntervalMs: poll,
    idlePollIntervalMs: options.pollIntervalMs === undefined ? IDLE_POLL_INTERVAL_MS : poll,
    clock: options.clock ?? systemClock,
    networkInterfaces: options.networkInterfaces ?? (() => Deno.networkInterfaces()),
    waitForInterfaces: options.waitForInterfaces ?? false,
    ffi,
  };
}
