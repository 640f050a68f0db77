/**
 * When `UdpTransport` looks at the interface list, and when it rebuilds its
 * sockets from it: a timer on the injected clock, the FFI hatch's kernel
 * notices when there are some (a change is looked at at once, and the timer
 * becomes a {@linkcode NOTICED_POLL_INTERVAL_MS} safety net); without them, a
 * timer that backs off while nothing changes (quick after start, a change or
 * an error, then doubling up to an idle interval: `IDLE_POLL_INTERVAL_MS`),
 * an early look after a send error or a socket failure, and one rebuild at a time (a look asked for during a
 * rebuild runs right after it). Whether a look needs a rebuild is
 * `_interface_watch.ts`'s rule.
 *
 * @module
 */

import type { Clock, Timer } from "../clock.ts";
import { type InterfaceState, InterfaceWatch } from "./_interface_watch.ts";
import {
  ERROR_POLL_MIN_GAP_MS,
  NOTICED_POLL_INTERVAL_MS,
  QUICK_POLLS,
} from "./udp_transport_options.ts";

/** What the poller is built with besides its hooks. */
export interface PollerOptions {
  /** The FFI hatch's link state by name. */
  state?: (name: string) => InterfaceState;
  /** The FFI hatch's kernel notices. */
  notices?: NoticeSource;
  /**
   * Without notices, quiet looks double the interval up to this (ms);
   * default: the poll interval (no back-off).
   */
  idleIntervalMs?: number;
}

/**
 * What the poller drives.
 */
export interface PollerHooks {
  /** Lists the interfaces (may throw). */
  list(): Deno.NetworkInterfaceInfo[];
  /** Makes the sockets match `infos`; resolves with the number of failures left to retry. */
  rebuild(infos: Deno.NetworkInterfaceInfo[]): Promise<number>;
  /** A look or rebuild failed unexpectedly. */
  onError(error: Error): void;
}

/**
 * Change notices from the kernel (`_ffi_netlink.ts`'s `NetlinkNotices`).
 */
export interface NoticeSource {
  /** Whether anything is queued (reads it). */
  changed(): boolean;
  /** Waits for the next notice; false when it ended for nothing or closed. */
  next(): Promise<boolean>;
  /** Whether the subscription has ended. */
  readonly closed: boolean;
}

/**
 * Looks at the interfaces when it is worth it.
 */
export class InterfacePoller {
  /** Looks taken (timer, notice or send error), since start. */
  polls = 0;
  #clock: Clock;
  #intervalMs: number;
  #idleIntervalMs: number;
  #quietLooks = 0; // looks that found nothing since start, a change or an error
  #hooks: PollerHooks;
  #watch: InterfaceWatch;
  #notices: NoticeSource | undefined;
  #timer: Timer | undefined;
  #rebuilding: Promise<void> | undefined;
  #again = false;
  #running = false;
  #following: Promise<void> | undefined;
  #lastErrorLook = -Infinity;

  /** `state` and `notices` come from the FFI hatch, when there is one. */
  constructor(clock: Clock, intervalMs: number, hooks: PollerHooks, options: PollerOptions = {}) {
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#idleIntervalMs = Math.max(intervalMs, options.idleIntervalMs ?? intervalMs);
    this.#hooks = hooks;
    this.#watch = new InterfaceWatch(options.state);
    this.#notices = options.notices;
  }

  /** Resolves when no rebuild is running. */
  get idle(): Promise<void> {
    return this.#rebuilding ?? Promise.resolve();
  }

  /** The first rebuild, before {@linkcode InterfacePoller.start}. */
  async rebuildNow(infos: Deno.NetworkInterfaceInfo[]): Promise<void> {
    this.#watch.needsRebuild(infos);
    let failures = 0;
    const rebuild = this.#hooks.rebuild(infos).then((n) => void (failures = n));
    this.#rebuilding = rebuild.catch(() => {});
    try {
      await rebuild;
    } finally {
      this.#rebuilding = undefined;
    }
    this.#watch.rebuilt(failures);
  }

  /** Starts the timer and the notices. */
  start(): void {
    this.#running = true;
    const notices = this.#notices;
    if (notices !== undefined) this.#following = this.#follow(notices);
    this.#arm(this.#nextMs());
  }

  /**
   * A socket failed: the next look rebuilds, and it comes now (at most once
   * a second) unless a rebuild is running.
   */
  invalidate(): void {
    this.#lookSoon();
  }

  /**
   * A send failed: often the first sign of an interface change. Look now,
   * but not more than once a second however many sends fail.
   */
  sendFailed(): void {
    this.#lookSoon();
  }

  #lookSoon(): void {
    this.#watch.invalidate();
    this.#quietLooks = 0;
    const now = this.#clock.now();
    if (!this.#running || this.#rebuilding !== undefined) return;
    if (now - this.#lastErrorLook < ERROR_POLL_MIN_GAP_MS) return;
    this.#lastErrorLook = now;
    this.#arm(0);
  }

  /** Stops the timer, waits for a running rebuild and for the notice loop (close the notices first). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#timer?.cancel();
    this.#timer = undefined;
    await this.#rebuilding;
    await this.#following;
  }

  #arm(delayMs: number): void {
    this.#timer?.cancel();
    this.#timer = this.#clock.setTimer(delayMs, () => {
      this.#timer = undefined;
      this.#look(false);
    });
  }

  /**
   * With notices the timer is only a safety net; without, it backs off after
   * QUICK_POLLS quiet looks, doubling up to the idle interval. A failure
   * waiting to be retried keeps the poll interval.
   */
  #nextMs(): number {
    if (this.#watch.stale) return this.#intervalMs;
    if (this.#notices !== undefined) return Math.max(this.#intervalMs, NOTICED_POLL_INTERVAL_MS);
    const doublings = Math.max(0, this.#quietLooks - QUICK_POLLS + 1);
    return Math.min(this.#idleIntervalMs, this.#intervalMs * 2 ** Math.min(doublings, 30));
  }

  /** `noticed`: the kernel said something changed (its notices are already read). */
  #look(noticed: boolean): void {
    if (!this.#running) return;
    if (this.#rebuilding !== undefined) {
      this.#again = true;
      return;
    }
    this.polls++;
    const watch = this.#watch;
    // With notices, a quiet tick costs one recv that finds nothing.
    if (!noticed && !watch.stale && this.#notices !== undefined && !this.#notices.changed()) {
      return this.#arm(this.#nextMs());
    }
    let infos: Deno.NetworkInterfaceInfo[];
    try {
      infos = this.#hooks.list();
    } catch (error) {
      this.#hooks.onError(asError(error));
      return this.#arm(this.#nextMs());
    }
    if (!watch.needsRebuild(infos)) {
      this.#quietLooks++;
      return this.#arm(this.#nextMs());
    }
    this.#quietLooks = 0;
    this.#rebuilding = this.#hooks.rebuild(infos).then((failures) => watch.rebuilt(failures))
      .catch((error) => {
        // The rebuild reports per-socket failures itself; this keeps a bug
        // there from becoming an unhandled rejection, which ends the process.
        watch.invalidate();
        this.#hooks.onError(asError(error));
      }).finally(() => {
        this.#rebuilding = undefined;
        if (!this.#running) return;
        if (this.#again) {
          this.#again = false;
          this.#look(true);
        } else {
          this.#arm(this.#nextMs());
        }
      });
  }

  async #follow(notices: NoticeSource): Promise<void> {
    while (this.#running && !notices.closed) {
      if (await notices.next()) this.#look(true);
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
