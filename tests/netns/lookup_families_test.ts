/**
 * `lookup` of a host published by avahi-daemon returns its IPv4 and its IPv6
 * addresses every time (issue 14 item 7): the CLI in a fresh process each
 * run (an empty cache), so each run depends on A and AAAA both arriving
 * within the family wait. Before, one run in three printed only one family.
 */

import assert from "node:assert/strict";
import { Lab, netnsTest, startAvahi } from "./harness.ts";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;
const FLAGS = ["--unstable-net", "--allow-net", "--allow-sys=networkInterfaces,hostname"];
const RUNS = 6;

netnsTest("lookup: an avahi host's IPv4 and IPv6 addresses, every time", async () => {
  await using lab = await Lab.create();
  const [a, b] = await lab.hostsOnOneBridge("a", "b");
  await startAvahi(b, { hostName: "avahi-b", interfaces: ["eth0"] });
  const bFe80 = await b.linkLocal("eth0");
  const seen: string[][] = [];
  for (let i = 0; i < RUNS; i++) {
    const looked = await a.exec(
      [Deno.execPath(), "run", "--quiet", ...FLAGS, MAIN, "lookup", "avahi-b.local", "--json"],
      { allowFailure: true },
    );
    assert.equal(looked.code, 0, looked.stderr);
    const line = JSON.parse(looked.stdout);
    assert.equal(line.event, "lookup");
    seen.push(line.addresses);
  }
  for (const [i, addresses] of seen.entries()) {
    assert.ok(addresses.includes("198.18.1.2"), `run ${i}: ${addresses.join(" ")}`);
    assert.ok(
      addresses.some((x) => x === "fd00:5353:1::2" || x === `${bFe80}%eth0`),
      `run ${i}: ${addresses.join(" ")}`,
    );
  }
});
