/**
 * DESIGN.md's layering rules, checked on the source text (as Go's dnsmessage
 * has TestNoFmt): the pure layers do no I/O, only clock.ts reads time or
 * randomness, only transport/ opens sockets, and the library never prints.
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

/** Library files: everything but tests, benchmarks and the CLI. */
async function libraryFiles(): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    for await (const entry of Deno.readDir(new URL(dir, root))) {
      const path = dir + entry.name;
      if (entry.isDirectory) {
        if (!["tests", "bench", "cli", "node_modules", ".git"].includes(entry.name)) {
          await walk(path + "/");
        }
      } else if (entry.name.endsWith(".ts")) out.push(path);
    }
  }
  await walk("");
  return out.sort();
}

/** Source without comments and string contents, so JSDoc examples do not count. */
function code(path: string): string {
  const text = Deno.readTextFileSync(new URL(path, root));
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
}

function offenders(files: string[], pattern: RegExp): string[] {
  return files.filter((f) => pattern.test(code(f)));
}

const files = await libraryFiles();

Deno.test("layers: the library files were found", () => {
  assert.ok(files.includes("mdns.ts") && files.includes("codec/reader.ts"), files.join(", "));
});

Deno.test("layers: codec/, dnssd/ and cache/ do no I/O and read no clock", () => {
  const pure = files.filter((f) => /^(codec|dnssd|cache)\//.test(f));
  assert.ok(pure.length > 20);
  assert.deepEqual(
    offenders(pure, /\bDeno\.|\bsetTimeout\b|\bsetInterval\b|\bDate\.now\b|\bfetch\(/),
    [],
  );
});

Deno.test("layers: only clock.ts reads time or randomness", () => {
  const others = files.filter((f) => f !== "clock.ts");
  assert.deepEqual(
    offenders(others, /\bDate\.now\(|\bsetTimeout\(|\bsetInterval\(|\bMath\.random\(/),
    [],
  );
});

Deno.test("layers: only transport/ opens sockets", () => {
  const sockets = offenders(files, /\bDeno\.listenDatagram\b|\bDeno\.listen\b|\bDeno\.connect\b/);
  assert.ok(sockets.length > 0);
  assert.deepEqual(sockets.filter((f) => !f.startsWith("transport/")), []);
});

Deno.test("layers: the library never prints", () => {
  assert.deepEqual(offenders(files, /\bconsole\./), []);
});

Deno.test("layers: only the FFI hatch loads native code", () => {
  assert.deepEqual(offenders(files, /\bDeno\.dlopen\b/), ["transport/_ffi_sockopt.ts"]);
});
