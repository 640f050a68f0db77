/**
 * Every ```ts block of README.md runs as written (imports of "./" point at
 * this checkout). Blocks that use the real network (`Mdns.start()` with the
 * default UDP transport) run inside a namespace lab, with avahi-daemon in the
 * other host publishing what the README looks for ("Living Room" on
 * printer.local); the others (codec, in-memory network) run as plain
 * subprocesses that open no socket.
 *
 * A block that needs a part of the library not in mdns.ts yet (publish,
 * browse, resolve, the lookups, the default transport) is ignored, and its
 * test name says what it waits for.
 */
import assert from "node:assert/strict";
import { Mdns } from "../mdns.ts";
import { type Host, Lab, netnsIgnored, startAvahi } from "./netns/harness.ts";

const root = new URL("../", import.meta.url);
const readme = Deno.readTextFileSync(new URL("README.md", root));
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => {
  const code = m[1];
  const line = readme.slice(0, m.index).split("\n").length + 1;
  return { code, name: `README.md:${line}`, network: /\bMdns\.start\(\)/.test(code) };
});

const mdnsSource = Deno.readTextFileSync(new URL("mdns.ts", root));
const API = ["publish", "browse", "resolve", "lookupHost", "lookupAddress", "reconfirm"];

/** What `code` uses that this checkout does not have yet. */
function missing(code: string): string[] {
  const out = API.filter((name) =>
    new RegExp(`\\.${name}\\(`).test(code) &&
    typeof (Mdns.prototype as unknown as Record<string, unknown>)[name] !== "function"
  ).map((name) => `mdns.${name}()`);
  // Mdns.start() without options needs the default transport in mdns.ts.
  if (/\bMdns\.start\(\)/.test(code) && !/new UdpTransport\(/.test(mdnsSource)) {
    out.push("Mdns.start() without a transport");
  }
  return out;
}

function label(block: { name: string }, lacks: string[]): string {
  return lacks.length ? `${block.name} (ignored: needs ${lacks.join(", ")})` : block.name;
}

async function snippetFile(code: string): Promise<string> {
  const file = await Deno.makeTempFile({ prefix: "mdns-readme-", suffix: ".ts" });
  await Deno.writeTextFile(file, code.replaceAll(/from "\.\//g, `from "${root.href}`));
  return file;
}

const DENO_RUN = ["run", "--quiet", "--no-config", "--allow-all", "--unstable-net"];

Deno.test("README: has the blocks the issue asks for", () => {
  const all = blocks.map((b) => b.code).join("\n");
  for (
    const needle of [
      "publish(",
      "for await",
      "AbortSignal",
      "resolve(",
      "lookupHost(",
      "lookupServices(",
      "clear()",
      "await using",
      "MemoryNetwork",
      "VirtualClock",
    ]
  ) {
    assert.ok(all.includes(needle), `a README example uses ${needle}`);
  }
});

for (const block of blocks.filter((b) => !b.network)) {
  const lacks = missing(block.code);
  Deno.test({
    name: `README: ${label(block, lacks)} runs`,
    ignore: lacks.length > 0,
    fn: async () => {
      const file = await snippetFile(block.code);
      try {
        const { code, stderr } = await new Deno.Command(Deno.execPath(), {
          args: [...DENO_RUN, file],
          stdout: "null",
        }).output();
        assert.equal(code, 0, new TextDecoder().decode(stderr));
      } finally {
        await Deno.remove(file);
      }
    },
  });
}

const networkBlocks = blocks.filter((b) => b.network);
const allLack = networkBlocks.every((b) => missing(b.code).length > 0);
Deno.test({
  name: "README: the blocks on real sockets run in a namespace" +
    (allLack
      ? ` (ignored: needs ${
        [...new Set(networkBlocks.flatMap((b) => missing(b.code)))].join(", ")
      })`
      : ""),
  ignore: netnsIgnored() || allLack,
  fn: async (t) => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const avahi = await startAvahi(b, { hostName: "printer", interfaces: ["eth0"] });
    await avahi.publish("Living Room", "_http._tcp", 8080, ["path=/"]);
    for (const block of networkBlocks) {
      const lacks = missing(block.code);
      await t.step({
        name: label(block, lacks),
        ignore: lacks.length > 0,
        fn: () => runIn(a, block.code),
      });
    }
  },
});

async function runIn(host: Host, source: string): Promise<void> {
  const file = await snippetFile(source);
  try {
    const result = await host.exec(["timeout", "30", Deno.execPath(), ...DENO_RUN, file], {
      allowFailure: true,
    });
    assert.equal(result.code, 0, result.stderr);
  } finally {
    await Deno.remove(file);
  }
}
