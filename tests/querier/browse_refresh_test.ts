// What a browse keeps refreshing (RFC 6762 §5.2: only records a running query
// is still interested in). The LAN simulation (issue 16 item 8, 100 hosts
// each publishing three services and browsing one type) sent 113 responses
// per host and hour: every ~100 s each type's browsers refreshed every SRV
// of the type (TTL 120 s, §10), and every host answered each type's query,
// three responses a round. A browse's question is its PTR (TTL 4500 s): as
// DNSServiceBrowse, Avahi's service browser and python-zeroconf's
// ServiceBrowser, it keeps only that one running. The SRV, TXT and addresses
// of a whole service are not asked for again when they run out: the browse
// keeps the service's last whole state; changes come announced (§8.4), and
// the answers to the PTR refresh carry the records again (RFC 6763 §12.1).
import assert from "node:assert/strict";
import { RecordType } from "../../codec/mod.ts";
import { KNOWN_ANSWER_LIMIT } from "../../querier/_constants.ts";
import type { BrowseEvent, Browser } from "../../querier/types.ts";
import { a, ptr, srv, txt, wholeServices } from "../cache/_records.ts";
import { nextEvent, type Rig, rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";
const DEN = "Den._http._tcp.local";
const TYPE_NAMES = new Map<number, string>(Object.entries(RecordType).map(([k, v]) => [v, k]));
const RESOLVED_TYPES = new Set<number>([
  RecordType.SRV,
  RecordType.TXT,
  RecordType.A,
  RecordType.AAAA,
]);

/** A resolving browse that saw Den whole (SRV and A: TTL 120 s), its start-up series over. */
async function browsing(
  r: Rig,
): Promise<AsyncIterator<BrowseEvent> & { browser: Browser<BrowseEvent> }> {
  const browser = r.querier.browse("_http._tcp");
  const it = Object.assign(browser[Symbol.asyncIterator](), { browser });
  r.respond([ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  await r.advance(20_000);
  return it;
}

/** The questions of ours since `since`, as "name type". */
function asked(r: Rig, since: number): string[] {
  return r.ourQueries(since).filter((p) => p.entry.family === "IPv4")
    .flatMap((p) =>
      p.message.questions.map((q) => `${q.name} ${TYPE_NAMES.get(q.type) ?? q.type}`)
    );
}

Deno.test("browse refresh: a whole service's SRV, TXT and addresses are not asked for at 80-95 % of their TTL nor when they run out; it stays listed, whole", async () => {
  await using r = await rig({ seed: 7 });
  const it = await browsing(r);
  const since = r.clock.now();
  // Past the 80-95 % points of the SRV and A (96-116 s) and their expiry (120 s).
  for (let t = 0; t < 300_000; t += 1000) await r.advance(1000);
  const resolvedQuestions = r.ourQueries(since).filter((p) => p.entry.family === "IPv4")
    .flatMap((p) => p.message.questions).filter((q) => RESOLVED_TYPES.has(q.type));
  assert.deepEqual(resolvedQuestions, [], `asked: ${asked(r, since)}`);
  assert.equal(r.cache.lookup(DEN, RecordType.SRV).length, 0, "the SRV ran out");
  const [den] = it.browser.services();
  assert.equal(den?.port, 80, "the last whole state stays");
  assert.deepEqual(den?.addresses.map((x) => x.address), ["198.18.0.9"]);
  await assert.rejects(() => nextEvent(r, it, 1000), /No event/);
  await it.return!();
});

Deno.test("browse refresh: after the records ran out, an announced change is still an update", async () => {
  await using r = await rig({ seed: 7 });
  const it = await browsing(r);
  for (let t = 0; t < 150_000; t += 1000) await r.advance(1000);
  // The host moved the service to another port and announced it (§8.4).
  r.respond([srv(DEN, "den.local", 8080), a("den.local", "198.18.0.9")]);
  const updated = await nextEvent(r, it);
  assert.equal(updated?.type, "updated");
  assert.equal(updated?.service.port, 8080);
  assert.deepEqual(updated?.service.addresses.map((x) => x.address), ["198.18.0.9"]);
  await it.return!();
});

Deno.test("browse refresh: a browse still asks for a part replaced by something new (an SRV moved to a host whose address never came)", async () => {
  await using r = await rig({ seed: 7 });
  const it = await browsing(r);
  for (let t = 0; t < 150_000; t += 1000) await r.advance(1000);
  const since = r.clock.now();
  r.respond([srv(DEN, "attic.local")]);
  await r.advance(3000);
  const questions = asked(r, since);
  assert.ok(questions.includes("attic.local A"), `asked: ${questions}`);
  await it.return!();
});

Deno.test("browse refresh: the PTR is still refreshed at 80-82 % of its TTL", async () => {
  await using r = await rig({ seed: 7, cacheRandom: () => 0 });
  const it = r.querier.browse("_http._tcp")[Symbol.asyncIterator]();
  const heard = r.clock.now() + 1;
  r.respond([
    ptr(TYPE, DEN, 200),
    srv(DEN, "den.local"),
    txt(DEN, []),
    a("den.local", "198.18.0.9"),
  ]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  await r.advance(20_000);
  const since = r.clock.now();
  for (let t = 0; t < 150_000; t += 1000) await r.advance(1000);
  const refreshes = r.ourQueries(since).filter((p) =>
    p.entry.family === "IPv4" && p.message.questions.some((q) => q.type === RecordType.PTR)
  ).map((p) => p.time - heard);
  assert.ok(
    refreshes.length > 0 && refreshes[0] >= 160_000 && refreshes[0] <= 164_000,
    `${refreshes}`,
  );
  await it.return!();
});

Deno.test("browse refresh: with refreshResolved the SRV and address are refreshed, and a host that stops answering is removed (purged) within three minutes", async () => {
  await using r = await rig({ seed: 7 });
  const browser = r.querier.browse("_http._tcp", { refreshResolved: true });
  const it = browser[Symbol.asyncIterator]();
  r.respond([ptr(TYPE, DEN), srv(DEN, "den.local"), txt(DEN, []), a("den.local", "198.18.0.9")]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  const heard = r.clock.now();
  await r.advance(20_000);
  const since = r.clock.now();
  // The peer never answers: the refreshes at 80-95 % go unanswered.
  const removed = await nextEvent(r, it, 180_000, 1000);
  assert.equal(removed?.type, "removed");
  assert.equal(removed?.type === "removed" && removed.reason, "purged");
  assert.ok(r.clock.now() - heard <= 180_000, `${r.clock.now() - heard} ms`);
  const questions = asked(r, since);
  assert.ok(questions.includes(`${DEN} SRV`) && questions.includes("den.local A"), `${questions}`);
  await it.return!();
});

Deno.test("browse refresh: once the SRVs and addresses ran out, a new browse's Known-Answer list still names every service (its TXT lives as long as its PTR)", async () => {
  // More services than KNOWN_ANSWER_LIMIT: PTRs whose instance had no SRV
  // counted as listings nobody completed (a flood of fakes), so 200 were left
  // out of every query and their responders answered each time.
  await using r = await rig({ seed: 7 });
  const count = KNOWN_ANSWER_LIMIT + 200;
  const first = r.querier.browse("_http._tcp");
  for (const records of wholeServices(TYPE, count)) r.respond(records);
  for (let t = 0; t < 300_000; t += 1000) await r.advance(1000);
  assert.equal(r.cache.lookup(`Real 0.${TYPE}`, RecordType.SRV).length, 0, "the SRVs ran out");
  await first[Symbol.asyncDispose]();
  const start = r.clock.now();
  const second = r.querier.browse("_http._tcp");
  await r.advance(5000);
  const listed = new Map<string, Set<string>>();
  for (const p of r.ourQueries(start)) {
    const key = `${p.time} ${p.entry.family}`;
    const names = listed.get(key) ?? new Set<string>();
    for (const x of p.message.answers) if (x.type === RecordType.PTR) names.add(String(x.data));
    listed.set(key, names);
  }
  const most = Math.max(0, ...[...listed.values()].map((names) => names.size));
  assert.equal(most, count, `${most} of ${count} services listed as known answers`);
  await second[Symbol.asyncDispose]();
});
