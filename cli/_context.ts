/**
 * What a command is given to run: its streams, the stop signal (SIGINT,
 * SIGTERM), the wall clock for time stamps, and the ways to reach the network.
 * `main.ts` builds the real one; tests build one over the in-memory network or
 * a fake stack, so every command runs without sockets in tests.
 *
 * @module
 */
import { Mdns } from "../mdns.ts";
import type { Transport } from "../transport/transport.ts";
import { UdpTransport } from "../transport/udp_transport.ts";
import type { CliStack } from "./_library.ts";
import type { Output } from "./_output.ts";

/**
 * Which links a command uses.
 */
export interface LinkOptions {
  /** Only these interfaces (names); default every multicast-capable one. */
  readonly interfaces?: readonly string[];
  /** Use IPv4. @default {true} */
  readonly ipv4?: boolean;
  /** Use IPv6. @default {true} */
  readonly ipv6?: boolean;
}

/**
 * Everything a command touches outside itself.
 */
export interface CommandContext {
  /** stdout / stderr. */
  readonly output: Output;
  /** Aborts on SIGINT or SIGTERM (or when stdout is gone). */
  readonly signal: AbortSignal;
  /** Unix time in milliseconds, for time stamps. */
  now(): number;
  /** Waits `ms` milliseconds, or less when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Checks the Deno flags a networked command needs (throws a UsageError naming one). */
  checkFlags(needs: { hostname?: boolean }): void;
  /** Names of this machine's interfaces, for checking `--interface`. */
  interfaceNames(): string[];
  /** A transport on the chosen links, not yet started (`monitor` uses it bare). */
  transport(options: LinkOptions): Transport;
  /** A started stack on the chosen links. */
  startStack(options: LinkOptions): Promise<CliStack>;
}

/**
 * Resolves after `ms`, or as soon as `signal` aborts.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * The real context: UDP sockets on this machine's interfaces.
 */
export function systemContext(
  output: Output,
  signal: AbortSignal,
  checkFlags: (needs: { hostname?: boolean }) => void,
): CommandContext {
  const transport = (options: LinkOptions) =>
    new UdpTransport({
      interfaces: options.interfaces?.length ? { include: options.interfaces } : undefined,
      ipv4: options.ipv4,
      ipv6: options.ipv6,
    });
  return {
    output,
    signal,
    now: () => Date.now(),
    sleep: abortableSleep,
    checkFlags,
    interfaceNames: () => Deno.networkInterfaces().map((i) => i.name),
    transport,
    startStack: (options) => Mdns.start({ transport: transport(options) }),
  };
}

/**
 * Resolves when the command should end: on SIGINT / SIGTERM (the context's
 * signal), when `also` aborts, or after `timeoutMs` when one is given. Leaves
 * no timer or listener behind.
 */
export async function untilStopped(
  context: Pick<CommandContext, "signal" | "sleep">,
  timeoutMs?: number,
  also?: AbortSignal,
): Promise<"signal" | "timeout"> {
  if (context.signal.aborted || also?.aborted) return "signal";
  const cleanup = new AbortController();
  const aborted = new Promise<"signal">((resolve) => {
    const done = () => resolve("signal");
    context.signal.addEventListener("abort", done, { once: true, signal: cleanup.signal });
    also?.addEventListener("abort", done, { once: true, signal: cleanup.signal });
  });
  const waits: Promise<"signal" | "timeout">[] = [aborted];
  if (timeoutMs !== undefined) {
    waits.push(context.sleep(timeoutMs, cleanup.signal).then(() => "timeout" as const));
  }
  try {
    return await Promise.race(waits);
  } finally {
    cleanup.abort();
  }
}
