import assert from "node:assert/strict";
import {
  NAME_ENTRY_OVERHEAD_BYTES,
  NameEntry,
  NameInterner,
  stringBytes,
} from "../../cache/_interner.ts";

Deno.test("a name shared by many holders is stored once and keeps its first case", () => {
  const names = new NameInterner();
  const entries = Array.from(
    { length: 1000 },
    (_, i) => names.acquire(i % 2 ? "_HTTP._tcp.local" : "_http._tcp.local"),
  );
  assert.equal(names.size, 1);
  assert.ok(entries.every((e) => e === entries[0]));
  assert.equal(entries[0].name, "_http._tcp.local");
  assert.equal(entries[0].refs, 1000);
  assert.equal(names.bytes, NAME_ENTRY_OVERHEAD_BYTES + 16 + 16); // 16 one-byte characters
});

Deno.test("the entry is released with its last reference, not before", () => {
  const names = new NameInterner();
  const a = names.acquire("Printer.local");
  names.acquire("printer.local");
  assert.equal(names.release(a), false);
  assert.equal(names.size, 1);
  assert.equal(names.release(a), true);
  assert.equal(names.size, 0);
  assert.equal(names.bytes, 0);
  assert.equal(names.get("printer.local"), undefined);
  assert.throws(() => names.release(a), RangeError);
});

Deno.test("bytes: V8's string layout for the name, and the key when it differs", () => {
  assert.equal(stringBytes(""), 16);
  assert.equal(stringBytes("abcdefgh"), 24);
  assert.equal(stringBytes("abcdefghi"), 32);
  assert.equal(stringBytes("Küche"), 24, "Latin-1 is one byte a character");
  assert.equal(stringBytes("漢字漢字漢"), 32, "beyond Latin-1 two bytes a character");
  const names = new NameInterner({ entryOverheadBytes: 10 });
  assert.equal(names.costOf("abc.local"), 10 + 32);
  assert.equal(names.costOf("Abc.local"), 10 + 32 + 32);
  assert.equal(names.costOf("Küche.local"), 10 + 32 + 32, "K is lowered, ü is not");
  names.acquire("Abc.local");
  assert.equal(names.bytes, 74);
});

Deno.test("lookups by name and by key find the entry in any case; a trailing dot is ignored", () => {
  const names = new NameInterner();
  const e = names.acquire("Host.Local.");
  assert.equal(names.get("HOST.local"), e);
  assert.equal(names.getByKey("host.local"), e);
  assert.equal(e.key, "host.local");
});

Deno.test("entries can carry a cache's index; clear forgets everything", () => {
  class Owner extends NameEntry {
    records: number[] = [];
  }
  const names = new NameInterner<Owner>({ create: (n, k, b) => new Owner(n, k, b) });
  names.acquire("a.local").records.push(1);
  names.acquire("A.local").records.push(2);
  assert.deepEqual(names.get("a.local")?.records, [1, 2]);
  const held = names.get("a.local")!;
  names.clear();
  assert.equal(names.size, 0);
  assert.equal(names.bytes, 0);
  assert.equal(held.refs, 0);
  assert.deepEqual([...names], []);
});

Deno.test("retain adds a reference without a lookup, but not to a released entry", () => {
  const names = new NameInterner();
  const e = names.acquire("h.local");
  assert.equal(names.retain(e), e);
  assert.equal(e.refs, 2);
  names.release(e);
  names.release(e);
  assert.throws(() => names.retain(e), RangeError);
});

Deno.test("add files a new name and refuses one already there", () => {
  const names = new NameInterner();
  const e = names.add("H.local");
  assert.equal(e.refs, 1);
  assert.equal(names.get("h.local"), e);
  assert.throws(() => names.add("h.LOCAL"), /in the table already/);
  assert.equal(e.refs, 1);
  assert.equal(names.size, 1);
});
