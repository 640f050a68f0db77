/**
 * The `mdns` command line, in the spirit of `avahi-browse`, `avahi-publish`
 * and Apple's `dns-sd`:
 *
 *   deno run --allow-net --allow-sys=networkInterfaces,hostname --unstable-net \
 *     --v8-flags=--max-semi-space-size=1,--optimize-for-size,--no-memory-reducer-for-small-heaps cli/main.ts <command>
 *
 * or `deno task mdns <command>` (the V8 flags keep a long-running `publish`
 * or `browse` at a flat RSS under a flood and near its live heap under cache
 * poisoning; README, "Permissions"). Commands: `browse`, `publish`, `resolve`,
 * `lookup`, `services`, `monitor`, `watch`, `decode`; `--help` on each.
 * Exit status: 0 done, 1 failed (nothing answered in time, the network
 * cannot be used), 2 wrong command line (an argument, or a missing Deno flag).
 *
 * @module
 */
import config from "../deno.json" with { type: "json" };
import { type CommandContext, systemContext } from "./_context.ts";
import { EXIT_OK, EXIT_USAGE, explainError, requireNetworkFlags, UsageError } from "./_errors.ts";
import { type Output, TerminalOutput } from "./_output.ts";

/**
 * The version printed by `--version`, from deno.json.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VERSION } from "./main.ts";
 * assert.match(VERSION, /^\d+\.\d+\.\d+/);
 * ```
 */
export const VERSION: string = config.version;

/**
 * The tool's `--help`: every command, the JSON and exit-status conventions,
 * example lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { USAGE } from "./main.ts";
 * assert.match(USAGE, /\n {2}deno task mdns browse --all\n/);
 * ```
 */
export const USAGE = `mdns ${VERSION}: Multicast DNS and DNS-SD (RFC 6762, RFC 6763) for Deno

usage: mdns <command> [arguments] [--json] [--help]

commands:
  browse [TYPE]             live list of services (of TYPE, or every type with --all)
  publish NAME TYPE PORT    announce a service until Ctrl-C, then say goodbye
  resolve INSTANCE.TYPE     host, port, addresses and TXT of one service
  lookup HOST.local|ADDR    addresses of a .local host, or the name of an address
  services                  the service types on the network
  monitor                   every mDNS packet heard, decoded like dig (sends nothing)
  watch                     every record as it enters and leaves the cache (sends nothing)
  decode FILE...            print raw DNS packets from files, like dig

--json prints one JSON object per line, each with "event" and "ts" (unix seconds).
Exit status: 0 done, 1 failed (no answer in time, network unusable),
2 wrong command line (bad argument, or a missing Deno flag).

examples:
  deno task mdns browse --all
  deno task mdns publish "My Web" _http._tcp 8080 path=/ --json

"mdns <command> --help" shows a command's options.`;

/**
 * `decode --help`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DECODE_HELP } from "./main.ts";
 * assert.match(DECODE_HELP, /\nexample: mdns decode /);
 * ```
 */
export const DECODE_HELP = `usage: mdns decode FILE...

Prints each FILE, one raw DNS message (a UDP payload saved from a capture), the
way dig shows it. A malformed packet prints its offset and reason; exit 1.

example: mdns decode tests/testdata/c_announce_one_service.bin`;

type Command = (args: string[], context: CommandContext) => Promise<number>;

// Each command's modules load when it runs: a long-running `browse` keeps no
// publish, monitor or decode code in its heap (V8's memory reducer marks the
// whole start-up heap about 30 s in; issue 15 item 3).
const COMMANDS: Record<string, () => Promise<{ run: Command; help: string }>> = {
  browse: async () => {
    const m = await import("./browse.ts");
    return { run: m.browse, help: m.BROWSE_HELP };
  },
  publish: async () => {
    const m = await import("./publish.ts");
    return { run: m.publish, help: m.PUBLISH_HELP };
  },
  resolve: async () => {
    const m = await import("./resolve.ts");
    return { run: m.resolve, help: m.RESOLVE_HELP };
  },
  lookup: async () => {
    const m = await import("./lookup.ts");
    return { run: m.lookup, help: m.LOOKUP_HELP };
  },
  services: async () => {
    const m = await import("./services.ts");
    return { run: m.services, help: m.SERVICES_HELP };
  },
  monitor: async () => {
    const m = await import("./monitor.ts");
    return { run: m.monitor, help: m.MONITOR_HELP };
  },
  watch: async () => {
    const m = await import("./watch.ts");
    return { run: m.watch, help: m.WATCH_HELP };
  },
};

/**
 * Runs one command line with `context`; resolves with the exit status. Every
 * error becomes one line on stderr.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run } from "./main.ts";
 * import { MemoryOutput } from "./_output.ts";
 * const output = new MemoryOutput();
 * const status = await run(["--version"], { output } as never);
 * assert.equal(status, 0);
 * assert.match(output.stdout[0], /^mdns \d+\.\d+\.\d+$/);
 * ```
 */
export async function run(argv: string[], context: CommandContext): Promise<number> {
  // `deno task mdns -- browse` (npm habit) passes the "--" through.
  const [command, ...rest] = argv[0] === "--" ? argv.slice(1) : argv;
  const output: Output = context.output;
  try {
    switch (command) {
      case "--version":
      case "-V":
      case "version":
        output.line(`mdns ${VERSION}`);
        return EXIT_OK;
      case "--help":
      case "-h":
      case "help":
        output.line(
          rest[0] === "decode"
            ? DECODE_HELP
            : Object.hasOwn(COMMANDS, rest[0] ?? "")
            ? (await COMMANDS[rest[0]]()).help
            : USAGE,
        );
        return EXIT_OK;
      case undefined:
        output.error(USAGE);
        return EXIT_USAGE;
      case "decode":
        if (rest.includes("--help") || rest.includes("-h")) {
          output.line(DECODE_HELP);
          return EXIT_OK;
        }
        return (await import("./decode.ts")).decodeFiles(rest);
    }
    if (!Object.hasOwn(COMMANDS, command)) {
      throw new UsageError(
        `unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(", ")}, decode)`,
      );
    }
    return await (await COMMANDS[command]()).run(rest, context);
  } catch (error) {
    const { message, status } = explainError(error);
    const prefix = command && Object.hasOwn(COMMANDS, command) &&
        !message.startsWith(`${command}:`)
      ? `${command}: `
      : "";
    output.error(`mdns: ${prefix}${message}`);
    return status;
  }
}

async function main(): Promise<number> {
  const output = new TerminalOutput();
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  // SIGTERM cannot be listened for on Windows; Ctrl-C (SIGINT) can.
  const signals = (["SIGINT", "SIGTERM"] as const).filter((signal) => {
    try {
      Deno.addSignalListener(signal, onSignal);
      return true;
    } catch {
      return false;
    }
  });
  output.closed.signal.addEventListener("abort", onSignal);
  try {
    return await run(Deno.args, systemContext(output, stop.signal, requireNetworkFlags));
  } finally {
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
  }
}

if (import.meta.main) Deno.exit(await main());
