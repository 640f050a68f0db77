import assert from "node:assert/strict";
import { decodeMessage, DnsParseError } from "../../codec/mod.ts";

/** A header with the given counts. */
function header(qd: number, an = 0, ns = 0, ar = 0, flags = 0): number[] {
  return [0, 0, flags >> 8, flags & 0xff, 0, qd, 0, an, 0, ns, 0, ar];
}
const LOCAL = [5, 108, 111, 99, 97, 108, 0]; // "local"
const Q_TAIL = [0, 1, 0, 1]; // type A, class IN
/** A record header tail: type, class IN, TTL 120, then rdlength. */
const rr = (
  type: number,
  rdlength: number,
) => [0, type, 0, 1, 0, 0, 0, 120, rdlength >> 8, rdlength & 0xff];

interface Case {
  name: string;
  bytes: number[];
  offset: number;
  reason: RegExp;
}

const chain = (() => {
  // "local" at 12, then 200 questions whose names each point at the one before:
  // every hop is backwards, but the chain grows one pointer per question.
  const b = [...header(200), ...LOCAL, ...Q_TAIL];
  let prev = 12;
  let failAt = -1;
  for (let i = 1; i < 200; i++) {
    const at = b.length;
    if (i === 128) failAt = at; // the 128th pointer in a row is one too many
    b.push(0xc0 | (prev >> 8), prev & 0xff, ...Q_TAIL);
    prev = at;
  }
  return { bytes: b, failAt };
})();

const longName = (() => {
  // Questions whose names are a 63-byte label plus a pointer to the previous
  // name: each piece is valid, but the fourth name passes 255 bytes.
  const b = [...header(4)];
  const label = (n: number) => [63, ...new Array(63).fill(97 + n)];
  const starts: number[] = [];
  for (let i = 0; i < 4; i++) {
    starts.push(b.length);
    b.push(...label(i));
    if (i === 0) b.push(0);
    else b.push(0xc0 | (starts[i - 1] >> 8), starts[i - 1] & 0xff);
    b.push(...Q_TAIL);
  }
  return { bytes: b, failAt: starts[3] };
})();

