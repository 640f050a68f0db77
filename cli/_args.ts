/**
 * Argument parsing shared by the commands: `node:util`'s `parseArgs` plus the
 * checks that turn a bad argument into one clear line and exit status 2
 * (service types, ports, TXT items, instance names, timeouts, interfaces).
 * The rules themselves live in `dnssd/`; this file only words them for a
 * terminal.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { tryParseIPv4, tryParseIPv6 } from "../codec/mod.ts";
import {
  DEFAULT_DOMAIN,
  parseServiceType,
  serviceInstanceName,
  type ServiceType,
  TxtAttributes,
  type TxtInputValue,
  validateInstanceName,
  validateSubtype,
} from "../dnssd/mod.ts";
import { UsageError } from "./_errors.ts";

/** Options every command accepts. */
const COMMON = {
  help: { type: "boolean", short: "h", default: false },
  json: { type: "boolean", default: false },
} as const;

/**
 * Parses `args` with the command's options plus `--help` and `--json`, and
 * checks the number of positionals.
 *
 * @throws {UsageError} For an unknown option, a missing value, or too few or
 * too many positionals.
 */
export function parseCommand(
  command: string,
  args: string[],
  spec: {
    options: NonNullable<ParseArgsConfig["options"]>;
    positionals: [min: number, max: number];
  },
): {
  // deno-lint-ignore no-explicit-any
  values: Record<string, any>;
  positionals: string[];
} {
  const { values, positionals } = parseArgs({
    args,
    options: { ...COMMON, ...spec.options },
    strict: true,
    allowPositionals: true,
  }) as {
    // deno-lint-ignore no-explicit-any
    values: Record<string, any>;
    positionals: string[];
  };
  if (values.help) return { values, positionals };
  const [min, max] = spec.positionals;
  if (positionals.length < min) {
    throw new UsageError(`${command}: missing argument (see "${command} --help")`);
  }
  if (positionals.length > max) {
    throw new UsageError(`${command}: unexpected argument "${positionals[max]}"`);
  }
  return { values, positionals };
}

/**
 * A `--timeout` in seconds (fractions allowed) as milliseconds; `fallback`
 * when absent.
 *
 * @throws {UsageError} When it is not a positive finite number.
 */
export function parseTimeout(text: string | undefined, fallback?: number): number | undefined {
  if (text === undefined) return fallback;
  const seconds = /^\s*[0-9.eE+]+\s*$/.test(text) ? Number(text) : NaN;
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw new UsageError(`--timeout must be a positive number of seconds, not "${text}"`);
  }
  return seconds * 1000;
}

/**
 * A service type argument (`_http._tcp`, `_http._tcp.local`, or a subtype
 * `_printer._sub._http._tcp`). Publishing checks the full RFC 6335 rules
 * (`strict`); browsing accepts any `_` label, as services in the wild use.
 *
 * @throws {UsageError} When it is not `_name._tcp` / `_name._udp` in `.local`.
 */
export function parseTypeArg(text: string, options: { strict?: boolean } = {}): ServiceType {
  let type: ServiceType;
  try {
    type = parseServiceType(text, { strict: options.strict ?? false });
  } catch (error) {
    throw new UsageError(
      `"${text}" is not a service type (expected "_name._tcp" or "_name._udp"): ${
        (error as Error).message
      }`,
    );
  }
  if (type.domain.toLowerCase() !== DEFAULT_DOMAIN) {
    throw new UsageError(`"${text}": only the ".local" domain is served by mDNS`);
  }
  return type;
}

/**
 * The service type as the commands print it and the JSON carries it: `_http._tcp`.
 */
export function shortType(type: ServiceType): string {
  return `${type.serviceName}.${type.protocol}`;
}

/**
 * A port argument, 1 to 65535.
 *
 * @throws {UsageError} When it is not an integer in that range.
 */
export function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new UsageError(`port must be a number from 1 to 65535, not "${text}"`);
  }
  return port;
}

/**
 * TXT items as `avahi-publish` takes them: `key=value` (the value may hold
 * spaces, quotes and `=`), `key=` (an empty value), `key` (a flag, no value).
 * Returns pairs in order, checked against RFC 6763 §6 (each item at most 255
 * bytes, keys printable ASCII without `=`, no key twice).
 *
 * @throws {UsageError} Naming the item that breaks a rule.
 */
