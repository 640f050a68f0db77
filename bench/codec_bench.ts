// deno-lint-ignore-file no-console -- this file prints for a person, as only cli/, bench/ and tests may
/**
 * Codec speed against npm:dns-packet and npm:@leichtgewicht/dns-packet on the
 * corpus packets. One group per packet and operation:
 *
 * - decode: fully materialised — every name a string, every field read (touch()
 *   reads every field of every result, ours and theirs alike);
 * - scan: our lazy walk over the header, questions and every record header,
 *   building no strings, against their full decode;
 * - encode: ours with name compression on (theirs do not compress);
 * - validate: our all-or-nothing check of packet d (every name followed, every
 *   rdata shape checked) against the plain scan, as the stack runs it before
 *   any handler.
 *
 * Run: deno bench --allow-read bench/codec_bench.ts
 */
import dnsPacket from "npm:dns-packet@5.6.1";
import * as leichtPacket from "npm:@leichtgewicht/dns-packet@6.0.3";
import { Buffer } from "node:buffer";
import { decodeMessage, type DnsMessage, encodeMessage, MessageReader } from "../codec/mod.ts";

const dir = new URL("../tests/testdata/", import.meta.url);
const corpus = JSON.parse(Deno.readTextFileSync(new URL("corpus.json", dir))) as {
  packets: { id: string; file: string; description: string }[];
};

let sink = 0;
// deno-lint-ignore no-explicit-any
function touch(value: any): void {
  if (value === null || value === undefined) return;
  switch (typeof value) {
    case "string":
      sink += value.length;
      return;
    case "number":
      sink += value;
      return;
    case "boolean":
      sink += value ? 1 : 0;
      return;
    case "object":
      if (value instanceof Uint8Array) {
        sink += value.length;
        return;
      }
      if (Array.isArray(value)) {
        for (const v of value) touch(v);
        return;
      }
      for (const k in value) touch(value[k]);
  }
}

// One reader for every scan, as the stack's receive loop uses it.
const reader = new MessageReader(new Uint8Array(12));
function scan(packet: Uint8Array): number {
  const r = reader.reset(packet);
  let n = r.id + r.flags;
  while (r.nextQuestion()) n += r.type + r.class;
  while (r.nextRecord()) n += r.type + r.ttl + r.rdataLength;
  return n;
}

for (const p of corpus.packets) {
  const packet = Deno.readFileSync(new URL(p.file, dir));
  const ours: DnsMessage = decodeMessage(packet);
  // The peers read Node Buffers; give them one (their native input) up front.
  const buffer = Buffer.from(packet);
  const theirs = dnsPacket.decode(buffer);
  const theirsLeicht = leichtPacket.decode(packet);

  Deno.bench({
    name: `ours`,
    group: `decode ${p.id}`,
    baseline: true,
    fn: () => touch(decodeMessage(packet)),
  });
  Deno.bench({
    name: `dns-packet`,
    group: `decode ${p.id}`,
    fn: () => touch(dnsPacket.decode(buffer)),
  });
  Deno.bench({
    name: `@leichtgewicht/dns-packet`,
    group: `decode ${p.id}`,
    fn: () => touch(leichtPacket.decode(packet)),
  });

  Deno.bench({
    name: `ours (scan)`,
    group: `scan ${p.id}`,
    baseline: true,
    fn: () => {
      sink += scan(packet);
    },
  });
  Deno.bench({
    name: `dns-packet (decode)`,
    group: `scan ${p.id}`,
    fn: () => touch(dnsPacket.decode(buffer)),
  });
  Deno.bench({
    name: `@leichtgewicht/dns-packet (decode)`,
    group: `scan ${p.id}`,
    fn: () => touch(leichtPacket.decode(packet)),
  });

  Deno.bench({
    name: `ours (compressed)`,
    group: `encode ${p.id}`,
    baseline: true,
    fn: () => {
      sink += encodeMessage(ours).length;
    },
  });
  Deno.bench({
    name: `dns-packet`,
    group: `encode ${p.id}`,
    fn: () => {
      sink += dnsPacket.encode(theirs).length;
    },
  });
  Deno.bench({
    name: `@leichtgewicht/dns-packet`,
    group: `encode ${p.id}`,
    fn: () => {
      sink += leichtPacket.encode(theirsLeicht).length;
    },
  });
}

globalThis.addEventListener("unload", () => {
  if (sink === 0.5) console.log(sink); // keeps `sink` observable so work is not optimised away
});

{
  const d = corpus.packets.find((p) => p.id === "d")!;
  const packet = Deno.readFileSync(new URL(d.file, dir));
  Deno.bench({ name: "scan", group: "validate d", baseline: true, fn: () => void scan(packet) });
  Deno.bench({
    name: "validate",
    group: "validate d",
    fn: () => void reader.reset(packet).validate(),
  });
}
