/**
 * `browse`: a live list of the services on the network, like `avahi-browse`.
 * With TYPE it lists that type's instances (`--resolve` adds host, port,
 * addresses and TXT); without it, the service types; with `--all`, every
 * instance of every type, each resolved (the main job, `deno task browse`).
 *
 * @module
 */
import { checkInterfaces, parseCommand, parseTimeout, parseTypeArg, shortType } from "./_args.ts";
import { type CommandContext, untilStopped } from "./_context.ts";
import { EXIT_OK, UsageError } from "./_errors.ts";
import {
  browseHeader,
  formatServiceEvent,
  formatTypeEvent,
  serviceJson,
  typeHeader,
} from "./_browse_format.ts";
import type { BrowseEvent, CliStack, ServiceTypeEvent } from "./_library.ts";
import { timeColumn, unixSeconds } from "./_output.ts";

/**
 * `--terminate` ends after this long without a new event (like
 * `avahi-browse -t`, which waits for its "all for now" signal).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TERMINATE_QUIET_MS } from "./browse.ts";
 * assert.equal(TERMINATE_QUIET_MS, 1000);
 * ```
 */
export const TERMINATE_QUIET_MS = 1000;
/**
 * ...but never before this long after the start: a first query goes out
 * 20-120 ms after browsing begins and answers may wait up to 500 ms more
 * (RFC 6762 §5.2, §6), so an empty second must not end the run before the
 * first answers could arrive (avahi's `-t` habit).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TERMINATE_FIRST_ANSWERS_MS, TERMINATE_QUIET_MS } from "./browse.ts";
 * assert.ok(TERMINATE_FIRST_ANSWERS_MS > TERMINATE_QUIET_MS);
 * ```
 */
export const TERMINATE_FIRST_ANSWERS_MS = 2000;

/**
 * `browse --help`: usage, options and an example line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BROWSE_HELP } from "./browse.ts";
 * assert.match(BROWSE_HELP, /^usage: mdns browse/);
 * assert.match(BROWSE_HELP, /\nexample: mdns browse /);
 * ```
 */
export const BROWSE_HELP =
  `usage: mdns browse [TYPE] [--resolve] [--all] [--terminate] [--timeout S] [--interface IF]... [--json]

A live list of services, one line per event: + added, = resolved or updated,
- removed, with the time, interface, address family, instance, type and domain.
TYPE is like _http._tcp (or _http._tcp.local, or _printer._sub._http._tcp for
a subtype). Without TYPE it lists the service types on the network.

  --resolve       also find each instance's host, port, addresses and TXT
                  (printed on the lines below it)
  --all           every instance of every type, each resolved
  --terminate     end once no new answer came for a second (after the first
                  answers had time to arrive), like avahi-browse -t
  --timeout S     end after S seconds (fractions allowed)
  --interface IF  browse on IF only (repeatable)
  --json          one JSON object per line: event (added, updated, removed), ts,
                  name, type, domain, host, port, txt, addresses, interface,
                  interfaces, ttl, fullName, and on removed its reason (goodbye,
                  expired, flushed, purged, evicted, link-gone, cleared)
                  (without TYPE: type, domain, interface)

Runs until Ctrl-C, SIGTERM, --timeout or --terminate, then exits 0.

example: mdns browse _http._tcp --resolve`;

/**
 * Runs `browse` with `args`; resolves with the exit status (0, 1 or 2) or
 * throws a `UsageError` / `FailureError` that `main.ts` prints as one line.
 *
 * @example Asking for help needs no network
 * ```ts
 * import assert from "node:assert/strict";
 * import { browse } from "./browse.ts";
 * import type { CommandContext } from "./_context.ts";
 * import { MemoryOutput } from "./_output.ts";
 * const output = new MemoryOutput();
 * assert.equal(await browse(["--help"], { output } as unknown as CommandContext), 0);
 * assert.match(output.stdout[0], /^usage: mdns browse/);
 * ```
 */
export async function browse(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommand("browse", args, {
    options: {
      resolve: { type: "boolean", short: "r", default: false },
      all: { type: "boolean", short: "a", default: false },
      terminate: { type: "boolean", short: "t", default: false },
      timeout: { type: "string" },
      interface: { type: "string", multiple: true },
    },
    positionals: [0, 1],
  });
  if (values.help) {
    context.output.line(BROWSE_HELP);
    return EXIT_OK;
  }
  const typeArg = positionals[0];
  if (typeArg !== undefined && values.all) {
    throw new UsageError("browse: give a TYPE or --all, not both");
  }
  const type = typeArg === undefined ? undefined : parseTypeArg(typeArg);
  const timeout = parseTimeout(values.timeout);
  context.checkFlags({});
  checkInterfaces(values.interface, context.interfaceNames());

  const stack = await context.startStack({ interfaces: values.interface });
  const run = new BrowseRun(context, stack, {
    json: values.json,
    details: values.resolve || values.all,
    interfaces: values.interface,
  });
  try {
    if (type !== undefined) {
      run.services(shortType(type), values.resolve, type.subtype);
    } else {
      run.types(values.all);
    }
    // After the browse started, so an error is not preceded by a lone header.
    if (!values.json) {
      context.output.line(type === undefined && !values.all ? typeHeader() : browseHeader());
    }
    if (values.terminate) run.stopWhenQuiet();
    await untilStopped(context, timeout, run.signal);
  } finally {
    run.stop();
    await run.done();
    await stack.close();
  }
  return EXIT_OK;
}

