/**
 * RecordMatcher (responder/_record_key.ts) finds a Known Answer among our
 * records in place; it must agree with the string identity
 * (`readerRecordKey` = `localRecordKey`) on every record, with few
 * candidates (compared one by one) and with many (keyed).
 */
import assert from "node:assert/strict";
import { localRecordKey, readerRecordKey, RecordMatcher } from "../../responder/_record_key.ts";
import { LocalRecord } from "../../cache/local_record.ts";
import { encodeMessage, MessageReader, type ResourceRecord } from "../../codec/mod.ts";
import { seededRandom } from "../../testing/mod.ts";

const text = new TextEncoder();

/** Names differing in a letter's case, a label, or nothing. */
function variants(random: () => number): ResourceRecord[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const label = () => pick(["den", "Den", "DEN", "dan", "den2", "d\\.en"]);
  const type = () => pick(["_http._tcp.local", "_HTTP._tcp.local", "_ipp._tcp.local"]);
  const host = () => pick(["h.local", "H.local", "h2.local"]);
  const out: ResourceRecord[] = [];
  for (let i = 0; i < 40; i++) {
    const base = { class: 1, cacheFlush: false, ttl: 4500 };
    switch (pick(["ptr", "srv", "a", "txt", "nsec"])) {
      case "ptr":
        out.push({ ...base, name: type(), type: 12, data: `${label()}.${type()}` });
        break;
      case "srv":
        out.push({
          ...base,
          name: `${label()}.${type()}`,
          type: 33,
          data: { priority: 0, weight: 0, port: pick([80, 81]), target: host() },
        });
        break;
      case "a":
        out.push({ ...base, name: host(), type: 1, data: pick(["198.18.0.2", "198.18.0.3"]) });
        break;
      case "txt":
        out.push({
          ...base,
          name: `${label()}.${type()}`,
          type: 16,
          data: [text.encode(pick(["a=1", "A=1"]))],
        });
        break;
      default:
        out.push({ ...base, name: host(), type: 47, data: { nextName: host(), types: [1] } });
    }
  }
  return out;
}

for (const candidates of [3, 30]) {
  Deno.test(`RecordMatcher agrees with the record key on every Known Answer (${candidates} candidates)`, () => {
    const random = seededRandom(candidates);
    let matched = 0;
    for (let round = 0; round < 50; round++) {
      const pool = variants(random);
      const ours = pool.slice(0, candidates).map((r) => new LocalRecord(r));
      const byKey = new Map(ours.map((r) => [localRecordKey(r), r]));
      const reader = new MessageReader(encodeMessage({
        id: 0,
        flags: 0,
        questions: [],
        answers: pool, // compressed against each other by the writer
        authorities: [],
        additionals: [],
      }));
      const matcher = new RecordMatcher(ours);
      while (reader.nextRecord()) {
        const expected = byKey.get(readerRecordKey(reader));
        const found = matcher.match(reader);
        // Equal keys may belong to two of our records: either is the same record.
        assert.equal(
          found === undefined ? undefined : localRecordKey(found),
          expected === undefined ? undefined : localRecordKey(expected),
          `${reader.name()} type ${reader.type}`,
        );
        if (found !== undefined) matched++;
      }
    }
    assert.ok(matched > 100, `${matched} matches: the pool must produce them`);
  });
}
