/**
 * The CLI as a person runs it, as a subprocess: argument errors exit 2 with
 * one clear line and no stack trace; `--help` and `--version` work for the tool
 * and every command; a missing `--allow-net` or `--unstable-net` names the
 * flag to add.
 *
 * None of these can open a socket in this machine's namespace: the argument
 * errors run with no permission at all, the missing `--allow-net` run has no
 * network permission, and the missing `--unstable-net` run has no
 * `Deno.listenDatagram` and network access only to 127.0.0.1:9. The cases that
 * need full network permission (unknown interface, missing --allow-sys, port
 * 5353 held, no multicast interface) run in a namespace:
 * tests/netns/cli_errors_test.ts.
 */
import assert from "node:assert/strict";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

async function mdns(
  args: string[],
  flags: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...flags, MAIN, ...args],
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

const USAGE_ERRORS: [string[], RegExp][] = [
  [["publish", "Web", "_http._xyz", "80"], /"_http\._xyz" is not a service type .*_tcp/],
  [["publish", "Web", "http", "80"], /"http" is not a service type/],
  [["publish", "Web", "_http._tcp", "0"], /port must be a number from 1 to 65535, not "0"/],
  [["publish", "Web", "_http._tcp", "65536"], /port must be a number from 1 to 65535/],
  [
    ["publish", "Web", "_http._tcp", "80", `k=${"x".repeat(254)}`],
    /TXT entry "k=x+\.\.\." is 256 bytes; an entry holds at most 255/,
  ],
  [["publish", "Web", "_http._tcp"], /publish: missing argument/],
  [["browse", "--timeout", "0"], /--timeout must be a positive number of seconds, not "0"/],
  [["browse", "--timeout=-1"], /--timeout must be a positive number of seconds, not "-1"/],
  [
    ["browse", "--timeout", "-1"],
    /--timeout needs a value; for one that starts with "-", write --timeout=-VALUE/,
  ],
  [["browse", "--timeout"], /Option '--timeout <value>' argument missing/],
  [["resolve", "x._http._tcp", "--timeout", "soon"], /--timeout must be a positive number/],
  [["browse", "_http._tcp", "--all"], /give a TYPE or --all, not both/],
  [["browse", "--bogus"], /Unknown option '--bogus'/],
  [["resolve", "NoType"], /"NoType" is not a service instance name/],
  [["lookup", "host.example.com"], /mDNS answers only for names in \.local/],
  [["frobnicate"], /unknown command "frobnicate"/],
];

for (const [args, message] of USAGE_ERRORS) {
  Deno.test(`cli process: "${args.join(" ").slice(0, 60)}" exits 2 with one line`, async () => {
    const { code, stdout, stderr } = await mdns(args);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, "");
    const lines = stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0], /^mdns: /);
    assert.match(lines[0], message);
    assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  });
}

const COMMANDS = [
  "browse",
  "publish",
  "resolve",
  "lookup",
  "services",
  "monitor",
  "watch",
  "decode",
];

Deno.test("cli process: --help for the tool and each command, with an example line", async () => {
  const tool = await mdns(["--help"]);
  assert.equal(tool.code, 0);
  for (const command of COMMANDS) assert.match(tool.stdout, new RegExp(`\\n  ${command} `));
  assert.match(tool.stdout, /examples:\n {2}deno task mdns browse --all/);
  const helps = await Promise.all(COMMANDS.map((command) => mdns([command, "--help"])));
  helps.forEach(({ code, stdout }, i) => {
    assert.equal(code, 0, COMMANDS[i]);
    assert.match(stdout, new RegExp(`^usage: mdns ${COMMANDS[i]}`), COMMANDS[i]);
    assert.match(stdout, new RegExp(`\\nexample: mdns ${COMMANDS[i]}`), COMMANDS[i]);
  });
});

Deno.test("cli process: --version prints the version in deno.json", async () => {
  const config = JSON.parse(Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)));
  const { code, stdout } = await mdns(["--version"]);
  assert.equal(code, 0);
  assert.equal(stdout, `mdns ${config.version}\n`);
});

Deno.test("cli process: no command prints the usage on stderr and exits 2", async () => {
  const { code, stdout, stderr } = await mdns([]);
  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.match(stderr, /^mdns \d/);
});

Deno.test("cli process: without --allow-net the flag is named, before any socket", async () => {
  for (
    const command of [["monitor"], ["browse", "--all"], ["publish", "Web", "_http._tcp", "80"]]
  ) {
    const { code, stderr } = await mdns(command, [
      "--unstable-net",
      "--allow-sys=networkInterfaces,hostname",
    ]);
    assert.equal(code, 2, stderr);
    assert.match(
      stderr,
      /^mdns: \w+: network access is not allowed: add --allow-net \(all it needs: --allow-net --allow-sys=networkInterfaces,hostname --unstable-net\)\n$/,
    );
  }
});

Deno.test("cli process: without --unstable-net the flag is named", async () => {
  // --no-config: the project's deno.json turns the unstable net API on.
  const { code, stderr } = await mdns(["browse", "_http._tcp"], [
    "--no-config",
    "--allow-net=127.0.0.1:9",
    "--allow-sys=networkInterfaces,hostname",
  ]);
  assert.equal(code, 2, stderr);
  assert.match(
    stderr,
    /^mdns: browse: UDP multicast needs Deno's unstable net API: add --unstable-net /,
  );
  assert.equal(stderr.trimEnd().split("\n").length, 1);
});
