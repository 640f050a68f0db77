/**
 * Runs agents/inprocess_checks.ts with `deno test` (sanitizers on) inside a
 * namespace: UdpTransport used directly, with virtual time for the watcher.
 */

import assert from "node:assert/strict";
import { Lab, netnsTest } from "./harness.ts";

const CHECKS = new URL("./agents/inprocess_checks.ts", import.meta.url).pathname;

netnsTest("transport: in-process checks with sanitizers, inside a namespace", async () => {
  await using lab = await Lab.create();
  const br = await lab.addBridge();
  const a = await lab.addHost("a");
  await lab.connect(a, br);
  const child = a.spawn(
    [Deno.execPath(), "test", "--quiet", "--allow-all", "--unstable-net", "--no-check", CHECKS],
    {
      env: { MDT_INSIDE_NETNS: "1", NO_COLOR: "1" },
      parse: () => undefined,
      label: "[a] inprocess",
    },
  );
  const status = await child.status;
  assert.equal(status.code, 0, `${child.lines.join("\n")}\n${child.stderr}`);
  assert.ok(child.lines.some((l) => /ok \| 7 passed \| 0 failed/.test(l)), child.lines.join("\n"));
});
