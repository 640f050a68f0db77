// What the querier learns from other hosts' queries (querier/_other_queries.ts)
// under a flood (issue 16 item 2): the last query without Known Answers is
// read once and its questions kept by its bytes, so a repeat (another ID) costs
// no parsing; what it teaches must stay what reading afresh teaches, per link,
// and the querier re-arms its timer only when POOF watched a record (the only
// deadline a query can move).
import assert from "node:assert/strict";
import {
  encodeMessage,
  MessageReader,
  type Question,
  RecordType,
  type ResourceRecord,
} from "../../codec/mod.ts";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import { OtherQueries } from "../../querier/_other_queries.ts";
import { QuestionHistory } from "../../querier/_observations.ts";
import type { Datagram } from "../../transport/transport.ts";

const ptrQuestion = (name: string): Question => ({
  name,
  type: RecordType.PTR,
  class: 1,
  unicastResponse: false,
});
const ptr = (instance: string): ResourceRecord => ({
  name: "_http._tcp.local",
  type: RecordType.PTR,
  class: 1,
  cacheFlush: false,
  ttl: 4500,
  data: `${instance}._http._tcp.local`,
});

function query(id: number, questions: Question[], answers: ResourceRecord[] = []) {
  return encodeMessage({ id, flags: 0, questions, answers, authorities: [], additionals: [] });
}

function datagram(data: Uint8Array, interfaceName = "eth0"): Datagram {
  return {
    data,
    interfaceName,
    family: "IPv4",
    source: { address: "198.18.0.9", port: 5353 },
    unicast: false,
  };
}

const reader = new MessageReader(new Uint8Array(12));
const hear = (others: OtherQueries, d: Datagram, now: number) =>
  others.heard(reader.reset(d.data), d, now);

Deno.test("other queries: a repeated query teaches what reading it afresh teaches, per link", () => {
  const others = new OtherQueries(new PeerServiceCache());
  const http = [ptrQuestion("_http._tcp.local")];
  hear(others, datagram(query(1, http)), 0);
  assert.equal(others.askedByOthers("_http._tcp.local", RecordType.PTR, "eth0", 500), true);
  assert.equal(others.askedByOthers("_http._tcp.local", RecordType.PTR, "eth1", 500), false);
  // The same bytes under another ID, on another link: heard on that link.
  hear(others, datagram(query(2, http), "eth1"), 600);
  assert.equal(others.askedByOthers("_http._tcp.local", RecordType.PTR, "eth1", 1200), true);
  // Another question after it is read, not taken for the last one.
  hear(others, datagram(query(3, [ptrQuestion("_ipp._tcp.local")])), 700);
  assert.equal(others.askedByOthers("_ipp._tcp.local", RecordType.PTR, "eth0", 1200), true);
  assert.equal(others.askedByOthers("_http._tcp.local", RecordType.PTR, "eth0", 1200), false);
  // The same question with a Known Answer we lack: its list counts (§7.3).
  hear(others, datagram(query(4, http, [ptr("Theirs")])), 2000);
  assert.equal(others.askedByOthers("_http._tcp.local", RecordType.PTR, "eth0", 2100), false);
  // Then without it again: suppresses ours once more.
  hear(others, datagram(query(5, http)), 2200);
  assert.equal(others.askedByOthers("_http._tcp.local", RecordType.PTR, "eth0", 2300), true);
});

Deno.test("other queries: heard() says a deadline may have moved only when POOF watched a record", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(ptr("Den"), { interfaceName: "eth0", now: 0 });
  const others = new OtherQueries(cache);
  // Not cached: nothing to watch, however often asked.
  const ipp = datagram(query(1, [ptrQuestion("_ipp._tcp.local")]));
  assert.equal(hear(others, ipp, 5000), false);
  assert.equal(hear(others, ipp, 5001), false);
  assert.equal(others.nextDeadline(), Infinity);
  // Cached and not listed as known: watched (§10.5), its window's end is a deadline.
  const http = datagram(query(2, [ptrQuestion("_http._tcp.local")]));
  assert.equal(hear(others, http, 5000), true);
  assert.equal(hear(others, http, 5001), true, "a repeat counts too");
  assert.ok(Number.isFinite(others.nextDeadline()), "asked twice, unanswered: due for a flush");
});

Deno.test("question history: one question object heard on two links is keyed per link", () => {
  const history = new QuestionHistory();
  const q = { name: "_http._tcp.local", type: 12, unicast: false, known: new Set<string>() };
  history.heard("eth0", q, 0);
  history.heard("eth1", q, 10);
  assert.notEqual(history.recent("eth0", "_http._tcp.local", 12, 20), undefined);
  assert.notEqual(history.recent("eth1", "_http._tcp.local", 12, 20), undefined);
});
