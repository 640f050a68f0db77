/**
 * `services`: the service types on the network (DNS-SD service type
 * enumeration, RFC 6763 §9), one line each, until the timeout.
 *
 * @module
 */
import { parseCommand, parseTimeout } from "./_args.ts";
import { type CommandContext, untilStopped } from "./_context.ts";
import { EXIT_OK } from "./_errors.ts";
import { unixSeconds } from "./_output.ts";
import { DEFAULT_TIMEOUT_S } from "./resolve.ts";

/**
 * `services --help`: usage, options and an example line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SERVICES_HELP } from "./services.ts";
 * assert.match(SERVICES_HELP, /^usage: mdns services/);
 * assert.match(SERVICES_HELP, /\nexample: mdns services /);
 * ```
 */
export const SERVICES_HELP = `usage: mdns services [--timeout S] [--json]

Lists the service types announced on the network, one line per type (with the
interfaces it was seen on), then exits 0 at the timeout.

  --timeout S  listen for S seconds (default ${DEFAULT_TIMEOUT_S})
  --json       one JSON object per type: event "service-type", ts, type
               (_http._tcp), domain, interfaces

example: mdns services --timeout 5`;

/**
 * Runs `services` with `args`; resolves with the exit status (0, 1 or 2) or
 * throws a `UsageError` / `FailureError` that `main.ts` prints as one line.
 *
 * @example Asking for help needs no network
 * ```ts
 * import assert from "node:assert/strict";
 * import { services } from "./services.ts";
 * import type { CommandContext } from "./_context.ts";
 * import { MemoryOutput } from "./_output.ts";
 * const output = new MemoryOutput();
 * assert.equal(await services(["--help"], { output } as unknown as CommandContext), 0);
 * assert.match(output.stdout[0], /^usage: mdns services/);
 * ```
 */
export async function services(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommand("services", args, {
    options: { timeout: { type: "string" } },
    positionals: [0, 0],
  });
  if (values.help) {
    context.output.line(SERVICES_HELP);
    return EXIT_OK;
  }
  const timeout = parseTimeout(values.timeout, DEFAULT_TIMEOUT_S * 1000)!;
  context.checkFlags({});
  const stack = await context.startStack({});
  const stop = new AbortController();
  const seen = new Set<string>();
  const { output } = context;
  try {
    const browser = stack.browse(undefined, { signal: stop.signal });
    const pump = (async () => {
      for await (const event of browser) {
        const key = event.serviceType.toLowerCase();
        if (event.type !== "added" || seen.has(key)) continue;
        seen.add(key);
        if (values.json) {
          output.json("service-type", {
            type: event.serviceType,
            domain: event.domain,
            interfaces: [...event.interfaces],
          }, unixSeconds(context.now()));
        } else {
          output.line(
            `${event.serviceType.padEnd(24)} ${event.domain.padEnd(8)} ${
              event.interfaces.join(",")
            }`,
          );
        }
      }
    })();
    await untilStopped(context, timeout);
    stop.abort();
    await pump.catch(() => {});
  } finally {
    stop.abort();
    await stack.close();
  }
  return EXIT_OK;
}
