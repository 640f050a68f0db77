/**
 * The `mdns` command line, in the spirit of `avahi-browse`, `avahi-publish`
 * and Apple's `dns-sd`:
 *
 *   deno run --allow-net --allow-sys=networkInterfaces,hostname --unstable-net \
 *     --v8-flags=--max-semi-space-size=1 cli/main.ts <command>
 *
 * or `deno task mdns <command>` (the V8 flag keeps a long-running `publish`
 * or `browse` at a flat RSS under a flood; README, "Permissions"). Commands: `browse`, `publish`, `resolve`,
 * `lookup`, `services`, `monitor`, `watch`, `decode`; `--help` on each.
 * Exit status: 0 done, 1 failed (nothing answered in time, the network
 * cannot be used), 2 wrong command line (an argument, or a missing Deno flag).
 *
 * @module
 */
import config from "../deno.json" with { type: "json" };
import { browse, BROWSE_HELP } from "./browse.ts";
import { decodeFiles } from "./decode.ts";
import { lookup, LOOKUP_HELP } from "./lookup.ts";
import { monitor, MONITOR_HELP } from "./monitor.ts";
import { publish, PUBLISH_HELP } from "./publish.ts";
import { resolve, RESOLVE_HELP } from "./resolve.ts";
import { services, SERVICES_HELP } from "./services.ts";
import { watch, WATCH_HELP } from "./watch.ts";
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

const COMMANDS: Record<string, { run: Command; help: string }> = {
  browse: { run: browse, help: BROWSE_HELP },
  publish: { run: publish, help: PUBLISH_HELP },
  resolve: { run: resolve, help: RESOLVE_HELP },
  lookup: { run: lookup, help: LOOKUP_HELP },
  services: { run: services, help: SERVICES_HELP },
  monitor: { run: monitor, help: MONITOR_HELP },
  watch: { run: watch, help: WATCH_HELP },
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
          rest[0] === "decode" ? DECODE_HELP : COMMANDS[rest[0]]?.help ?? USAGE,
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
        return decodeFiles(rest);
    }
    const entry = COMMANDS[command];
    if (entry === undefined) {
      throw new UsageError(
        `unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(", ")}, decode)`,
      );
    }
    return await entry.run(rest, context);
  } catch (error) {
    const { message, status } = explainError(error);
    const prefix = command && COMMANDS[command] && !message.startsWith(`${command}:`)
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
