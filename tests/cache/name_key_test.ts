// One name key everywhere (RFC 6762 §16: only ASCII letters fold; issue 7 defect 3).
import assert from "node:assert/strict";
import { foldAsciiCase, nameKey } from "../../codec/mod.ts";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import { a, at, ptr, srv, txt } from "./_records.ts";

Deno.test("nameKey folds ASCII letters only", () => {
  assert.equal(nameKey("AB.local"), nameKey("ab.local"));
  assert.notEqual(nameKey("ÄB.local"), nameKey("äb.local"));
  assert.equal(nameKey("ÄB.local"), "Äb.local");
  assert.equal(nameKey("İstanbul.LOCAL."), "İstanbul.local"); // toLowerCase would add a character
  assert.equal(nameKey("ends\\."), "ends\\."); // an escaped dot is part of the label
  assert.equal(nameKey("Den._HTTP._tcp.local."), "den._http._tcp.local");
});

Deno.test("nameKey's fast path agrees with folding ASCII after dropping the dot", () => {
  const samples = [
    "",
    "h.local",
    "Den._HTTP._tcp.local",
    "Den._http._tcp.local.",
    "Küche.LOCAL",
    "ÄÖÜ.local.",
    "漢字.Local.",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abc",
  ];
  for (const s of samples) assert.equal(nameKey(s), foldAsciiCase(s.replace(/\.$/, "")), s);
});

// Before the fix service_lookup.ts keyed instances with toLowerCase(), so two
// instances differing only in a non-ASCII letter's case came out as one.
Deno.test("lookupServices keeps instances that differ in a non-ASCII letter's case", () => {
  const cache = new PeerServiceCache();
  for (const instance of ["ÄB", "äb"]) {
    const name = `${instance}._http._tcp.local`;
    for (
      const r of [
        ptr("_http._tcp.local", name),
        srv(name, "h.local"),
        txt(name, ["x=1"]),
        a("h.local", "198.18.0.9"),
      ]
    ) cache.insertRecord(r, at(0));
  }
  const found = cache.lookupServices("_http._tcp").map((s) => s.name).sort();
  assert.deepEqual(found, ["ÄB", "äb"]);
  assert.equal(cache.lookupServices("_HTTP._tcp").length, 2); // ASCII still folds
});
