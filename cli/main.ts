// deno-lint-ignore-file no-console -- this file prints for a person, as only cli/, bench/ and tests may
/**
 * The command-line entry point:
 *
 *   deno run --allow-net --allow-sys=networkInterfaces --unstable-net cli/main.ts <command>
 *
 * (or `deno task mdns <command>`). Commands:
 *
 *   watch [--json] ...   print every record heard on the LAN (sends nothing)
 *   decode FILE...       print raw DNS packets the way dig does
 *
 * @module
 */
import { watch } from "./watch.ts";
import { decodeFiles } from "./decode.ts";
import { UsageError } from "./usage_error.ts";

const USAGE = `usage: main.ts <command> [options]

commands:
  watch    print every mDNS record heard on the network (sends nothing)
  decode   print raw DNS packets from files, like dig

Run "main.ts <command> --help" for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    switch (command) {
      case "watch":
        return await watch(rest, stop.signal);
      case "decode":
        return decodeFiles(rest);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    // parseArgs reports unknown options as a TypeError with a code.
    const code = (error as { code?: string }).code;
    if (error instanceof UsageError || code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`${command ?? "main.ts"}: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
