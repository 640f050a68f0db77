import assert from "node:assert/strict";
import {
  ConflictLimiter,
  nextHostName,
  nextInstanceName,
  sanitizeHostLabel,
} from "../../responder/_renamer.ts";
import { recordKey } from "../../responder/_record_key.ts";
import { compareProposals } from "../../responder/_tie_break.ts";

const bytes = (s: string) => new TextEncoder().encode(s).length;

Deno.test("renamer: names grow a counter and stay within 63 bytes, on a character boundary", () => {
  assert.equal(nextInstanceName("Den"), "Den (2)");
  assert.equal(nextInstanceName("Den (9)"), "Den (10)");
  const long = "ü".repeat(31); // 62 bytes
  const next = nextInstanceName(long);
  assert.ok(bytes(next) <= 63, `${bytes(next)} bytes`);
  assert.ok(next.endsWith(" (2)") && !next.includes("\ufffd"));
  assert.equal(nextHostName("box.local"), "box-2.local");
  assert.equal(nextHostName("box-9.local"), "box-10.local");
  assert.ok(bytes(nextHostName(`${"a".repeat(63)}.local`).split(".")[0]) <= 63);
  assert.equal(sanitizeHostLabel("Mein Rechner_1.fritz.box"), "Mein-Rechner-1");
});

Deno.test("renamer: the back-off starts at the 15th conflict in 10 s and ends after a quiet 10 s", () => {
  const limiter = new ConflictLimiter();
  for (let i = 0; i < 14; i++) limiter.record(i * 500);
  assert.equal(limiter.delay(7000), 0);
  limiter.record(7000);
  assert.equal(limiter.delay(7000), 5000);
  limiter.record(12_000);
  limiter.record(17_000);
  assert.equal(limiter.delay(17_000), 5000, "still backing off at one conflict per 5 s");
  assert.equal(limiter.delay(28_000), 0, "quiet for over 10 s");
});

Deno.test("tie-break: sorted sets compared pairwise; the longer set wins a common prefix", () => {
  const rec = (type: number, ...data: number[]) => ({
    class: 1,
    type,
    rdata: new Uint8Array(data),
  });
  const ours = [rec(33, 1), rec(16, 5)];
  assert.equal(compareProposals(ours, [rec(16, 5), rec(33, 1)]), 0, "order does not matter");
  assert.ok(compareProposals(ours, [...ours, rec(47, 1)]) < 0, "an extra record at the end wins");
  assert.ok(compareProposals(ours, [...ours, rec(1, 1)]) > 0, "the first difference decides");
  assert.ok(compareProposals(ours, [rec(16, 6), rec(33, 1)]) < 0, "greater TXT wins");
  assert.ok(compareProposals([rec(1, 200)], [rec(1, 50)]) > 0, "bytes are unsigned");
});

Deno.test("record keys: names (owner and inside rdata) in any case, other bytes exactly", () => {
  const srv = (port: number, name: string) =>
    new Uint8Array([
      0,
      0,
      0,
      0,
      port >> 8,
      port & 255,
      name.length,
      ...new TextEncoder().encode(name),
      0,
    ]);
  assert.equal(recordKey("A.local", 33, srv(80, "BOX")), recordKey("a.LOCAL", 33, srv(80, "box")));
  assert.notEqual(
    recordKey("a.local", 33, srv(80, "box")),
    recordKey("a.local", 33, srv(81, "box")),
  );
  const txt = (c: number) => new Uint8Array([1, c]);
  assert.notEqual(recordKey("a.local", 16, txt(0x41)), recordKey("a.local", 16, txt(0x61)));
});
