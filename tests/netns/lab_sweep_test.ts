/**
 * The stale-lab sweep must never take a live lab for a dead one: `Lab.create()`
 * deletes every `mdt-<pid>-*` namespace whose creator it believes gone, and
 * kills what runs in it. Under the test task's flags (`--allow-all
 * --deny-net`) Deno refuses every read of /proc (NotCapable, "requires all
 * access"), so a /proc check said "gone" for every lab on the machine: one
 * test run swept the namespaces, daemons and benches of every other run.
 * Runs without root or namespaces (it only asks about processes).
 */

import assert from "node:assert/strict";
import { processAlive } from "./availability.ts";

Deno.test("processAlive: this process is alive, under the test task's permissions too", () => {
  assert.equal(processAlive(Deno.pid), true);
});

Deno.test("processAlive: a process that has exited is gone", async () => {
  const child = new Deno.Command("true").spawn();
  const pid = child.pid;
  await child.status;
  assert.equal(processAlive(pid), false);
});
