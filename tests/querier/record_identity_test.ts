// One record identity (RFC 6762 §16): names, and names inside rdata, compare
// without regard to ASCII case wherever the querier matches a Known Answer
// against a cached record: duplicate question suppression (§7.3) and POOF
// (§10.5).
import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { a, ptr, srv, txt } from "../cache/_records.ts";
import { rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";
const DEN = "Den._http._tcp.local";
const ptrQuestion = { name: TYPE, type: RecordType.PTR, class: 1, unicastResponse: false };

Deno.test("record identity: §7.3 suppression holds when their Known Answer differs from ours only in case", async () => {
  await using r = await rig({ seed: 5 });
  const browser = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(200); // Q1 at 20-120 ms, Q2 one second later
  const q1 = r.ourQueries()[0].time;
  r.respond([ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")]);
  await r.advance(q1 + 900 - r.clock.now());
  // The same PTR, its target spelled in lower case: the same record (§16).
  r.query([ptrQuestion], [ptr(TYPE, "den._http._tcp.local")]);
  await r.advance(500);
  assert.equal(r.ourQueries(q1 + 1).length, 0, "our second query was suppressed");
  await browser[Symbol.asyncDispose]();
});

Deno.test("record identity: POOF ignores a query whose Known Answer differs from the record only in case", async () => {
  await using r = await rig();
  r.respond([ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")]);
  await r.advance(100);
  for (let i = 0; i < 3; i++) {
    r.query([ptrQuestion], [ptr(TYPE, "den._HTTP._tcp.local")]);
    await r.advance(2000);
  }
  await r.advance(10_000);
  assert.equal(r.cache.lookup(TYPE, RecordType.PTR).length, 1, "the PTR was listed as known: kept");
});
