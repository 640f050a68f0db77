// deno-lint-ignore-file no-console -- this file prints for a person, as only cli/, bench/ and tests may
/**
 * A seeded mutation fuzzer over the corpus: every mutated packet must either
 * decode or raise DnsParseError (never another error, never a hang), what
 * decodes must survive decode(encode(decode(x))) unchanged, and what
 * `validate()` passes must decode (the stack's all-or-nothing promise), and
 * the receive path's quiet check (`tryReset`, `tryValidate`) reports the same
 * reason and offset as `validate()`'s `DnsParseError`, without an Error.
 *
 * MDNS_FUZZ_CASES and MDNS_FUZZ_SEED override the case count and seed.
 */
import assert from "node:assert/strict";
import { decodeMessage, DnsParseError, encodeMessage, MessageReader } from "../../codec/mod.ts";
import { seededRandom } from "../../testing/mod.ts";
import { loadCorpus, plain } from "./corpus.ts";
import { mutate } from "./mutate.ts";

const CASES = Number(Deno.env.get("MDNS_FUZZ_CASES") ?? 200_000);
const SEED = Number(Deno.env.get("MDNS_FUZZ_SEED") ?? 0x5eed);
/** Far above any sane decode of a ≤ 9000-byte packet; only a hang trips it. */
const HANG_MS = 1000;

Deno.test(`decoder survives ${CASES} mutated corpus packets (seed ${SEED})`, () => {
  const corpus = loadCorpus().map((e) => e.bytes);
  const random = seededRandom(SEED);
  let decoded = 0, rejected = 0, slowest = 0;
  const quiet = new MessageReader(new Uint8Array(12));
  for (let i = 0; i < CASES; i++) {
    const packet = mutate(corpus[i % corpus.length], random);
    const started = performance.now();
    let message;
    let validated = false;
    let loud: DnsParseError | undefined;
    // The receive path's quiet check must say exactly what validate() says,
    // as a plain record rather than an Error.
    const failure = quiet.tryReset(packet) ?? quiet.tryValidate();
    try {
      new MessageReader(packet).validate();
    } catch (e) {
      if (e instanceof DnsParseError) loud = e;
    }
    try {
      // The lazy walk first, then the full decode: both must behave.
      const reader = new MessageReader(packet);
      while (reader.nextRecord());
      try {
        reader.validate();
        validated = true;
      } catch (e) {
        if (!(e instanceof DnsParseError)) throw e;
      }
      message = decodeMessage(packet);
      decoded++;
    } catch (e) {
      if (!(e instanceof DnsParseError)) {
        throw new Error(`case ${i} (seed ${SEED}) threw ${e} for [${packet}]`);
      }
      if (validated) throw new Error(`case ${i} (seed ${SEED}) validated, then ${e}`);
      rejected++;
    }
    assert.deepEqual(
      failure === undefined
        ? undefined
        : [failure.reason, failure.offset, failure instanceof Error],
      loud === undefined ? undefined : [loud.reason, loud.offset, false],
      `case ${i} (seed ${SEED}): the quiet check differs from validate()`,
    );
    slowest = Math.max(slowest, performance.now() - started);
    if (message !== undefined) {
      const again = decodeMessage(encodeMessage(message));
      assert.deepEqual(plain(again), plain(message), `case ${i} (seed ${SEED}) round trip`);
    }
  }
  console.log(
    `fuzz: seed ${SEED}, ${CASES} cases, ${decoded} decoded, ${rejected} rejected, ` +
      `slowest ${slowest.toFixed(2)} ms`,
  );
  assert.equal(decoded + rejected, CASES);
  assert.ok(decoded > CASES / 20, "mutations should leave some packets decodable");
  assert.ok(rejected > CASES / 20, "mutations should break some packets");
  assert.ok(slowest < HANG_MS, `a case took ${slowest} ms`);
});