const cases: Case[] = [
  { name: "empty packet", bytes: [], offset: 0, reason: /header truncated/ },
  { name: "truncated header", bytes: [0, 0, 0, 0, 0, 1], offset: 6, reason: /header truncated/ },
  {
    name: "self-pointer",
    bytes: [...header(1), 0xc0, 12, ...Q_TAIL],
    offset: 12,
    reason: /points to itself/,
  },
  {
    name: "forward pointer",
    bytes: [...header(1), 0xc0, 18, ...Q_TAIL, ...LOCAL],
    offset: 12,
    reason: /points forward/,
  },
  {
    name: "pointer loop (two names pointing at each other)",
    bytes: [...header(2), 1, 97, 0xc0, 20, ...Q_TAIL, 0xc0, 12, ...Q_TAIL],
    offset: 14,
    reason: /points forward/,
  },
  {
    name: "pointer back into its own name (a loop with no forward pointer)",
    bytes: [...header(1), 5, 95, 104, 116, 116, 112, 4, 95, 116, 99, 112, 0xc0, 12, ...Q_TAIL],
    offset: 23,
    reason: /loops into its own name/,
  },
  {
    name: "pointer past the end",
    bytes: [...header(1), 1, 97, 0xc0, 0xff, ...Q_TAIL],
    offset: 14,
    reason: /past the end/,
  },
  {
    name: "label over 63 (length byte 64)",
    bytes: [...header(1), 64, ...new Array(64).fill(97), 0, ...Q_TAIL],
    offset: 12,
    reason: /label longer than 63/,
  },
  {
    name: "name over 255 after decompression",
    bytes: longName.bytes,
    offset: longName.failAt,
    reason: /name longer than 255/,
  },
  {
    name: "long chain of backward pointers",
    bytes: chain.bytes,
    offset: chain.failAt,
    reason: /too many compression pointers/,
  },
  {
    name: "section count larger than the questions present",
    bytes: [...header(2), ...LOCAL, ...Q_TAIL],
    offset: 23,
    reason: /question count 2 larger than questions present/,
  },
  {
    name: "answer count larger than the records present",
    bytes: [...header(0, 2), ...LOCAL, ...rr(1, 4), 1, 2, 3, 4],
    offset: 33,
    reason: /answer count 2 larger than records present/,
  },
  {
    name: "question truncated after its name",
    bytes: [...header(1), ...LOCAL, 0, 1],
    offset: 19,
    reason: /question truncated/,
  },
  {
    name: "rdlength past the end",
    bytes: [...header(0, 1), ...LOCAL, ...rr(1, 8), 1, 2, 3, 4],
    offset: 27,
    reason: /rdlength 8 runs past the end/,
  },
  {
    name: "A of 3 bytes",
    bytes: [...header(0, 1), ...LOCAL, ...rr(1, 3), 1, 2, 3],
    offset: 29,
    reason: /A rdata of 3 bytes/,
  },
  {
    name: "AAAA of 15 bytes",
    bytes: [...header(0, 1), ...LOCAL, ...rr(28, 15), ...new Array(15).fill(0)],
    offset: 29,
    reason: /AAAA rdata of 15 bytes/,
  },
  {
    name: "TXT string running past its rdata",
    bytes: [...header(0, 1), ...LOCAL, ...rr(16, 4), 1, 97, 5, 98],
    offset: 31,
    reason: /TXT string runs past its rdata/,
  },
  {
    name: "NSEC bitmap length 0",
    bytes: [...header(0, 1), ...LOCAL, ...rr(47, 4), 0xc0, 12, 0, 0],
    offset: 32,
    reason: /NSEC bitmap length 0/,
  },
  {
    name: "NSEC bitmap length 33",
    bytes: [...header(0, 1), ...LOCAL, ...rr(47, 37), 0xc0, 12, 0, 33, ...new Array(33).fill(0)],
    offset: 32,
    reason: /NSEC bitmap length 33/,
  },
  {
    name: "NSEC bitmap running past its rdata",
    bytes: [...header(0, 1), ...LOCAL, ...rr(47, 6), 0xc0, 12, 0, 4, 0x40, 0, 0, 0, 0],
    offset: 31,
    reason: /NSEC bitmap runs past its rdata/,
  },
  {
    name: "NSEC bitmap windows out of order",
    bytes: [...header(0, 1), ...LOCAL, ...rr(47, 8), 0xc0, 12, 1, 1, 0x40, 0, 1, 0x40],
    offset: 34,
    reason: /windows out of order/,
  },
  {
    name: "NSEC window header truncated",
    bytes: [...header(0, 1), ...LOCAL, ...rr(47, 3), 0xc0, 12, 0],
    offset: 31,
    reason: /window header truncated/,
  },
  {
    name: "SRV target not filling its rdata",
    bytes: [...header(0, 1), ...LOCAL, ...rr(33, 10), 0, 0, 0, 0, 0, 80, 0xc0, 12, 9, 9],
    offset: 35,
    reason: /target does not fill SRV rdata/,
  },
  {
    name: "PTR name running past its rdata",
    bytes: [...header(0, 1), ...LOCAL, ...rr(12, 2), 1, 97, 0xc0, 12],
    offset: 29,
    reason: /name does not fill PTR rdata/,
  },
  {
    name: "label running past the end",
    bytes: [...header(1), 10, 97, 98],
    offset: 12,
    reason: /label runs past the end/,
  },
];

Deno.test("decodeMessage() raises DnsParseError at the right offset for malformed packets", async (t) => {
  for (const c of cases) {
    await t.step(c.name, () => {
      assert.throws(
        () => decodeMessage(new Uint8Array(c.bytes)),
        (e: unknown) => {
          assert.ok(e instanceof DnsParseError, `${c.name}: ${e}`);
          assert.ok(e instanceof SyntaxError);
          assert.match(e.reason, c.reason);
          assert.equal(e.offset, c.offset, `${c.name}: ${e.message}`);
          assert.match(e.message, new RegExp(`offset ${e.offset}: `));
          return true;
        },
      );
    });
  }
});
