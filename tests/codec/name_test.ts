import assert from "node:assert/strict";
import {
  copyNameExpanded,
  encodeName,
  escapeLabel,
  joinLabels,
  nameKey,
  namesEqual,
  parseName,
  readName,
  skipName,
  splitName,
} from "../../codec/mod.ts";

Deno.test("encodeName() and readName() round-trip names with dots, backslashes, spaces and UTF-8", () => {
  const names = [
    "Printer 2\\.0._ipp._tcp.local",
    "back\\\\slash._http._tcp.local",
    "Küchen-Drucker._http._tcp.local",
    "会議室プリンター._http._tcp.local",
    "emoji 🎉._http._tcp.local",
    "ctl\\009char.local",
    "local",
  ];
  for (const name of names) {
    const wire = encodeName(name);
    assert.equal(readName(wire, 0), name);
    assert.equal(skipName(wire, 0), wire.length);
  }
  assert.deepEqual(splitName("Printer 2\\.0._ipp._tcp.local"), [
    "Printer 2.0",
    "_ipp",
    "_tcp",
    "local",
  ]);
  assert.equal(
    joinLabels(["Printer 2.0", "_ipp", "_tcp", "local"]),
    "Printer 2\\.0._ipp._tcp.local",
  );
  assert.equal(escapeLabel("a.b\\c"), "a\\.b\\\\c");
});

Deno.test("encodeName() accepts \\DDD escapes and an optional trailing dot", () => {
  assert.deepEqual(encodeName("a\\046b.local."), encodeName("a\\.b.local"));
  assert.deepEqual([...encodeName("a.local.")], [1, 97, 5, 108, 111, 99, 97, 108, 0]);
  assert.deepEqual([...encodeName("")], [0]);
  assert.deepEqual([...encodeName(".")], [0]);
  // A label ending in an escaped dot keeps it.
  assert.equal(readName(encodeName("a\\."), 0), "a\\.");
});

Deno.test("readName() escapes bytes that are not UTF-8 so they survive a round trip", () => {
  const wire = new Uint8Array([3, 0xff, 0x41, 0x00, 0]);
  const text = readName(wire, 0);
  assert.equal(text, "\\255A\\000");
  assert.deepEqual(encodeName(text), wire);
});

Deno.test("encodeName() enforces the 63-byte label and 255-byte name limits", () => {
  encodeName("a".repeat(63) + ".local");
  assert.throws(() => encodeName("a".repeat(64) + ".local"), RangeError);
  // UTF-8 counts bytes: 32 × "é" is 64 bytes.
  assert.throws(() => encodeName("é".repeat(32) + ".local"), RangeError);
  const label = "a".repeat(63);
  encodeName([label, label, label, "a".repeat(61)].join(".")); // 255 bytes on the wire
  assert.throws(() => encodeName([label, label, label, "a".repeat(62)].join(".")), RangeError);
  assert.throws(() => encodeName("a..local"), TypeError);
  assert.throws(() => encodeName("a\\"), TypeError);
  assert.throws(() => encodeName("a\\300.local"), TypeError);
});

Deno.test("namesEqual() compares ASCII case-insensitively, other bytes exactly, through pointers", () => {
  assert.ok(namesEqual(encodeName("Printer.LOCAL"), 0, encodeName("printer.local"), 0));
  assert.ok(!namesEqual(encodeName("Küchen.local"), 0, encodeName("KÜCHEN.local"), 0));
  assert.ok(!namesEqual(encodeName("a.local"), 0, encodeName("a.local.x"), 0));
  const p = new Uint8Array([5, 108, 111, 99, 97, 108, 0, 1, 65, 0xc0, 0]); // local, A.<ptr>
  assert.ok(namesEqual(p, 7, encodeName("a.local"), 0));
});

Deno.test("copyNameExpanded() writes the uncompressed form", () => {
  const p = new Uint8Array([5, 108, 111, 99, 97, 108, 0, 1, 97, 0xc0, 0]);
  const out = new Uint8Array(32);
  const end = copyNameExpanded(p, 7, out, 3);
  assert.deepEqual(out.subarray(3, end), encodeName("a.local"));
});

Deno.test("nameKey() lowers ASCII letters only and drops the trailing dot", () => {
  assert.equal(nameKey("Küchen._HTTP._tcp.local."), "küchen._http._tcp.local");
  assert.equal(nameKey("ÄÖÜ.Local"), "ÄÖÜ.local");
  assert.equal(nameKey("a\\..local"), "a\\..local");
});

Deno.test("parseName() exposes label starts and suffixes for compression", () => {
  const n = parseName("a.b.local");
  assert.deepEqual(n.labelStarts, [0, 2, 4]);
  assert.deepEqual(n.suffixes, ["a.b.local", "b.local", "local"]);
});
