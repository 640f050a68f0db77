/**
 * The command line's option parser (cli/_parse_args.ts): the strict subset of
 * `node:util`'s `parseArgs` the commands use, with its wording of mistakes.
 */
import assert from "node:assert/strict";
import { type OptionSpec, parseOptions } from "../../cli/_parse_args.ts";
import { UsageError } from "../../cli/_errors.ts";

const OPTIONS: Record<string, OptionSpec> = {
  help: { type: "boolean", short: "h", default: false },
  resolve: { type: "boolean", short: "r", default: false },
  terminate: { type: "boolean", short: "t", default: false },
  timeout: { type: "string" },
  interface: { type: "string", multiple: true },
  "no-rename": { type: "boolean", default: false },
  name: { type: "string", short: "n" },
};

Deno.test("parseOptions: booleans, defaults and positionals anywhere", () => {
  assert.deepEqual(parseOptions(["_http._tcp", "--resolve", "extra"], OPTIONS), {
    values: { resolve: true, help: false, terminate: false, "no-rename": false },
    positionals: ["_http._tcp", "extra"],
  });
  assert.equal(parseOptions(["--no-rename"], OPTIONS).values["no-rename"], true);
});

Deno.test("parseOptions: a string value after = or as the next argument", () => {
  assert.equal(parseOptions(["--timeout=2.5"], OPTIONS).values.timeout, "2.5");
  assert.equal(parseOptions(["--timeout", "3"], OPTIONS).values.timeout, "3");
  assert.equal(parseOptions(["--timeout=-1"], OPTIONS).values.timeout, "-1");
  assert.equal(parseOptions(["--timeout="], OPTIONS).values.timeout, "");
  assert.equal(parseOptions(["--timeout=a=b"], OPTIONS).values.timeout, "a=b");
  assert.equal(parseOptions(["--timeout=1", "--timeout=2"], OPTIONS).values.timeout, "2");
});

Deno.test("parseOptions: multiple keeps every occurrence in order", () => {
  const { values } = parseOptions(["--interface", "eth0", "--interface=wlan0"], OPTIONS);
  assert.deepEqual(values.interface, ["eth0", "wlan0"]);
  assert.equal(parseOptions([], OPTIONS).values.interface, undefined);
});

Deno.test("parseOptions: short aliases, grouped, and a short string's value", () => {
  const grouped = parseOptions(["-rt"], OPTIONS).values;
  assert.equal(grouped.resolve, true);
  assert.equal(grouped.terminate, true);
  assert.equal(parseOptions(["-n", "box"], OPTIONS).values.name, "box");
  assert.equal(parseOptions(["-rnbox"], OPTIONS).values.name, "box");
  assert.equal(parseOptions(["-rnbox"], OPTIONS).values.resolve, true);
});

Deno.test("parseOptions: -- ends the options; a lone - is a positional", () => {
  assert.deepEqual(parseOptions(["-r", "--", "--timeout", "-x"], OPTIONS).positionals, [
    "--timeout",
    "-x",
  ]);
  assert.deepEqual(parseOptions(["-"], OPTIONS).positionals, ["-"]);
});

Deno.test("parseOptions: mistakes are UsageErrors worded as parseArgs words them", () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /^Unknown option '--bogus'$/],
    [["--bogus=1"], /^Unknown option '--bogus'$/],
    [["-x"], /^Unknown option '-x'$/],
    [["-rx"], /^Unknown option '-x'$/],
    [["--toString"], /^Unknown option '--toString'$/],
    [["--timeout"], /^Option '--timeout <value>' argument missing$/],
    [["-n"], /^Option '-n, --name <value>' argument missing$/],
    [
      ["--timeout", "-1"],
      /^--timeout needs a value; for one that starts with "-", write --timeout=-VALUE$/,
    ],
    [["--resolve=yes"], /^Option '--resolve' does not take an argument$/],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseOptions(args, OPTIONS), (error: unknown) => {
      assert.ok(error instanceof UsageError, String(error));
      assert.match(error.message, message);
      return true;
    }, args.join(" "));
  }
});
