/**
 * `mdns publish --no-rename` against avahi-daemon (issue 13 item 11): when
 * avahi holds the name, the CLI exits 1 with one line naming it, where
 * without the flag it would take "NAME (2)".
 */

import assert from "node:assert/strict";
import { Lab, netnsTest, startAvahi } from "./harness.ts";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;
const FLAGS = ["--allow-net", "--allow-sys=networkInterfaces,hostname", "--unstable-net"];

netnsTest(
  "cli publish --no-rename: a name avahi holds exits 1 with one line naming it",
  async () => {
    await using lab = await Lab.create();
    const [a, b] = await lab.hostsOnOneBridge("a", "b");
    const avahi = await startAvahi(b, { hostName: "avahi-b" });
    const held = await avahi.publish("Taken", "_mdt._tcp", 1234);
    const result = await a.exec(
      [
        Deno.execPath(),
        "run",
        "--quiet",
        "--no-prompt",
        ...FLAGS,
        MAIN,
        "publish",
        "Taken",
        "_mdt._tcp",
        "4242",
        "--no-rename",
        "--json",
      ],
      { allowFailure: true, env: { NO_COLOR: "1" } },
    );
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stderr.trimEnd().split("\n");
    assert.deepEqual(lines, [
      'mdns: publish: "Taken._mdt._tcp.local" is held by another host, and --no-rename keeps the name',
    ]);
    assert.doesNotMatch(result.stdout, /"registered"/);
    await held.stop();
  },
);
