/**
 * Colour only on a terminal, never under NO_COLOR: `TerminalOutput.color`
 * checked in a subprocess whose stdout is a pipe, and, where util-linux's
 * `script` can give it a pseudo-terminal, on a terminal with and without
 * NO_COLOR. Lines are written whole and flushed one by one.
 */
import assert from "node:assert/strict";
import { MemoryOutput, paint, timeColumn, unixSeconds } from "../../cli/_output.ts";

const OUTPUT = new URL("../../cli/_output.ts", import.meta.url).href;
const PROBE = `import { TerminalOutput } from "${OUTPUT}";
const out = new TerminalOutput();
out.line("color=" + out.color);
out.json("x", { a: 1 }, 1.5);`;

async function probe(env: Record<string, string>, tty: boolean): Promise<string> {
  const deno = [Deno.execPath(), "eval", "--quiet", PROBE];
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const [cmd, ...args] = tty ? ["script", "-qec", deno.map(quote).join(" "), "/dev/null"] : deno;
  // The parent's NO_COLOR (CI sets it) must not leak into the probe.
  const inherited = Deno.env.toObject();
  delete inherited.NO_COLOR;
  const { stdout } = await new Deno.Command(cmd, {
    args,
    env: { ...inherited, ...env },
    clearEnv: true,
    stdin: "null",
  }).output();
  return new TextDecoder().decode(stdout).replaceAll("\r", "");
}

function hasScript(): boolean {
  try {
    return Deno.statSync("/usr/bin/script").isFile;
  } catch {
    return false;
  }
}

Deno.test("output: no colour when stdout is a pipe; JSON lines carry event and ts first", async () => {
  const text = await probe({}, false);
  assert.equal(text, 'color=false\n{"event":"x","ts":1.5,"a":1}\n');
});

Deno.test({
  name: "output: colour on a terminal, none on a terminal with NO_COLOR",
  ignore: !hasScript(),
  fn: async () => {
    assert.match(await probe({}, true), /^color=true\n/);
    assert.match(await probe({ NO_COLOR: "1" }, true), /^color=false\n/);
  },
});

Deno.test("output: helpers", () => {
  assert.equal(paint(true, "green", "+"), "\x1b[32m+\x1b[0m");
  assert.equal(unixSeconds(1_700_000_000_123), 1_700_000_000.123);
  assert.match(timeColumn(Date.UTC(2026, 0, 1, 12, 34, 56, 7)), /^\d\d:34:56\.007$/);
  const out = new MemoryOutput();
  out.json("added", { name: "a" }, 2);
  assert.deepEqual(out.messages(), [{ event: "added", ts: 2, name: "a" }]);
});
