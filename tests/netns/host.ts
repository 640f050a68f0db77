/**
 * A host of a namespace lab: one network namespace and the processes run in it.
 *
 * @module
 */

import { Child, type LineParser } from "./child.ts";
import { type CommandResult, run } from "./availability.ts";
import type { Lab } from "./lab.ts";

/** A bridge in the lab's switch namespace. */
export interface Bridge {
  /** 1-based number; the third octet of its IPv4 subnet. */
  readonly number: number;
  /** Device name inside the switch namespace. */
  readonly name: string;
}

/** One interface of a host, attached to a bridge. */
export interface HostInterface {
  /** Device name inside the host. */
  readonly name: string;
  /** Bridge it is plugged into. */
  readonly bridge: Bridge;
  /** IPv4 address (no prefix). */
  readonly ipv4: string;
  /** ULA IPv6 address (no prefix). */
  readonly ipv6: string;
  /** Switch-side veth name. */
  port: string;
}

/** Options for {@linkcode Host.spawn}. */
export interface SpawnOptions {
  /** Extra environment variables. */
  readonly env?: Record<string, string>;
  /** Pipe stdin (for {@linkcode Child.send}). @default {false} */
  readonly stdin?: boolean;
  /** How to parse stdout lines. @default JSON lines */
  readonly parse?: LineParser;
  /** Label for error messages. */
  readonly label?: string;
}

/**
 * A namespace with its own network stack.
 *
 * @example
 * ```ts ignore
 * const host = await lab.addHost("a");
 * await lab.connect(host, bridge);
 * const child = host.deno("tests/netns/agents/transport_agent.ts", ["{}"], { stdin: true });
 * ```
 */
export class Host {
  /** Owning lab. */
  readonly lab: Lab;
  /** Short name (`a`, `b`, ...). */
  readonly name: string;
  /** Namespace name. */
  readonly ns: string;
  /** 1-based host number: the last byte of its addresses. */
  readonly number: number;
  /** Interfaces by device name. */
  readonly interfaces: Map<string, HostInterface> = new Map();

  /** Use {@linkcode Lab.addHost}. */
  constructor(lab: Lab, name: string, ns: string, number: number) {
    this.lab = lab;
    this.name = name;
    this.ns = ns;
    this.number = number;
  }

  /** Runs `ip -n <ns> ...args` and returns stdout. */
  async ip(...args: string[]): Promise<string> {
    return (await run(["ip", "-n", this.ns, ...args])).stdout;
  }

  /** Runs a command in this namespace to completion. */
  exec(
    cmd: readonly string[],
    options: { allowFailure?: boolean; env?: Record<string, string> } = {},
  ): Promise<CommandResult> {
    return run(["ip", "netns", "exec", this.ns, ...cmd], options);
  }

  /** Starts a long-running command in this namespace; the lab stops it at teardown. */
  spawn(cmd: readonly string[], options: SpawnOptions = {}): Child {
    const command = new Deno.Command("ip", {
      args: ["netns", "exec", this.ns, ...cmd],
      stdin: options.stdin ? "piped" : "null",
      stdout: "piped",
      stderr: "piped",
      env: options.env,
    });
    const child = new Child(options.label ?? `[${this.name}] ${cmd.join(" ")}`, command, {
      parse: options.parse,
      stdin: options.stdin,
    });
    this.lab.adopt(child);
    return child;
  }

  /**
   * Runs a Deno script in this namespace: `deno run <flags> script ...args`.
   * Flags default to `--unstable-net --allow-all`.
   */
  deno(
    script: string,
    args: readonly string[] = [],
    options: SpawnOptions & { flags?: readonly string[] } = {},
  ): Child {
    const flags = options.flags ?? ["--unstable-net", "--allow-all"];
    return this.spawn([Deno.execPath(), "run", "--quiet", ...flags, script, ...args], {
      label: `[${this.name}] ${script.split("/").pop()}`,
      ...options,
    });
  }

  /** The link-local (fe80) address of a device, without `%zone`. */
  async linkLocal(ifname: string): Promise<string> {
    const out = JSON.parse(
      await this.ip("-j", "-6", "addr", "show", "dev", ifname, "scope", "link"),
    );
    const addr = out[0]?.addr_info?.find((a: { family: string }) => a.family === "inet6");
    if (addr === undefined) throw new Error(`No link-local address on ${this.name}:${ifname}`);
    return addr.local as string;
  }

  /** Sets a device up or down. */
  async setLink(ifname: string, state: "up" | "down"): Promise<void> {
    await this.ip("link", "set", ifname, state);
  }
}
