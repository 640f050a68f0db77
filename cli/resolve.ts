/**
 * `resolve`: one service's host, port, addresses and TXT, like
 * `avahi-resolve` / `dns-sd -L`. Exit 0 with the answer, 1 when nothing
 * complete came in time.
 *
 * @module
 */
import { parseCommand, parseInstanceFullName, parseTimeout } from "./_args.ts";
import type { CommandContext } from "./_context.ts";
import { EXIT_OK, FailureError } from "./_errors.ts";
import { browseHeader, formatServiceEvent, serviceJson } from "./_browse_format.ts";
import { ResolveError } from "../mod.ts";
import { timeColumn, unixSeconds } from "./_output.ts";

/**
 * How long `resolve`, `lookup` and `services` wait by default, in seconds
 * (python-zeroconf's and the library's default too).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_TIMEOUT_S } from "./resolve.ts";
 * assert.equal(DEFAULT_TIMEOUT_S, 3);
 * ```
 */
export const DEFAULT_TIMEOUT_S = 3;

/**
 * `resolve --help`: usage, options and an example line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RESOLVE_HELP } from "./resolve.ts";
 * assert.match(RESOLVE_HELP, /^usage: mdns resolve/);
 * assert.match(RESOLVE_HELP, /\nexample: mdns resolve /);
 * ```
 */
export const RESOLVE_HELP = `usage: mdns resolve INSTANCE.TYPE.local [--timeout S] [--json]

Finds one service's host, port, addresses and TXT. INSTANCE may hold spaces
(quote it) and dots (written \\. or bare: the type is found from the right);
.local may be left out.

  --timeout S  give up after S seconds (default ${DEFAULT_TIMEOUT_S})
  --json       one JSON object: event "resolved", ts, name, type, domain, host,
               port, txt, addresses, interface, interfaces, ttl, fullName

Exit status 0 with an answer, 1 when nothing complete came in time.

example: mdns resolve "Living Room._http._tcp.local"`;

/**
 * Runs `resolve` with `args`; resolves with the exit status (0, 1 or 2) or
 * throws a `UsageError` / `FailureError` that `main.ts` prints as one line.
 *
 * @example Asking for help needs no network
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolve } from "./resolve.ts";
 * import type { CommandContext } from "./_context.ts";
 * import { MemoryOutput } from "./_output.ts";
 * const output = new MemoryOutput();
 * assert.equal(await resolve(["--help"], { output } as unknown as CommandContext), 0);
 * assert.match(output.stdout[0], /^usage: mdns resolve/);
 * ```
 */
export async function resolve(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommand("resolve", args, {
    options: { timeout: { type: "string" } },
    positionals: [1, 1],
  });
  if (values.help) {
    context.output.line(RESOLVE_HELP);
    return EXIT_OK;
  }
  const { fullName } = parseInstanceFullName(positionals[0]);
  const timeout = parseTimeout(values.timeout, DEFAULT_TIMEOUT_S * 1000)!;
  context.checkFlags({});
  const stack = await context.startStack({});
  try {
    const service = await stack.resolve(fullName, {
      timeout,
      signal: context.signal,
    }).catch((error) => {
      throw explainResolveError(error, fullName, timeout, context.signal);
    });
    const { output } = context;
    const now = context.now();
    if (values.json) {
      output.json("resolved", serviceJson(service), unixSeconds(now));
    } else {
      output.line(browseHeader());
      for (
        const line of formatServiceEvent("resolved", service, timeColumn(now), {
          details: true,
          color: output.color,
        })
      ) output.line(line);
    }
  } finally {
    await stack.close();
  }
  return EXIT_OK;
}

function explainResolveError(
  error: unknown,
  fullName: string,
  timeoutMs: number,
  signal: AbortSignal,
): unknown {
  if (signal.aborted) return new FailureError(`interrupted before "${fullName}" was resolved`);
  if (error instanceof ResolveError) {
    const what = error.missing.length ? ` (missing: ${error.missing.join(", ")})` : "";
    return new FailureError(
      `no complete answer for "${fullName}" within ${timeoutMs / 1000} s${what}`,
      { cause: error },
    );
  }
  return error;
}