export function parseTxtItems(items: readonly string[]): [string, string | null][] {
  const pairs: [string, string | null][] = [];
  for (const item of items) {
    const eq = item.indexOf("=");
    const pair: [string, string | null] = eq < 0
      ? [item, null]
      : [item.slice(0, eq), item.slice(eq + 1)];
    const bytes = new TextEncoder().encode(item).length;
    if (bytes > 255) {
      throw new UsageError(
        `TXT entry "${item.slice(0, 20)}..." is ${bytes} bytes; an entry holds at most 255`,
      );
    }
    pairs.push(pair);
  }
  try {
    TxtAttributes.from(pairs as [string, TxtInputValue][]);
  } catch (error) {
    throw new UsageError(`bad TXT entry: ${(error as Error).message}`);
  }
  return pairs;
}

/**
 * An instance name argument: the instance label, `NAME` as it would be shown
 * (spaces and UTF-8 welcome).
 *
 * @throws {UsageError} When it is empty, over 63 bytes or holds a control character.
 */
export function parseInstanceArg(text: string): string {
  try {
    validateInstanceName(text);
  } catch (error) {
    throw new UsageError(`bad instance name: ${(error as Error).message}`);
  }
  return text;
}

/**
 * A subtype argument (`_printer`), checked like the library checks it.
 *
 * @throws {UsageError} When it is empty, over 63 bytes or holds a control character.
 */
export function parseSubtypeArg(text: string): string {
  const label = text.replace(/\._sub$/i, "");
  try {
    validateSubtype(label);
  } catch (error) {
    throw new UsageError(`bad subtype: ${(error as Error).message}`);
  }
  return label;
}

const TYPE_AT_END = /\.(_[A-Za-z0-9_-]+)\.(_tcp|_udp)(?:\.local)?\.?$/i;

/**
 * A full instance name argument, `INSTANCE.TYPE.local` (`.local` optional), as
 * the presentation-form name the library takes. Dots in INSTANCE may be
 * written `\.` (as `dns-sd` prints them) or left bare: the type is found from
 * the right, so `My.Printer._ipp._tcp` is instance `My.Printer`.
 *
 * @throws {UsageError} When no `._name._tcp` / `._name._udp` ends it, or the
 * instance is invalid.
 */
export function parseInstanceFullName(
  text: string,
): { instance: string; type: ServiceType; fullName: string } {
  const match = TYPE_AT_END.exec(text);
  if (match === null || match.index === 0) {
    throw new UsageError(
      `"${text}" is not a service instance name (expected "Instance Name._name._tcp.local")`,
    );
  }
  const instance = text.slice(0, match.index).replace(/\\(.)/g, "$1");
  const type = parseTypeArg(`${match[1]}.${match[2]}`);
  parseInstanceArg(instance);
  try {
    return { instance, type, fullName: serviceInstanceName(instance, type) };
  } catch (error) {
    throw new UsageError(`bad instance name: ${(error as Error).message}`);
  }
}

/**
 * What `lookup` was given: a `.local` host name or an IP address.
 *
 * @throws {UsageError} When it is neither.
 */
export function parseLookupTarget(
  text: string,
): { kind: "host"; name: string } | { kind: "address"; address: string } {
  if (tryParseIPv4(text) !== undefined || tryParseIPv6(text) !== undefined) {
    return { kind: "address", address: text };
  }
  const name = text.replace(/\.$/, "");
  if (
    !/^[^.\s][^\s]*$/.test(name) || name.split(".").some((l) => l.length === 0 || l.length > 63)
  ) {
    throw new UsageError(`"${text}" is neither a host name (box.local) nor an IP address`);
  }
  if (/\.local$/i.test(name)) return { kind: "host", name };
  if (name.includes(".")) {
    throw new UsageError(`"${text}": mDNS answers only for names in .local`);
  }
  return { kind: "host", name: `${name}.local` };
}

/**
 * Checks `--interface` names against the machine's interfaces.
 *
 * @throws {UsageError} Listing the interfaces that exist.
 */
export function checkInterfaces(
  wanted: readonly string[] | undefined,
  available: readonly string[],
): void {
  for (const name of wanted ?? []) {
    if (!available.includes(name)) {
      const names = [...new Set(available)].join(", ") || "none";
      throw new UsageError(`unknown interface "${name}" (this machine has: ${names})`);
    }
  }
}
