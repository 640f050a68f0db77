/**
 * `publish`: announce a service until Ctrl-C or SIGTERM, then send goodbyes
 * (TTL 0, RFC 6762 §10.1) and exit 0, like `avahi-publish -s` and
 * `dns-sd -R`. Reports the name actually held after any rename.
 *
 * @module
 */
import {
  checkInterfaces,
  parseCommand,
  parseInstanceArg,
  parseLookupTarget,
  parsePort,
  parseSubtypeArg,
  parseTxtItems,
  parseTypeArg,
  shortType,
} from "./_args.ts";
import { type CommandContext, untilStopped } from "./_context.ts";
import { EXIT_OK, FailureError, UsageError } from "./_errors.ts";
import type { PublishedService, PublishEvent } from "./_library.ts";
import { NameConflictError } from "../mod.ts";
import { paint, timeColumn, unixSeconds } from "./_output.ts";
import { tryParseIPv4, tryParseIPv6 } from "../codec/mod.ts";

/**
 * How long goodbyes and closing may take after a signal: the process must be
 * gone within 3 s of SIGINT / SIGTERM (issue 8), whatever the network does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EXIT_GRACE_MS } from "./publish.ts";
 * assert.ok(EXIT_GRACE_MS < 3000);
 * ```
 */
export const EXIT_GRACE_MS = 2500;

/**
 * `publish --help`: usage, options and an example line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PUBLISH_HELP } from "./publish.ts";
 * assert.match(PUBLISH_HELP, /^usage: mdns publish/);
 * assert.match(PUBLISH_HELP, /\nexample: mdns publish /);
 * ```
 */
export const PUBLISH_HELP =
  `usage: mdns publish NAME TYPE PORT [KEY=VALUE | KEY | KEY=]... [--subtype S]... [--host H]
                    [--address A]... [--interface IF]... [--no-rename] [--json]

Announces a service until Ctrl-C or SIGTERM, then sends goodbyes and exits 0.
NAME is the instance name as people see it (spaces, dots and UTF-8 are fine);
TYPE is like _http._tcp (or _http._tcp.local); PORT is 1-65535. TXT items:
KEY=VALUE (the value may hold spaces, quotes and =), KEY= (empty value), KEY
(a flag with no value); each at most 255 bytes.

  --subtype S     also register subtype S, e.g. _printer (repeatable)
  --host H        use H (name.local) as the SRV target; H answers for its own
                  addresses (we neither claim nor publish them)
  --address A     with --host: publish these addresses for H and claim its
                  name (a proxy for another device; repeatable)
  --interface IF  publish on IF only (repeatable); other links never see it
  --no-rename     never rename: if NAME is taken, exit 1 naming it
  --json          one JSON object per line: event (registered, renamed,
                  conflict, goodbye), ts, name, type, host, port (renamed: from, name)

If NAME is taken on the network it becomes "NAME (2)", "NAME (3)"... and the
new name is reported (with --no-rename: exit 1 instead, also when another host
takes it later).

example: mdns publish "Living Room" _http._tcp 8080 path=/ "note=hello world" flag`;

/**
 * Runs `publish` with `args`; resolves with the exit status (0, 1 or 2) or
 * throws a `UsageError` / `FailureError` that `main.ts` prints as one line.
 *
 * @example Asking for help needs no network
 * ```ts
 * import assert from "node:assert/strict";
 * import { publish } from "./publish.ts";
 * import type { CommandContext } from "./_context.ts";
 * import { MemoryOutput } from "./_output.ts";
 * const output = new MemoryOutput();
 * assert.equal(await publish(["--help"], { output } as unknown as CommandContext), 0);
 * assert.match(output.stdout[0], /^usage: mdns publish/);
 * ```
 */
