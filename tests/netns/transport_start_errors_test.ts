/**
 * start() fails with a clear, actionable TransportError when mDNS cannot run.
 * Run in a namespace even where no socket should open, so a bug can never
 * touch port 5353 of the machine's own namespace.
 */

import assert from "node:assert/strict";
import type { AgentMessage } from "./agent.ts";
import { type Host, Lab, netnsTest } from "./harness.ts";

const AGENT = new URL("./agents/transport_agent.ts", import.meta.url).pathname;

async function startError(
  host: Host,
  options: Record<string, unknown>,
  flags: string[],
): Promise<AgentMessage> {
  const child = host.deno(AGENT, [JSON.stringify(options)], { flags, stdin: true });
  const m = await child.waitFor(
    (m: AgentMessage) => m.event === "start-error" || m.event === "started",
    {
      timeoutMs: 20_000,
    },
  );
  await child.stop();
  return m;
}

netnsTest("transport: start() explains what is missing", async () => {
  await using lab = await Lab.create();
  const br = await lab.addBridge();
  const a = await lab.addHost("a");
  await lab.connect(a, br);
  const all = ["--unstable-net", "--allow-all"];
  const [unstable, sys, net, none, inUse] = await Promise.all([
    // --no-config: deno.json enables unstable "net" for the project itself.
    startError(a, {}, ["--no-config", "--allow-all"]),
    startError(a, {}, ["--unstable-net", "--no-prompt", "--allow-net", "--allow-read"]),
    startError(a, {}, [
      "--unstable-net",
      "--no-prompt",
      "--allow-sys=networkInterfaces",
      "--allow-read",
    ]),
    startError(a, { interfaces: { include: ["nosuch0"] } }, all),
    startError(a, { preBind: true }, all), // the FFI hatch's per-link mc4 sockets
  ]);
  // The shared rx4 socket, without the hatch (after the other blocker is gone).
  const inUseNoFfi = await startError(a, { preBind: true }, [...all, "--deny-ffi"]);
  assert.equal(unstable.code, "unstable-api", unstable.message);
  assert.match(unstable.message, /--unstable-net/);
  assert.equal(sys.code, "permission-denied", sys.message);
  assert.match(sys.message, /--allow-sys=networkInterfaces/);
  assert.equal(net.code, "permission-denied", net.message);
  assert.match(net.message, /--allow-net/);
  assert.equal(none.code, "no-interface", none.message);
  assert.match(none.message, /available: .*eth0/);
  assert.equal(inUse.code, "address-in-use", inUse.message);
  assert.match(inUse.message, /5353/);
  assert.equal(inUseNoFfi.code, "address-in-use", inUseNoFfi.message);
  for (const m of [unstable, sys, net, none, inUse, inUseNoFfi]) {
    assert.equal(m.name, "TransportError");
  }
});
