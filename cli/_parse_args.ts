/**
 * The command line's option parser: the strict subset of `node:util`'s
 * `parseArgs` the commands use (boolean and string options, `--name=value` or
 * `--name value`, `multiple`, one-letter `short` aliases that may be grouped as
 * `-rt`, defaults, positionals anywhere, `--` ending the options), written out
 * because importing `node:util` loads Deno's Node compatibility layer: 1.1 MB
 * of live heap in a process whose own heap is about 3 MB, which V8's memory
 * reducer then marks twice about 30 s into every `browse` (issue 15 item 3).
 * Every mistake is a {@linkcode UsageError} worded as `parseArgs` words it.
 *
 * @module
 */
import { UsageError } from "./_errors.ts";

/** One option a command accepts. */
export interface OptionSpec {
  type: "boolean" | "string";
  /** A one-letter alias: `-r` for `--resolve`. */
  short?: string;
  /** Every occurrence kept, in order, as an array. */
  multiple?: boolean;
  default?: boolean | string;
}

/** The values given (and defaulted), by option name, and the positionals in order. */
export interface ParsedArgs {
  values: Record<string, boolean | string | (boolean | string)[] | undefined>;
  positionals: string[];
}

/**
 * Parses `args` against `options`.
 *
 * @throws {UsageError} For an unknown option, a string option without its
 * value (or with one that starts with `-`, which must be written `--name=-v`),
 * or a boolean option given a value.
 */
export function parseOptions(
  args: readonly string[],
  options: Readonly<Record<string, OptionSpec>>,
): ParsedArgs {
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(options)) {
    if (spec.short !== undefined) byShort.set(spec.short, name);
  }
  const values: ParsedArgs["values"] = {};
  const positionals: string[] = [];
  const store = (name: string, value: boolean | string) => {
    if (options[name].multiple) {
      const list = values[name];
      if (Array.isArray(list)) list.push(value);
      else values[name] = [value];
    } else {
      values[name] = value;
    }
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const spec = Object.hasOwn(options, name) ? options[name] : undefined;
      if (spec === undefined) throw new UsageError(`Unknown option '--${name}'`);
      if (spec.type === "boolean") {
        if (eq >= 0) throw new UsageError(`Option '--${name}' does not take an argument`);
        store(name, true);
      } else if (eq >= 0) {
        store(name, arg.slice(eq + 1));
      } else {
        store(name, stringValue(args[++i], `--${name}`, optionLabel(name, spec)));
      }
      continue;
    }
    // One or more short options: -r, -rt, or -iVALUE / -i VALUE for a string.
    for (let j = 1; j < arg.length; j++) {
      const name = byShort.get(arg[j]);
      if (name === undefined) throw new UsageError(`Unknown option '-${arg[j]}'`);
      const spec = options[name];
      if (spec.type === "boolean") {
        store(name, true);
        continue;
      }
      const label = optionLabel(name, spec);
      store(
        name,
        j + 1 < arg.length ? arg.slice(j + 1) : stringValue(args[++i], `--${name}`, label),
      );
      break;
    }
  }
  for (const [name, spec] of Object.entries(options)) {
    if (values[name] === undefined && spec.default !== undefined) values[name] = spec.default;
  }
  return { values, positionals };
}

/** `parseArgs`'s name for an option in its messages: `-t, --timeout <value>`. */
function optionLabel(name: string, spec: OptionSpec): string {
  return `${spec.short === undefined ? "" : `-${spec.short}, `}--${name} <value>`;
}

function stringValue(value: string | undefined, flag: string, label: string): string {
  if (value === undefined) throw new UsageError(`Option '${label}' argument missing`);
  if (value.startsWith("-")) {
    throw new UsageError(
      `${flag} needs a value; for one that starts with "-", write ${flag}=-VALUE`,
    );
  }
  return value;
}
