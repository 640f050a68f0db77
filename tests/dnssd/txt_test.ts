import assert from "node:assert/strict";
import { decodeMessage, encodeMessage, RecordType, type TxtRecord } from "../../codec/mod.ts";
import { decodeTxt, encodeTxt, TxtAttributes } from "../../dnssd/txt.ts";

const te = new TextEncoder();
const td = new TextDecoder();
const strings = (...s: string[]) => s.map((x) => te.encode(x));
const text = (list: Uint8Array[]) => list.map((s) => td.decode(s));

Deno.test("TXT keeps the four states of a key apart (RFC 6763 §6.4)", () => {
  const txt = decodeTxt(strings("passreq", "PlugIns=", "paper=A4"));
  assert.equal(txt.get("absent"), undefined);
  assert.equal(txt.has("absent"), false);
  assert.equal(txt.get("passreq"), true);
  assert.equal(txt.has("passreq"), true);
  assert.deepEqual(txt.get("plugins"), new Uint8Array(0));
  assert.equal(txt.getString("plugins"), "");
  assert.equal(txt.getString("PAPER"), "A4");
  assert.deepEqual(txt.toObject(), { passreq: true, PlugIns: "", paper: "A4" });
});

Deno.test("TXT input: true/null are booleans, '' is empty, false/undefined are absent", () => {
  const out = encodeTxt({ a: true, b: null, c: "", d: false, e: undefined, f: "x" });
  assert.deepEqual(text(out), ["a", "b", "c=", "f=x"]);
});

Deno.test("TXT encoding keeps caller order (txtvers first) and matches RFC 6763 §6.6", () => {
  const m = new Map<string, string | true>([["txtvers", "1"], ["key", "value"], ["paper", "A4"], [
    "passreq",
    true,
  ]]);
  assert.deepEqual(text(encodeTxt(m)), ["txtvers=1", "key=value", "paper=A4", "passreq"]);
  assert.deepEqual(text(encodeTxt([["z", "1"], ["a", "2"]])), ["z=1", "a=2"]);
});

Deno.test("an empty TXT is one empty string, never zero strings (RFC 6763 §6.1)", () => {
  const out = encodeTxt({});
  assert.equal(out.length, 1);
  assert.equal(out[0].length, 0);
  const packet = encodeMessage({
    id: 0,
    flags: 0x8400,
    questions: [],
    authorities: [],
    additionals: [],
    answers: [{
      name: "x._http._tcp.local",
      type: RecordType.TXT,
      class: 1,
      cacheFlush: true,
      ttl: 4500,
      data: out,
    }],
  });
  // rdlength is the last-but-one field: 00 01, then the single zero byte.
  assert.deepEqual([...packet.subarray(packet.length - 3)], [0, 1, 0]);
});

Deno.test("no TXT, an empty TXT and a single zero byte all mean no attributes", () => {
  assert.equal(decodeTxt([]).size, 0);
  assert.equal(decodeTxt([new Uint8Array(0)]).size, 0);
  assert.equal(TxtAttributes.decodeRdata(new Uint8Array(0)).size, 0);
  assert.equal(TxtAttributes.decodeRdata(new Uint8Array([0])).size, 0);
  assert.ok(TxtAttributes.EMPTY.equals(decodeTxt([new Uint8Array(0)])));
});

Deno.test("a string of 255 bytes is accepted, 256 rejected with a RangeError", () => {
  const ok = encodeTxt({ k: "x".repeat(253) }); // "k=" + 253 = 255
  assert.equal(ok[0].length, 255);
  assert.throws(
    () => encodeTxt({ k: "x".repeat(254) }),
    (e: unknown) =>
      e instanceof RangeError && e.message === 'Invalid TXT entry "k": 256 bytes, at most 255',
  );
  assert.throws(() => encodeTxt({ ["b".repeat(256)]: true }), RangeError);
  assert.throws(() => encodeTxt({ k: "x".repeat(300) }), RangeError);
});

Deno.test("keys must be printable ASCII without '=' and must not repeat in any case", () => {
  for (const bad of ["ké", "a\tb", "a=b", ""]) {
    assert.throws(() => encodeTxt({ [bad]: "x" }), TypeError, bad);
  }
  assert.throws(() => encodeTxt([["ci", "2"], ["CI", "3"]]), /appears more than once/);
  // Spaces count, including leading ones: two different keys.
  const txt = TxtAttributes.from([[" key", "1"], ["key", "2"]]);
  assert.equal(txt.getString(" key"), "1");
  assert.equal(txt.getString("key"), "2");
  assert.throws(() => encodeTxt({ k: 5 as unknown as string }), TypeError);
});

Deno.test("decoding is lenient: first occurrence wins, '=x' and empty strings skipped", () => {
  const txt = decodeTxt(strings("ci=2", "CI=3", "=foo", "", "a=b=c", 'k="v"', "s= v "));
  assert.equal(txt.getString("ci"), "2");
  assert.equal(txt.size, 4);
  assert.deepEqual(txt.keys(), ["ci", "a", "k", "s"]);
  assert.equal(txt.getString("a"), "b=c"); // value is everything after the FIRST '='
  assert.equal(txt.getString("k"), '"v"'); // quotes are part of the value
  assert.equal(txt.getString("s"), " v "); // so are spaces
});

Deno.test("values are opaque bytes and survive a codec round trip", () => {
  const value = new Uint8Array([0x00, 0xff, 0x3d, 0x80]);
  const record: TxtRecord = {
    name: "x._http._tcp.local",
    type: RecordType.TXT,
    class: 1,
    cacheFlush: true,
    ttl: 4500,
    data: encodeTxt({ bin: value, txtvers: "1" }),
  };
  const packet = encodeMessage({
    id: 0,
    flags: 0x8400,
    questions: [],
    answers: [record],
    authorities: [],
    additionals: [],
  });
  const back = decodeMessage(packet).answers[0] as TxtRecord;
  const txt = decodeTxt(back.data);
  assert.deepEqual(txt.get("bin"), value);
  assert.equal(txt.getString("txtvers"), "1");
  assert.ok(txt.equals(TxtAttributes.from({ TXTVERS: "1", bin: value })));
  assert.ok(!txt.equals(TxtAttributes.from({ txtvers: "2", bin: value })));
});

Deno.test("decodeRdata cuts a string that runs past the end instead of throwing", () => {
  const txt = TxtAttributes.decodeRdata(new Uint8Array([3, 0x61, 0x3d, 0x31, 9, 0x62]));
  assert.equal(txt.getString("a"), "1");
  assert.equal(txt.get("b"), true);
});

Deno.test("decoded values are copies that outlive the packet", () => {
  const buf = te.encode("k=v");
  const txt = decodeTxt([buf]);
  buf.fill(0);
  assert.equal(txt.getString("k"), "v");
});

Deno.test("iteration yields first-occurrence pairs in wire order", () => {
  const txt = decodeTxt(strings("b=1", "a", "B=2"));
  assert.deepEqual([...txt].map(([k, v]) => [k, v === true ? true : td.decode(v)]), [
    ["b", "1"],
    ["a", true],
  ]);
});
