/**
 * What the `mdns` command loads at start. A long-running `browse` pays for its
 * start-up heap about 30 s in, when V8's memory reducer marks all of it
 * (issue 15 item 3), so each command's modules load only when it runs
 * (bench/browse_netns_bench.ts measures the CPU). The options are still read
 * with `node:util`'s `parseArgs`: a hand-written parser saved 1.1 MB of
 * start-up heap but no measurable CPU in the same runs.
 */
import assert from "node:assert/strict";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;

interface ModuleGraph {
  modules: { specifier: string; dependencies?: { specifier: string; isDynamic?: boolean }[] }[];
}

async function graph(): Promise<ModuleGraph> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", MAIN],
    stdin: "null",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout));
}

/** The modules `main.ts` loads before a command runs: its static imports, transitively. */
function staticClosure(g: ModuleGraph): Set<string> {
  const bySpecifier = new Map(g.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    if (seen.has(specifier)) return;
    seen.add(specifier);
    for (const dep of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (!dep.isDynamic) visit(new URL(dep.specifier, specifier).href);
    }
  };
  visit(new URL(`file://${MAIN}`).href);
  return seen;
}

Deno.test("cli module graph: main.ts loads no command's module before the command runs", async () => {
  const loaded = [...staticClosure(await graph())].map((s) => s.replace(/^.*\/cli\//, "cli/"))
    .filter((s) => s.startsWith("cli/") && !s.startsWith("cli/_"));
  assert.deepEqual(loaded, ["cli/main.ts"]);
});
