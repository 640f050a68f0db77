/**
 * `monitor`'s formatting on the packet corpus (tests/testdata/): a header per
 * packet saying query or response, one line per question and record with its
 * section, (QU) and (flush) exactly where the bits are set, TC shown, and the
 * JSON form carrying the same.
 */
import assert from "node:assert/strict";
import { decodeMessage, MessageFlags } from "../../codec/mod.ts";
import {
  formatMalformed,
  formatPacket,
  packetJson,
  type PacketOrigin,
} from "../../cli/_monitor_format.ts";
import { loadCorpus } from "../codec/corpus.ts";

const corpus = loadCorpus();
const origin = (size: number): PacketOrigin => ({
  interfaceName: "eth0",
  family: "IPv6",
  source: "fe80::2%eth0",
  port: 5353,
  unicast: false,
  size,
});

for (const entry of corpus) {
  Deno.test(`monitor format: corpus packet ${entry.id} (${entry.description})`, () => {
    const message = decodeMessage(entry.bytes);
    const lines = formatPacket(message, origin(entry.bytes.length), "12:00:00.000");
    const expected = entry.expected;
    const isResponse = (expected.flags & MessageFlags.RESPONSE) !== 0;
    assert.match(
      lines[0],
      new RegExp(
        `^12:00:00\\.000 eth0 IPv6 \\[fe80::2%eth0\\]:5353 ${
          isResponse ? "response" : "query"
        } id=0 flags=\\[[a-z ]*\\] qd=${expected.questions.length} an=${expected.answers.length} ` +
          `ns=${expected.authorities.length} ar=${expected.additionals.length} ` +
          `${entry.bytes.length}B multicast$`,
      ),
    );
    const body = lines.slice(1);
    const count = (tag: string) => body.filter((l) => l.startsWith(`  ${tag} `)).length;
    assert.equal(body.length, lines.length - 1);
    assert.equal(count("qd"), expected.questions.length);
    assert.equal(count("an"), expected.answers.length);
    assert.equal(count("ns"), expected.authorities.length);
    assert.equal(count("ar"), expected.additionals.length);
    // QU on exactly the questions that carry the bit.
    const qu = body.filter((l) => l.startsWith("  qd ")).map((l) => l.includes("(QU)"));
    assert.deepEqual(qu, expected.questions.map((q) => q.unicastResponse));
    // (flush) on exactly the records that carry the cache-flush bit, in order.
    const records = [...expected.answers, ...expected.authorities, ...expected.additionals];
    const flush = body.filter((l) => !l.startsWith("  qd ")).map((l) => l.includes("(flush)"));
    assert.deepEqual(flush, records.map((r) => r.cacheFlush));
    // Every record line names its owner.
    body.filter((l) => !l.startsWith("  qd ")).forEach((line, i) => {
      assert.ok(
        line.startsWith(`  ${line.slice(2, 4)} ${records[i].name}.\t${records[i].ttl}\t`),
        line,
      );
    });

    const json = packetJson(message, origin(entry.bytes.length));
    assert.equal((json.questions as unknown[]).length, expected.questions.length);
    assert.deepEqual(
      (json.answers as { cacheFlush: boolean }[]).map((r) => r.cacheFlush),
      expected.answers.map((r) => r.cacheFlush),
    );
  });
}

Deno.test("monitor format: the TC bit shows as tc in the flags", () => {
  const bytes = corpus.find((e) => e.id === "b")!.bytes.slice();
  bytes[2] |= MessageFlags.TRUNCATED >> 8;
  const message = decodeMessage(bytes);
  const [header] = formatPacket(message, origin(bytes.length), "12:00:00.000");
  assert.match(header, / query id=0 flags=\[tc\] qd=1 an=12 /);
  assert.equal(packetJson(message, origin(bytes.length)).truncated, true);
});

Deno.test("monitor format: a probe shows its QU question and its Authority records", () => {
  const entry = corpus.find((e) => e.id === "e")!;
  const lines = formatPacket(decodeMessage(entry.bytes), origin(entry.bytes.length), "t");
  assert.equal(lines[1], "  qd ;Küchen-Drucker._http._tcp.local.\t\tIN (QU)\tANY");
  assert.match(lines[2], /^ {2}ns Küchen-Drucker\._http\._tcp\.local\.\t120\tIN\tSRV\t0 0 8000 /);
});

Deno.test("monitor format: announcements show (flush) on unique records", () => {
  const entry = corpus.find((e) => e.id === "c")!;
  const lines = formatPacket(decodeMessage(entry.bytes), origin(entry.bytes.length), "t");
  assert.ok(lines.some((l) => /\tIN \(flush\)\tSRV\t/.test(l)), lines.join("\n"));
  assert.ok(lines.some((l) => /\tIN\tPTR\t/.test(l)), lines.join("\n"));
});

Deno.test("monitor format: unicast from another port and a malformed packet", () => {
  const from: PacketOrigin = {
    ...origin(20),
    family: "IPv4",
    source: "198.18.1.2",
    port: 40000,
    unicast: true,
  };
  const entry = corpus.find((e) => e.id === "a")!;
  const [header] = formatPacket(decodeMessage(entry.bytes), from, "t");
  assert.match(header, /^t eth0 IPv4 198\.18\.1\.2:40000 query .* unicast$/);
  assert.equal(
    formatMalformed("name runs past the end at offset 17", from, "t"),
    "t eth0 IPv4 198.18.1.2:40000 malformed 20B: name runs past the end at offset 17",
  );
});
