/**
 * The CLI's errors that need network permission, run inside a namespace so
 * that a bug can never open port 5353 in the machine's own: an unknown
 * `--interface` and a missing `--allow-sys` exit 2 naming the fix; port 5353
 * held by a program that does not share it, and a host with no multicast
 * interface, exit 1 with an actionable line. Never a stack trace.
 */

import assert from "node:assert/strict";
import { type Host, Lab, netnsTest } from "./harness.ts";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;
const FLAGS = ["--allow-net", "--allow-sys=networkInterfaces,hostname", "--unstable-net"];

async function mdns(
  host: Host,
  args: string[],
  flags: string[] = FLAGS,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await host.exec(
    [Deno.execPath(), "run", "--quiet", "--no-prompt", ...flags, MAIN, ...args],
    { allowFailure: true, env: { NO_COLOR: "1" } },
  );
  return { code: result.code, stdout: result.stdout, stderr: result.stderr };
}

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  return lines[0];
}

netnsTest(
  "cli errors: unknown interface and missing --allow-sys exit 2 and say what to do",
  async () => {
    await using lab = await Lab.create();
    const [a] = await lab.hostsOnOneBridge("a");
    const [unknown, noSys, noHostname, withHost] = await Promise.all([
      mdns(a, ["browse", "_http._tcp", "--interface", "nosuch0"]),
      mdns(a, ["monitor"], ["--allow-net", "--unstable-net"]),
      mdns(a, ["publish", "Web", "_http._tcp", "80"], [
        "--allow-net",
        "--allow-sys=networkInterfaces",
        "--unstable-net",
      ]),
      // --host makes the machine's host name unnecessary: it gets past the checks.
      mdns(a, ["publish", "Web", "_http._tcp", "80", "--host", "box.local", "--interface", "x9"], [
        "--allow-net",
        "--allow-sys=networkInterfaces",
        "--unstable-net",
      ]),
    ]);
    assert.equal(unknown.code, 2);
    assert.match(
      oneLine(unknown.stderr),
      /^mdns: browse: unknown interface "nosuch0" \(this machine has: .*eth0.*\)$/,
    );
    assert.equal(noSys.code, 2);
    assert.match(oneLine(noSys.stderr), /add --allow-sys=networkInterfaces /);
    assert.equal(noHostname.code, 2);
    assert.match(oneLine(noHostname.stderr), /add --allow-sys=hostname, or give --host/);
    assert.equal(withHost.code, 2);
    assert.match(oneLine(withHost.stderr), /unknown interface "x9"/);
  },
);

netnsTest(
  "cli errors: port 5353 held without sharing, or no multicast interface, exit 1",
  async () => {
    await using lab = await Lab.create();
    const [a] = await lab.hostsOnOneBridge("a");
    const lonely = await lab.addHost("lonely"); // lo only
    const holder = a.spawn([
      "/usr/bin/python3",
      "-c",
      "import socket,time\n" +
      "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n" +
      "s.bind(('0.0.0.0',5353))\n" +
      "print('bound',flush=True)\n" +
      "time.sleep(60)",
    ]);
    await holder.waitForLine(/bound/, { what: "python holding 5353" });
    const [held, none] = await Promise.all([
      mdns(a, ["monitor", "--timeout", "1"]),
      mdns(lonely, ["browse", "--timeout", "1"]),
    ]);
    await holder.stop();
    assert.equal(held.code, 1, held.stderr);
    assert.match(
      oneLine(held.stderr),
      /^mdns: monitor: .*UDP port 5353 is held by a program .*; see which program holds it with: ss -ulpn 'sport = :5353'$/,
    );
    assert.equal(none.code, 1, none.stderr);
    assert.match(
      oneLine(none.stderr),
      /^mdns: browse: Cannot start mDNS: no usable interface .*; connect a network that supports multicast, or name one with --interface$/,
    );
  },
);
