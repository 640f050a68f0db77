// Cache-flush within one packet (RFC 6762 §10.2, issue 7 defect 1).
import assert from "node:assert/strict";
import { encodeMessage, MessageReader, type ResourceRecord } from "../../codec/mod.ts";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import type { PeerCacheEvent } from "../../cache/peer_cache_options.ts";
import { a, at } from "./_records.ts";

function response(...answers: ResourceRecord[]): MessageReader {
  const packet = encodeMessage({
    id: 0,
    flags: 0x8400,
    questions: [],
    answers,
    authorities: [],
    additionals: [],
  });
  return new MessageReader(packet);
}

function recorder(cache: PeerServiceCache): string[] {
  const events: string[] = [];
  cache.subscribe((e: PeerCacheEvent) => {
    const reason = "reason" in e ? ` ${e.reason}` : "";
    events.push(`${e.type}${reason} ${e.record.data}`);
  });
  return events;
}

// Before the fix the first A of each re-announcement flagged the second for
// flushing and the second then came back "rescued": two events a packet.
Deno.test("cache-flush: a host re-announcing two addresses causes no updates", () => {
  const cache = new PeerServiceCache();
  const events = recorder(cache);
  const announce = () => response(a("h.local", "198.18.0.1"), a("h.local", "198.18.0.2"));
  for (const t of [0, 3000, 10_000]) {
    assert.equal(cache.insertMessage(announce(), at(t)), 2);
    cache.expire(t + 1500);
  }
  assert.deepEqual(events, ["added 198.18.0.1", "added 198.18.0.2"]);
  assert.ok(cache.lookup("h.local", 1).every((r) => r.pending === undefined));
});

Deno.test("cache-flush: a packet's rrset replaces older members a second later", () => {
  const cache = new PeerServiceCache();
  cache.insertMessage(response(a("h.local", "198.18.0.1"), a("h.local", "198.18.0.2")), at(0));
  const events = recorder(cache);
  cache.insertMessage(response(a("h.local", "198.18.0.2"), a("h.local", "198.18.0.3")), at(5000));
  const old = cache.lookup("h.local", 1).find((r) => r.data === "198.18.0.1")!;
  assert.equal(old.expiresAt, 6000);
  assert.equal(old.pending, "flushed");
  cache.expire(6000);
  assert.deepEqual(cache.lookup("h.local", 1).map((r) => r.data).sort(), [
    "198.18.0.2",
    "198.18.0.3",
  ]);
  assert.deepEqual(events, ["added 198.18.0.3", "removed flushed 198.18.0.1"]);
});

Deno.test("cache-flush: insertRecord keeps the per-record rule", () => {
  const cache = new PeerServiceCache();
  cache.insertRecord(a("h.local", "198.18.0.1"), at(0));
  cache.insertRecord(a("h.local", "198.18.0.2"), at(0));
  const events = recorder(cache);
  // One record at a time: the first flags the second, which the second then rescues.
  cache.insertRecord(a("h.local", "198.18.0.1"), at(3000));
  cache.insertRecord(a("h.local", "198.18.0.2"), at(3000));
  assert.deepEqual(events, ["updated rescued 198.18.0.2"]);
});
