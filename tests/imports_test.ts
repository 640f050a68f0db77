/**
 * The import rules of DESIGN.md §2/§4, checked on every library `.ts` file's
 * static imports (`import`, `import type`, `export ... from`):
 *
 * - **No cycle inside a folder.** The files of one folder import each other
 *   one way: a cycle (even a type-only one) means two files share one job or
 *   a type lives in the wrong file.
 * - **No reach into another folder's private files.** A private file
 *   (leading `_`) of folder B may be imported only from B itself and from the
 *   folders inside B, as Go's `internal/` rule has it (`codec/rdata/` is part
 *   of the codec and may use `codec/_parse_failure.ts`); every other folder
 *   imports B's public files only. The root is not a parent in this sense:
 *   its `_stack.ts`, `_pipeline.ts`, `_scheduler.ts`, `_stack_parts.ts` and
 *   `_ingress.ts` are the stack's own, and the parts in `responder/` and `querier/` reach
 *   the stack only through the public `stack_part.ts`. The one exception is
 *   `mdns.ts`, the stack itself: it builds the responder and the querier,
 *   which are not public, from their private entry modules
 *   ({@linkcode STACK_BUILDS}); nothing else may.
 *
 * Tests, benchmarks and the CLI are not library code and may read anything.
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

/** What `mdns.ts` may import from other folders' private files: the parts it builds. */
const STACK_BUILDS = new Set([
  "responder/_responder.ts",
  "responder/_host_name.ts",
  "querier/_querier.ts",
]);

/** Library files, relative to the root: everything but tests, benchmarks and the CLI. */
function libraryFiles(dir = ""): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(new URL(dir, root))) {
    const path = dir + entry.name;
    if (entry.isDirectory) {
      if (![".git", "node_modules", "tests", "bench", "cli"].includes(entry.name)) {
        out.push(...libraryFiles(path + "/"));
      }
    } else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out.sort();
}

/**
 * The code of a file with comments blanked (JSDoc examples import things too)
 * and string/template contents kept only where they may be a specifier.
 */
function stripComments(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
      out += " ";
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const SPECIFIER =
  /(?:^|[;}\n])\s*(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]*?\s+from\s*)?["']([^"']+)["']/g;

/** The relative static imports of `file`, resolved to root-relative paths. */
function importsOf(file: string): string[] {
  const code = stripComments(Deno.readTextFileSync(new URL(file, root)));
  const targets: string[] = [];
  for (const match of code.matchAll(SPECIFIER)) {
    const specifier = match[1];
    if (!specifier.startsWith(".")) continue;
    targets.push(new URL(specifier, new URL(file, root)).href.slice(root.href.length));
  }
  return targets;
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash + 1);
}

/** A private file is visible from its own folder and, below the root, from the folders inside it. */
function visibleFrom(target: string, file: string): boolean {
  const home = folderOf(target);
  return folderOf(file) === home || (home !== "" && folderOf(file).startsWith(home));
}

function isPrivate(path: string): boolean {
  return path.slice(path.lastIndexOf("/") + 1).startsWith("_");
}

/** Each cycle inside one folder, as `a.ts -> b.ts -> a.ts` (Tarjan's strongly connected components). */
function cyclesWithinFolders(graph: Map<string, string[]>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  let counter = 0;
  const local = (file: string) =>
    (graph.get(file) ?? []).filter((t) => graph.has(t) && folderOf(t) === folderOf(file));
  function visit(file: string): void {
    index.set(file, counter);
    low.set(file, counter++);
    stack.push(file);
    onStack.add(file);
    for (const target of local(file)) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || local(file).includes(file)) {
      cycles.push(component.sort().join(" <-> "));
    }
  }
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles.sort();
}

const files = libraryFiles();
const graph = new Map(files.map((f) => [f, importsOf(f)]));

Deno.test("imports: the walk sees the library and its imports", () => {
  assert.ok(files.includes("mdns.ts") && files.includes("cache/peer_cache.ts"), files.join());
  // Multi-line and type-only imports are read: the stack imports the peer
  // cache and, type only, the transport interface; the façade imports the
  // querier's types in a multi-line `import type`.
  assert.ok(graph.get("_stack.ts")!.includes("cache/peer_cache.ts"));
  assert.ok(graph.get("_stack.ts")!.includes("transport/transport.ts"));
  assert.ok(graph.get("mdns.ts")!.includes("querier/types.ts"));
  assert.ok(graph.get("codec/mod.ts")!.length > 5, "export ... from is read");
  // Every import resolves to a file that exists.
  const missing = [...graph].flatMap(([f, ts]) =>
    ts.filter((t) => !graph.has(t)).map((t) => `${f} -> ${t}`)
  );
  assert.deepEqual(missing, []);
});

Deno.test("imports: the cycle finder finds a cycle", () => {
  const toy = new Map([
    ["x/a.ts", ["x/b.ts"]],
    ["x/b.ts", ["x/c.ts", "y/d.ts"]],
    ["x/c.ts", ["x/a.ts"]],
    ["y/d.ts", ["x/a.ts"]],
  ]);
  assert.deepEqual(cyclesWithinFolders(toy), ["x/a.ts <-> x/b.ts <-> x/c.ts"]);
});

Deno.test("imports: the visibility rule, on examples", () => {
  assert.equal(visibleFrom("codec/_parse_failure.ts", "codec/reader.ts"), true);
  assert.equal(visibleFrom("codec/_parse_failure.ts", "codec/rdata/a.ts"), true); // inside codec/
  assert.equal(visibleFrom("cache/_rdata_key.ts", "responder/_record_key.ts"), false);
  assert.equal(visibleFrom("_pipeline.ts", "querier/_querier.ts"), false); // the root's own
  assert.equal(visibleFrom("_pipeline.ts", "mdns.ts"), true);
});

Deno.test("imports: no import cycle among the files of one folder", () => {
  assert.deepEqual(cyclesWithinFolders(graph), []);
});

Deno.test("imports: no file reaches into another folder's private `_` files", () => {
  const reaches: string[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      if (!isPrivate(target) || visibleFrom(target, file)) continue;
      if (file === "mdns.ts" && STACK_BUILDS.has(target)) continue;
      reaches.push(`${file} -> ${target}`);
    }
  }
  assert.deepEqual(reaches, []);
});
