/**
 * Test-side handle on `agents/querier_agent.ts`: an Mdns stack in a
 * namespace whose browse, resolve and lookups are driven over JSON lines.
 *
 * @module
 */

import type { Child, Host } from "./harness.ts";

const AGENT = new URL("./agents/querier_agent.ts", import.meta.url).pathname;

/** Any agent message. */
// deno-lint-ignore no-explicit-any
export type Message = Record<string, any>;

/** A started querier agent. */
export class QuerierAgent {
  #id = 1;
  constructor(readonly child: Child) {}
  /**
   * Starts the agent in `host` (UdpTransport options: `{ ffi: "off" }` runs
   * it as Deno does without FFI) and waits for `started`.
   */
  static async start(host: Host, options: Record<string, unknown> = {}): Promise<QuerierAgent> {
    const child = host.deno(AGENT, [JSON.stringify({ pollIntervalMs: 200, ...options })], {
      stdin: true,
      label: `[${host.name}] querier`,
    });
    const first = await child.waitFor((m: Message) => m.event !== undefined, {
      timeoutMs: 20_000,
      what: "querier agent start",
    });
    if (first.event !== "started") throw new Error(`Agent failed: ${first.message}`);
    return new QuerierAgent(child);
  }
  /** Sends a command; resolves with its id. */
  async op(message: Message): Promise<number> {
    const id = this.#id++;
    await this.child.send({ ...message, id });
    return id;
  }
  /** Waits for the reply `event` (or `failed`) to command `id`. */
  reply(id: number, event: string, timeoutMs = 10_000): Promise<Message> {
    return this.child.waitFor(
      (m: Message) => m.id === id && (m.event === event || m.event === "failed"),
      {
        timeoutMs,
        what: `${event} ${id}`,
      },
    );
  }
  /** Waits for a browse event of `type` for the service `name` from browse `id`. */
  browseEvent(id: number, type: string, name: string, timeoutMs = 15_000): Promise<Message> {
    return this.child.waitFor(
      (m: Message) =>
        m.event === "browse" && m.id === id && m.type === type && m.service?.name === name,
      { timeoutMs, what: `browse ${type} ${name}` },
    );
  }
  /** Closes the stack and waits for the process to end. */
  async close(): Promise<void> {
    await this.child.send({ op: "close" });
    await this.child.status;
  }
}
