/**
 * Test-side handle on `agents/transport_agent.ts`: a UdpTransport running in a
 * namespace, driven over JSON lines.
 *
 * @module
 */

import type { Child, Host } from "./harness.ts";
import { fromHex, hasLabel, toHex } from "./packets.ts";
import type { Destination, NetworkLink } from "../../transport/transport.ts";
import type { UdpTransportStats } from "../../transport/udp_transport.ts";

const AGENT = new URL("./agents/transport_agent.ts", import.meta.url).pathname;

/** A datagram as the agent reports it. */
export interface AgentDatagram {
  readonly event: "datagram";
  readonly interfaceName: string;
  readonly family: "IPv4" | "IPv6";
  readonly address: string;
  readonly port: number;
  readonly unicast: boolean;
  readonly response: boolean;
  readonly hex: string;
  /** When the agent received it (`performance.now()` in the agent's process). */
  readonly at: number;
}

/** Any agent message. */
// deno-lint-ignore no-explicit-any
export type AgentMessage = { event: string } & Record<string, any>;

/**
 * Whether a datagram message carries a packet containing `label`.
 *
 * @example
 * ```ts ignore
 * await agent.waitDatagram((d) => carries(d, "tag1"));
 * ```
 */
export function carries(d: AgentDatagram, label: string): boolean {
  return hasLabel(fromHex(d.hex), label);
}

/** A started transport agent. */
export class Agent {
  /** The process. */
  readonly child: Child;
  /** Links reported at start. */
  readonly links: NetworkLink[];
  #nextId = 1;

  private constructor(child: Child, links: NetworkLink[]) {
    this.child = child;
    this.links = links;
  }

  /**
   * Starts an agent in `host` with UdpTransport options and waits for
   * `started`. `flags` replace `deno run`'s default `--unstable-net
   * --allow-all` (which grants `ffi`, so the FFI hatch is on unless
   * `ffi: "off"` or `--deny-ffi`).
   */
  static async start(
    host: Host,
    options: Record<string, unknown> = {},
    flags?: readonly string[],
  ): Promise<Agent> {
    const child = host.deno(AGENT, [JSON.stringify({ pollIntervalMs: 200, ...options })], {
      stdin: true,
      label: `[${host.name}] agent`,
      flags,
    });
    const first = await child.waitFor(
      (m: AgentMessage) => m.event === "started" || m.event === "start-error",
      {
        timeoutMs: 20_000,
        what: "agent start",
      },
    );
    if (first.event !== "started") throw new Error(`Agent failed to start: ${first.message}`);
    return new Agent(child, first.links);
  }

  /** Sends a packet through the transport; resolves with send()'s result. */
  async send(packet: Uint8Array, to: Destination): Promise<boolean> {
    const id = this.#nextId++;
    const since = this.child.mark();
    await this.child.send({ op: "send", id, hex: toHex(packet), ...to });
    const sent = await this.child.waitFor((m: AgentMessage) => m.event === "sent" && m.id === id, {
      since,
      what: `send ${id}`,
    });
    return sent.ok;
  }

  /** Datagrams received so far (from `since`) that satisfy `predicate`. */
  datagrams(predicate: (d: AgentDatagram) => boolean = () => true, since = 0): AgentDatagram[] {
    return this.child.filter<AgentDatagram>(
      (m) => m.event === "datagram" && predicate(m),
      since,
    );
  }

  /** Waits for a datagram satisfying `predicate`. */
  waitDatagram(
    predicate: (d: AgentDatagram) => boolean,
    options: { timeoutMs?: number; since?: number; what?: string } = {},
  ): Promise<AgentDatagram> {
    return this.child.waitFor<AgentDatagram>(
      (m) => m.event === "datagram" && predicate(m),
      { timeoutMs: 5000, ...options },
    );
  }

  /** Waits for any message satisfying `predicate`. */
  waitEvent(
    predicate: (m: AgentMessage) => boolean,
    options: { timeoutMs?: number; since?: number; what?: string } = {},
  ): Promise<AgentMessage> {
    return this.child.waitFor(predicate, { timeoutMs: 10_000, ...options });
  }

  /**
   * Sends `packet` every `intervalMs` until `receiver` reports a datagram
   * satisfying `predicate` (packets right after a link change may be lost, and
   * the watcher needs a poll to notice changes).
   */
  async sendUntil(
    packet: Uint8Array,
    to: Destination,
    receiver: Agent,
    predicate: (d: AgentDatagram) => boolean,
    options: { tries?: number; intervalMs?: number; what?: string } = {},
  ): Promise<AgentDatagram> {
    const tries = options.tries ?? 20;
    const since = receiver.child.mark();
    for (let i = 0; i < tries; i++) {
      await this.send(packet, to);
      try {
        return await receiver.waitDatagram(predicate, {
          since,
          timeoutMs: options.intervalMs ?? 300,
          what: options.what,
        });
      } catch (error) {
        if (i === tries - 1 || receiver.child.exited) throw error;
      }
    }
    throw new Error("unreachable");
  }

  /** Transport counters. */
  async stats(): Promise<{ stats: UdpTransportStats; links: NetworkLink[] }> {
    const since = this.child.mark();
    await this.child.send({ op: "stats" });
    const m = await this.child.waitFor((m: AgentMessage) => m.event === "stats", { since });
    return { stats: m.stats, links: m.links };
  }

  /** Polls the counters until `predicate` holds (echoes are processed asynchronously). */
  async waitStats(
    predicate: (stats: UdpTransportStats) => boolean,
    what = "stats",
    timeoutMs = 3000,
  ): Promise<UdpTransportStats> {
    const end = performance.now() + timeoutMs;
    for (;;) {
      const { stats } = await this.stats();
      if (predicate(stats)) return stats;
      if (performance.now() > end) {
        throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(stats)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Closes the transport and waits for the process to exit; returns final stats. */
  async close(): Promise<UdpTransportStats> {
    await this.child.send({ op: "close" });
    const closed = await this.child.waitFor((m: AgentMessage) => m.event === "closed", {
      timeoutMs: 5000,
    });
    await this.child.status;
    return closed.stats;
  }
}
