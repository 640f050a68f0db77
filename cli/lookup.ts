/**
 * `lookup`: the addresses of a `.local` host (A and AAAA), or the host name of
 * an address (reverse, `in-addr.arpa` / `ip6.arpa` PTR), like
 * `avahi-resolve -n` / `-a`. Exit 1 when nothing answers in time.
 *
 * @module
 */
import { parseCommand, parseLookupTarget, parseTimeout } from "./_args.ts";
import type { CommandContext } from "./_context.ts";
import { EXIT_OK, FailureError } from "./_errors.ts";
import { LookupError, ResolveError } from "../mod.ts";
import { unixSeconds } from "./_output.ts";
import { DEFAULT_TIMEOUT_S } from "./resolve.ts";

/**
 * `lookup --help`: usage, options and an example line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LOOKUP_HELP } from "./lookup.ts";
 * assert.match(LOOKUP_HELP, /^usage: mdns lookup/);
 * assert.match(LOOKUP_HELP, /\nexample: mdns lookup /);
 * ```
 */
export const LOOKUP_HELP = `usage: mdns lookup HOST.local|ADDRESS [--timeout S] [--json]

The addresses of a .local host name (A and AAAA records), or the host name of
an IPv4 or IPv6 address (a reverse lookup). A bare HOST means HOST.local.

  --timeout S  give up after S seconds (default ${DEFAULT_TIMEOUT_S})
  --json       one JSON object: event "lookup", ts, host, addresses

Exit status 0 with an answer, 1 when nothing answered in time.

example: mdns lookup printer.local`;

/**
 * Runs `lookup` with `args`; resolves with the exit status (0, 1 or 2) or
 * throws a `UsageError` / `FailureError` that `main.ts` prints as one line.
 *
 * @example Asking for help needs no network
 * ```ts
 * import assert from "node:assert/strict";
 * import { lookup } from "./lookup.ts";
 * import type { CommandContext } from "./_context.ts";
 * import { MemoryOutput } from "./_output.ts";
 * const output = new MemoryOutput();
 * assert.equal(await lookup(["--help"], { output } as unknown as CommandContext), 0);
 * assert.match(output.stdout[0], /^usage: mdns lookup/);
 * ```
 */
export async function lookup(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommand("lookup", args, {
    options: { timeout: { type: "string" } },
    positionals: [1, 1],
  });
  if (values.help) {
    context.output.line(LOOKUP_HELP);
    return EXIT_OK;
  }
  const target = parseLookupTarget(positionals[0]);
  const timeout = parseTimeout(values.timeout, DEFAULT_TIMEOUT_S * 1000)!;
  context.checkFlags({});
  const stack = await context.startStack({});
  const { output } = context;
  const print = (host: string, addresses: string[], text: string[]) => {
    if (values.json) output.json("lookup", { host, addresses }, unixSeconds(context.now()));
    else for (const line of text) output.line(line);
  };
  const what = target.kind === "host" ? target.name : target.address;
  const failed = (error: unknown) => {
    if (context.signal.aborted) return new FailureError(`interrupted before ${what} answered`);
    if (error instanceof LookupError || error instanceof ResolveError) {
      return new FailureError(`no answer for ${what} within ${timeout / 1000} s`, {
        cause: error,
      });
    }
    return error;
  };
  try {
    const options = { timeout, signal: context.signal };
    if (target.kind === "host") {
      const found = await stack.lookupHost(target.name, options).catch((e) => {
        throw failed(e);
      });
      if (found.length === 0) throw failed(new FailureError("empty"));
      print(
        target.name,
        found.map((a) => a.address),
        found.map((a) => `${target.name}\t${a.address}\t${a.interfaceName}`),
      );
    } else {
      const names = await stack.lookupAddress(target.address, options).catch(
        (e) => {
          throw failed(e);
        },
      );
      if (names.length === 0) {
        throw new FailureError(`no answer for ${what} within ${timeout / 1000} s`);
      }
      print(names[0], [target.address], names.map((n) => `${target.address}\t${n}`));
    }
  } finally {
    await stack.close();
  }
  return EXIT_OK;
}
