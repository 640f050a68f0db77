/**
 * One named segment of a {@linkcode MemoryNetwork}: what it loses, duplicates
 * and how long it takes.
 *
 * @module
 */

import type { Random } from "../clock.ts";

/**
 * How a link of the in-memory network misbehaves. Probabilities are drawn per
 * datagram sent (a lost multicast reaches nobody), from the network's seeded
 * random source.
 *
 * @example A lossy, slow link
 * ```ts
 * import assert from "node:assert/strict";
 * import type { MemoryLinkOptions } from "./memory_link.ts";
 * const wifi: MemoryLinkOptions = { loss: 0.1, duplicate: 0.01, delayMs: [5, 40] };
 * assert.equal(wifi.loss, 0.1);
 * ```
 */
export interface MemoryLinkOptions {
  /** Probability in `[0, 1]` that a datagram is lost. Default 0. */
  readonly loss?: number;
  /** Probability in `[0, 1]` that a datagram arrives twice. Default 0. */
  readonly duplicate?: number;
  /**
   * One-way delay in milliseconds: a fixed number, or `[min, max]` drawn
   * uniformly per copy (so datagrams can overtake each other). Default: the
   * network's `latencyMs`.
   */
  readonly delayMs?: number | readonly [number, number];
}

/**
 * A segment of the in-memory network. Obtained from `MemoryNetwork.link()`;
 * its settings can be changed at any time and apply to datagrams sent afterwards.
 *
 * @example Making a link lossy mid-test
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryNetwork, VirtualClock } from "../testing/mod.ts";
 * const network = new MemoryNetwork({ clock: new VirtualClock() });
 * const lan = network.link("lan");
 * lan.loss = 0.5;
 * assert.equal(lan.name, "lan");
 * assert.equal(lan.loss, 0.5);
 * ```
 */
export class MemoryLink {
  /** The link's name, as used in `interfaces[].link`. */
  readonly name: string;
  #loss = 0;
  #duplicate = 0;
  #delayMs: number | readonly [number, number];

  /**
   * Creates a link. Normally called by `MemoryNetwork.link()`; `defaultDelayMs`
   * is the delay used when `options.delayMs` is not given.
   */
  constructor(name: string, defaultDelayMs: number, options: MemoryLinkOptions = {}) {
    if (typeof name !== "string" || name === "") {
      throw new TypeError(`Link name must be a non-empty string: ${String(name)}`);
    }
    this.name = name;
    this.#delayMs = checkDelay(defaultDelayMs);
    this.configure(options);
  }

  /** Probability in `[0, 1]` that a datagram is lost. */
  get loss(): number {
    return this.#loss;
  }
  set loss(value: number) {
    this.#loss = checkProbability("loss", value);
  }

  /** Probability in `[0, 1]` that a datagram is delivered twice. */
  get duplicate(): number {
    return this.#duplicate;
  }
  set duplicate(value: number) {
    this.#duplicate = checkProbability("duplicate", value);
  }

  /** Fixed delay, or `[min, max]` drawn per copy, in milliseconds. */
  get delayMs(): number | readonly [number, number] {
    return this.#delayMs;
  }
  set delayMs(value: number | readonly [number, number]) {
    this.#delayMs = checkDelay(value);
  }

  /** Applies every setting present in `options`; absent ones keep their value. */
  configure(options: MemoryLinkOptions): void {
    if (options.loss !== undefined) this.loss = options.loss;
    if (options.duplicate !== undefined) this.duplicate = options.duplicate;
    if (options.delayMs !== undefined) this.delayMs = options.delayMs;
  }

  /**
   * Draws what happens to one datagram: how many copies arrive (0, 1 or 2) and
   * after how long each. Draws from `random` only for settings in use, so adding
   * a lossless link to a test does not shift the random sequence of another.
   */
  draw(random: Random): number[] {
    if (this.#loss > 0 && random() < this.#loss) return [];
    const copies = this.#duplicate > 0 && random() < this.#duplicate ? 2 : 1;
    const delays: number[] = [];
    for (let i = 0; i < copies; i++) {
      const d = this.#delayMs;
      delays.push(typeof d === "number" ? d : d[0] + random() * (d[1] - d[0]));
    }
    return delays;
  }
}

function checkProbability(what: string, value: number): number {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    throw new RangeError(`Link ${what} must be a probability between 0 and 1: ${String(value)}`);
  }
  return value;
}

function checkDelay(value: number | readonly [number, number]): number | readonly [number, number] {
  const ok = (n: unknown) => typeof n === "number" && Number.isFinite(n) && n >= 0;
  if (typeof value === "number") {
    if (!ok(value)) throw new RangeError(`Link delay must be a finite number >= 0: ${value}`);
    return value;
  }
  if (!Array.isArray(value) || value.length !== 2 || !ok(value[0]) || !ok(value[1])) {
    throw new TypeError(`Link delay must be a number or a [min, max] pair: ${String(value)}`);
  }
  if (value[0] > value[1]) {
    throw new RangeError(`Link delay range must have min <= max: [${value[0]}, ${value[1]}]`);
  }
  return [value[0], value[1]] as const;
}
