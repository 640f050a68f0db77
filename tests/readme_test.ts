/**
 * Every ```ts block of README.md runs as written (imports of "./" point at
 * this checkout). Blocks that use the real network (`Mdns.start()` with the
 * default UDP transport) run inside a namespace lab, with avahi-daemon in the
 * other host publishing what the README looks for ("Living Room" on
 * printer.local); the others (codec, in-memory network) run as plain
 * subprocesses that open no socket.
 *
 * `deno test --doc` (what `deno task test` runs) executes README's ts blocks
 * too, in this machine's own namespace: the real-socket blocks must be marked
 * `ts ignore` for it, and a test here fails if one is not.
 */
import assert from "node:assert/strict";
import { type Host, Lab, netnsTest, startAvahi } from "./netns/harness.ts";

const root = new URL("../", import.meta.url);
const readme = Deno.readTextFileSync(new URL("README.md", root));
const blocks = [...readme.matchAll(/^```ts( ignore)?\n([\s\S]*?)^```/gm)].map((m) => {
  const code = m[2];
  const line = readme.slice(0, m.index).split("\n").length + 1;
  return {
    code,
    name: `README.md:${line}`,
    // Mdns.start() without a memory transport opens real sockets (the default is UdpTransport).
    network: /UdpTransport/.test(code) ||
      (/\bMdns\.start\(/.test(code) && !/MemoryNetwork/.test(code)),
    ignoredByDocTests: m[1] !== undefined,
  };
});

async function snippetFile(code: string): Promise<string> {
  const file = await Deno.makeTempFile({ prefix: "mdns-readme-", suffix: ".ts" });
  await Deno.writeTextFile(file, code.replaceAll(/from "\.\//g, `from "${root.href}`));
  return file;
}

const DENO_RUN = ["run", "--quiet", "--no-config", "--allow-all", "--unstable-net"];

Deno.test("README: has the examples issue 10 asks for", () => {
  const all = blocks.map((b) => b.code).join("\n");
  const needles = [
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
  ];
  for (const needle of needles) assert.ok(all.includes(needle), `a README example uses ${needle}`);
  assert.ok(blocks.some((b) => b.network) && blocks.some((b) => !b.network));
});

Deno.test("README: blocks on real sockets are kept from deno test --doc", () => {
  for (const block of blocks.filter((b) => b.network)) {
    assert.ok(block.ignoredByDocTests, `${block.name} opens sockets: mark it \`\`\`ts ignore`);
  }
});

for (const block of blocks.filter((b) => !b.network)) {
  Deno.test(`README: ${block.name} runs`, async () => {
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
  });
}

netnsTest("README: the blocks on real sockets run in a namespace", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  const avahi = await startAvahi(b, { hostName: "printer", interfaces: ["eth0"] });
  await avahi.publish("Living Room", "_http._tcp", 8080, ["path=/"]);
  for (const block of blocks.filter((b) => b.network)) {
    await runIn(a, block.name, block.code);
  }
});

async function runIn(host: Host, name: string, source: string): Promise<void> {
  const file = await snippetFile(source);
  try {
    const result = await host.exec(["timeout", "30", Deno.execPath(), ...DENO_RUN, file], {
      allowFailure: true,
    });
    assert.equal(result.code, 0, `${name}: ${result.stderr}`);
  } finally {
    await Deno.remove(file);
  }
}