export async function publish(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommand("publish", args, {
    options: {
      subtype: { type: "string", multiple: true },
      host: { type: "string" },
      address: { type: "string", multiple: true },
      interface: { type: "string", multiple: true },
      "no-rename": { type: "boolean", default: false },
    },
    positionals: [3, Infinity],
  });
  if (values.help) {
    context.output.line(PUBLISH_HELP);
    return EXIT_OK;
  }
  const [nameArg, typeArg, portArg, ...txtArgs] = positionals;
  const name = parseInstanceArg(nameArg);
  const type = parseTypeArg(typeArg, { strict: true });
  if (type.subtype !== undefined) {
    throw new UsageError(`publish: give a subtype with --subtype ${type.subtype}, not in TYPE`);
  }
  const port = parsePort(portArg);
  const txt = parseTxtItems(txtArgs);
  const subtypes = ((values.subtype ?? []) as string[]).map(parseSubtypeArg);
  let host: string | undefined;
  if (values.host !== undefined) {
    const target = parseLookupTarget(values.host);
    if (target.kind !== "host") throw new UsageError(`--host needs a host name, not an address`);
    host = target.name;
  }
  const addresses = (values.address ?? []) as string[];
  if (addresses.length > 0 && host === undefined) {
    throw new UsageError("--address needs --host (the device the addresses belong to)");
  }
  for (const address of addresses) {
    if (tryParseIPv4(address) === undefined && tryParseIPv6(address) === undefined) {
      throw new UsageError(`--address "${address}" is not an IP address`);
    }
  }
  context.checkFlags({ hostname: host === undefined });
  checkInterfaces(values.interface, context.interfaceNames());

  const stack = await context.startStack({ interfaces: values.interface });
  const report = new PublishReport(context, values.json, shortType(type));
  const noRename = values["no-rename"] === true;
  const withdraw = new AbortController();
  const onStop = () => withdraw.abort();
  context.signal.addEventListener("abort", onStop, { once: true });
  let handle: PublishedService | undefined;
  let started = false;
  try {
    const publishing = stack.publish({
      name,
      type: shortType(type),
      port,
      txt,
      ...(subtypes.length ? { subtypes } : {}),
      ...(host === undefined ? {} : { host }),
      ...(addresses.length ? { addresses } : {}),
      ...(values.interface ? { interfaces: values.interface } : {}),
      ...(noRename ? { rename: false } : {}),
      signal: withdraw.signal,
      onEvent: (event) => report.event(event),
    });
    started = true;
    // A signal during probing withdraws the service (the library sends the
    // goodbyes for whatever it announced); the run then ends at once.
    handle = await Promise.race([
      publishing,
      untilStopped(context).then(() => undefined),
    ]);
    publishing.catch(() => {}); // settled after a signal: nothing left to report
    if (handle !== undefined) {
      report.registered(handle);
      let lost: (() => void) | undefined;
      const withdrawn = new Promise<"lost">((resolve) => lost = () => resolve("lost"));
      const unsubscribe = handle.subscribe((event) => {
        report.event(event);
        // With rename: false the library withdraws a name lost later (§9).
        if (event.type === "goodbye" && !withdraw.signal.aborted) lost?.();
      });
      const end = await Promise.race([untilStopped(context), withdrawn]);
      unsubscribe();
      if (end === "lost") throw takenError(handle.fullName);
    }
  } catch (error) {
    // Withdrawn by the signal while probing: the rejection is the abort itself.
    if (!(started && handle === undefined && context.signal.aborted)) {
      if (noRename && error instanceof NameConflictError) {
        throw takenError(error.fullName ?? `${name}.${shortType(type)}.local`);
      }
      throw explainPublishError(error, name);
    }
  } finally {
    context.signal.removeEventListener("abort", onStop);
    withdraw.abort();
    const goodbyes = (async () => {
      await handle?.unpublish();
      await stack.close();
    })();
    const gone = await Promise.race([
      goodbyes.then(() => true, () => true),
      context.sleep(EXIT_GRACE_MS).then(() => false),
    ]);
    if (!gone) context.output.error(`publish: goodbyes not confirmed within ${EXIT_GRACE_MS} ms`);
    if (handle !== undefined || (started && context.signal.aborted)) {
      report.goodbye(handle?.name ?? report.name ?? name);
    }
  }
  return EXIT_OK;
}

/** `--no-rename`: the one line naming the name another host holds. */
function takenError(fullName: string): FailureError {
  return new FailureError(`"${fullName}" is held by another host, and --no-rename keeps the name`);
}

function explainPublishError(error: unknown, name: string): unknown {
  if (error instanceof NameConflictError) {
    return new FailureError(`the name "${name}" could not be defended: ${error.message}`);
  }
  // The library checks the same rules the arguments were checked against.
  if (error instanceof TypeError || error instanceof RangeError) {
    return new UsageError(error.message);
  }
  return error;
}

/** Prints what happens to the published service, once each. */
class PublishReport {
  #context: CommandContext;
  #json: boolean;
  #type: string;
  /** The name last reported as held. */
  name: string | undefined;

  constructor(context: CommandContext, json: boolean, type: string) {
    this.#context = context;
    this.#json = json;
    this.#type = type;
  }

  registered(handle: PublishedService): void {
    this.name = handle.name;
    this.#print("registered", {
      name: handle.name,
      type: this.#type,
      host: handle.host,
      port: handle.port,
      fullName: handle.fullName,
    }, `registered '${handle.name}' as ${handle.fullName} on ${handle.host}:${handle.port}`);
  }

  event(event: PublishEvent): void {
    const out = this.#context.output;
    switch (event.type) {
      case "renamed":
        if (this.name === event.name) return; // seen through onEvent and subscribe
        this.name = event.name;
        this.#print(
          "renamed",
          { from: event.from, name: event.name },
          `renamed '${event.from}' to '${event.name}' (the name was taken)`,
        );
        return;
      case "conflict":
        this.#print("conflict", { name: event.name }, `conflict on '${event.name}'`);
        return;
      case "probing":
        if (!this.#json) out.error(`publish: probing for '${event.name}'...`);
        return;
      default:
        return;
    }
  }

  goodbye(name: string): void {
    this.#print("goodbye", { name, type: this.#type }, `goodbye '${name}'`);
  }

  #print(event: string, fields: Record<string, unknown>, text: string): void {
    const out = this.#context.output;
    const now = this.#context.now();
    if (this.#json) out.json(event, fields, unixSeconds(now));
    else out.line(`${paint(out.color, "dim", timeColumn(now))}  ${text}`);
  }
}
