/**
 * Test-side handle on `agents/publish_agent.ts`: our stack publishing
 * services in a namespace, driven over JSON lines.
 *
 * @module
 */

import type { Child, Host } from "./harness.ts";
import type { PublishOptions } from "../../responder/publish_options.ts";

const AGENT = new URL("./agents/publish_agent.ts", import.meta.url).pathname;

/** A message from the publish agent. */
// deno-lint-ignore no-explicit-any
export type PublisherMessage = { event: string; id?: number } & Record<string, any>;

/** Our stack in a namespace. */
/**
 * The V8 flags README recommends for a long-running responder, as the
 * `deno task mdns` line passes them: a 1 MiB young-generation semi-space, so
 * a flood's allocation rate does not grow RSS by 20-40 MB, and
 * `--optimize-for-size`, so the old generation's limit grows in small steps
 * and a poisoning attack's RSS peak stays near the live heap (1,000,000
 * records: +46 MiB against +117 without it; bench/poisoning_netns_bench.ts),
 * and `--no-memory-reducer-for-small-heaps`, so V8 does not re-mark the
 * start-up heap ~30 s in (a browse's idle CPU; a flood's heap is still given
 * back: bench/memory_reducer_bench.ts).
 * Benches pass them to measure what a user following README gets.
 */
export const RECOMMENDED_V8_FLAGS =
  "--max-semi-space-size=1,--optimize-for-size,--no-memory-reducer-for-small-heaps";

export class Publisher {
  /** The process. */
  readonly child: Child;
  #nextId = 1;

  private constructor(child: Child) {
    this.child = child;
  }

  /**
   * Starts the agent in `host` with host name `hostName` (`ours-a.local`);
   * `flags` replaces `deno run`'s default `--unstable-net --allow-all --v8-flags=--expose-gc`
   * (V8's own heap sizing, as a library user gets it without
   * {@linkcode RECOMMENDED_V8_FLAGS}).
   */
  static async start(
    host: Host,
    options: {
      hostName: string;
      interfaces?: string[];
      pollIntervalMs?: number;
      /** `false`: no per-address bound on legacy queries (`MdnsOptions.legacyQueryRate`). */
      legacyLimit?: false;
      flags?: readonly string[];
    },
  ): Promise<Publisher> {
    const { flags, ...config } = options;
    const child = host.deno(AGENT, [JSON.stringify(config)], {
      // --expose-gc: the agent measures the heap after a full collection.
      flags: flags ?? ["--unstable-net", "--allow-all", "--v8-flags=--expose-gc"],
      stdin: true,
      label: `[${host.name}] publish_agent`,
    });
    const first = await child.waitFor(
      (m: PublisherMessage) => m.event === "started" || m.event === "start-error",
      { timeoutMs: 20_000, what: "publish agent start" },
    );
    if (first.event !== "started") throw new Error(`Publisher failed to start: ${first.message}`);
    return new Publisher(child);
  }

  /** Publishes; resolves with the id and the name held once probing succeeded. */
  async publish(
    options: Omit<PublishOptions, "signal" | "onEvent">,
    timeoutMs = 15_000,
  ): Promise<{ id: number; name: string; host: string }> {
    const id = this.#nextId++;
    const since = this.child.mark();
    await this.child.send({ op: "publish", id, options });
    const m = await this.child.waitFor(
      (m: PublisherMessage) =>
        m.id === id && (m.event === "published" || m.event === "publish-error"),
      { since, timeoutMs, what: `publish ${options.name}` },
    );
    if (m.event !== "published") throw new Error(`Publish failed: ${m.message}`);
    return { id, name: m.name, host: m.host };
  }

  /** Unpublishes (goodbyes). */
  async unpublish(id: number): Promise<void> {
    const since = this.child.mark();
    await this.child.send({ op: "unpublish", id });
    await this.child.waitFor((m: PublisherMessage) => m.event === "unpublished" && m.id === id, {
      since,
      what: `unpublish ${id}`,
    });
  }

  /** Events of one service so far. */
  events(id: number): PublisherMessage[] {
    return this.child.filter<PublisherMessage>((m) => m.id === id);
  }

  /**
   * CPU time the process has used (µs), its memory (RSS, V8 heap in use and
   * reserved, external buffers; bytes), and the stack's and the transport's counters.
   */
  async cpu(): Promise<{
    micros: number;
    rss: number;
    heapUsed: number;
    heapTotal: number;
    external: number;
    stats: Record<string, number>;
    transport: Record<string, unknown>;
  }> {
    const since = this.child.mark();
    await this.child.send({ op: "cpu" });
    const m = await this.child.waitFor((m: PublisherMessage) => m.event === "cpu", { since });
    return {
      micros: m.micros,
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      stats: m.stats,
      transport: m.transport,
    };
  }

  /** Starts a browse (of `type`, or of the service types); events come as `browse` with `id`. */
  async browse(type?: string): Promise<number> {
    const id = this.#nextId++;
    await this.child.send({ op: "browse", id, type });
    return id;
  }

  /** Aborts the signal service `id` was published with. */
  async abort(id: number): Promise<void> {
    const since = this.child.mark();
    await this.child.send({ op: "abort", id });
    await this.child.waitFor((m: PublisherMessage) => m.event === "aborted" && m.id === id, {
      since,
    });
  }

  /** Disposes service `id` (what leaving an `await using` scope does). */
  async dispose(id: number): Promise<void> {
    const since = this.child.mark();
    await this.child.send({ op: "dispose", id });
    await this.child.waitFor((m: PublisherMessage) => m.event === "disposed" && m.id === id, {
      since,
    });
  }

  /** Closes the stack (goodbyes) and waits for the process to exit. */
  async close(): Promise<void> {
    await this.child.send({ op: "close" });
    await this.child.waitFor((m: PublisherMessage) => m.event === "closed", { timeoutMs: 5000 });
    await this.child.status;
  }
}
