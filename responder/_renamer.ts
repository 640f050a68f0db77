/**
 * New names after a lost conflict (RFC 6762 §9: "appending some suffix ... or
 * incrementing a trailing number"), the way Bonjour and Avahi do it: a service
 * instance `Printer` becomes `Printer (2)`, then `Printer (3)`; a host
 * `box.local` becomes `box-2.local`, then `box-3.local`. Also the rate limit
 * of §8.1 on repeated conflicts.
 *
 * @module
 */

import { Limits } from "../codec/mod.ts";

/** RFC 6762 §8.1: more than this many conflicts within the window... */
export const CONFLICT_BURST = 15;
/** ...of this many milliseconds (RFC 6762 §8.1)... */
export const CONFLICT_WINDOW_MS = 10_000;
/** ...and the host waits this long before each further probe (RFC 6762 §8.1). */
export const CONFLICT_BACKOFF_MS = 5_000;

const encoder = new TextEncoder();

/**
 * The instance label to try after `instance` lost a conflict: `Name (2)`,
 * then `Name (3)`…, shortened (on a character boundary) to fit 63 bytes.
 */
export function nextInstanceName(instance: string): string {
  const m = /^(.*) \((\d+)\)$/s.exec(instance);
  const base = m ? m[1] : instance;
  const n = m ? Number(m[2]) + 1 : 2;
  return fitLabel(base, ` (${n})`);
}

/**
 * The host name to try after `hostName` lost a conflict: `box-2.local`, then
 * `box-3.local`…
 */
export function nextHostName(hostName: string): string {
  const dot = hostName.indexOf(".");
  const label = dot < 0 ? hostName : hostName.slice(0, dot);
  const rest = dot < 0 ? "" : hostName.slice(dot);
  const m = /^(.*)-(\d+)$/.exec(label);
  const base = m ? m[1] : label;
  const n = m ? Number(m[2]) + 1 : 2;
  return fitLabel(base, `-${n}`) + rest;
}

/**
 * One DNS label for a host from a machine name: letters, digits and `-`, at
 * most 63 bytes, `deno` when nothing usable is left.
 */
export function sanitizeHostLabel(name: string): string {
  const first = name.split(".")[0] ?? "";
  const label = first.replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-+|-+$/g, "")
    .slice(0, Limits.LABEL_BYTES);
  return label === "" ? "deno" : label;
}

function fitLabel(base: string, suffix: string): string {
  const room = Limits.LABEL_BYTES - encoder.encode(suffix).length;
  let out = base;
  while (encoder.encode(out).length > room) out = [...out].slice(0, -1).join("");
  return out + suffix;
}

/**
 * Counts conflicts and says how long to wait before the next probe: nothing
 * until {@linkcode CONFLICT_BURST} conflicts fall within
 * {@linkcode CONFLICT_WINDOW_MS}, then {@linkcode CONFLICT_BACKOFF_MS}
 * (RFC 6762 §8.1). Keeps at most `CONFLICT_BURST` times.
 */
export class ConflictLimiter {
  #times: number[] = [];
  #backingOff = false;

  /** Notes one conflict at `now`. */
  record(now: number): void {
    const last = this.#times.at(-1);
    // A quiet window ends the back-off.
    if (last !== undefined && now - last > CONFLICT_WINDOW_MS) {
      this.#times.length = 0;
      this.#backingOff = false;
    }
    this.#times.push(now);
    if (this.#times.length > CONFLICT_BURST) this.#times.shift();
    if (this.#times.length === CONFLICT_BURST && now - this.#times[0] <= CONFLICT_WINDOW_MS) {
      this.#backingOff = true;
    }
  }

  /** Milliseconds to wait before the next probe series that starts at `now`. */
  delay(now: number): number {
    const last = this.#times.at(-1);
    if (last === undefined || now - last > CONFLICT_WINDOW_MS) return 0;
    return this.#backingOff ? CONFLICT_BACKOFF_MS : 0;
  }
}