/** One browse session: its browsers, their printing, and when it went quiet. */
class BrowseRun {
  #context: CommandContext;
  #stack: CliStack;
  #options: { json: boolean; details: boolean; interfaces: string[] | undefined };
  #stop = new AbortController();
  #pumps: Promise<void>[] = [];
  #started: number;
  #lastEvent: number;
  #browsedTypes = new Set<string>();

  constructor(
    context: CommandContext,
    stack: CliStack,
    options: { json: boolean; details: boolean; interfaces: string[] | undefined },
  ) {
    this.#context = context;
    this.#stack = stack;
    this.#options = options;
    this.#started = this.#lastEvent = context.now();
  }

  /** Browses instances of `type` (`_http._tcp`). */
  services(type: string, resolve: boolean, subtype?: string): void {
    const key = type.toLowerCase();
    if (this.#browsedTypes.has(key)) return;
    this.#browsedTypes.add(key);
    let browser: AsyncIterable<BrowseEvent>;
    try {
      browser = this.#stack.browse(type, {
        resolve,
        ...(subtype === undefined ? {} : { subtype }),
        ...(this.#options.interfaces ? { interfaces: this.#options.interfaces } : {}),
        signal: this.#stop.signal,
      });
    } catch (error) {
      // The library's own checks of the type (stricter than ours for browsing).
      if (error instanceof TypeError || error instanceof RangeError) {
        throw new UsageError(error.message);
      }
      throw error;
    }
    this.#pump(browser, (event: BrowseEvent) => this.#printService(event));
  }

  /** Browses service types; with `all`, browses (resolving) each type found. */
  types(all: boolean): void {
    const browser = this.#stack.browse(undefined, {
      ...(this.#options.interfaces ? { interfaces: this.#options.interfaces } : {}),
      signal: this.#stop.signal,
    });
    this.#pump(browser, (event: ServiceTypeEvent) => {
      if (all) {
        if (event.type === "added") this.services(event.serviceType, true);
      } else this.#printType(event);
    });
  }

  /** Aborts when the run is stopped (by `stop()` or by `stopWhenQuiet()`). */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  /** Stops once no event came for {@linkcode TERMINATE_QUIET_MS} (see `--terminate`). */
  stopWhenQuiet(): void {
    this.#pumps.push((async () => {
      while (!this.#stop.signal.aborted) {
        const due = Math.max(
          this.#started + TERMINATE_FIRST_ANSWERS_MS,
          this.#lastEvent + TERMINATE_QUIET_MS,
        );
        const wait = due - this.#context.now();
        if (wait <= 0) return this.stop();
        await this.#context.sleep(wait, this.#stop.signal);
      }
    })());
  }

  stop(): void {
    this.#stop.abort();
  }

  async done(): Promise<void> {
    // Browsers started while others ended are awaited too.
    for (let i = 0; i < this.#pumps.length; i++) await this.#pumps[i];
  }

  #pump<E>(browser: AsyncIterable<E>, handle: (event: E) => void): void {
    this.#pumps.push((async () => {
      try {
        for await (const event of browser) {
          this.#lastEvent = this.#context.now();
          handle(event);
        }
      } catch (error) {
        if (!this.#stop.signal.aborted) throw error;
      }
    })());
  }

  #printService(event: BrowseEvent): void {
    const { output } = this.#context;
    const now = this.#context.now();
    if (this.#options.json) {
      const fields = serviceJson(event.service);
      if (event.type === "removed") fields.reason = event.reason; // why it left
      output.json(event.type, fields, unixSeconds(now));
      return;
    }
    const lines = formatServiceEvent(event.type, event.service, timeColumn(now), {
      details: this.#options.details,
      color: output.color,
    });
    for (const line of lines) output.line(line);
  }

  #printType(event: ServiceTypeEvent): void {
    const { output } = this.#context;
    const now = this.#context.now();
    if (this.#options.json) {
      output.json(event.type, {
        type: event.serviceType,
        domain: event.domain,
        interface: event.interfaces[0] ?? null,
        interfaces: [...event.interfaces],
      }, unixSeconds(now));
      return;
    }
    output.line(formatTypeEvent(event.type, event, timeColumn(now), output.color));
  }
}
