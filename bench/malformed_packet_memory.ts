// Bytes the receive path allocates per malformed packet (issue 16, item 1):
// the stack's pipeline (ingress filters, whole-packet validation, counters,
// the "dropped" event) takes 100,000 copies of each shape after a warm-up,
// with a young generation large enough that no GC runs meanwhile, so the
// growth of `heapUsed` divided by the count is what one packet allocated.
// A well-formed response (cached) is printed beside them for scale.
// Before the quiet check (the reader threw a DnsParseError): 1,248-1,545
// bytes per malformed packet, ~800 of them the Error (V8 charges that for
// any Error, even with Error.stackTraceLimit = 0); after: 176-272 (the
// counted "dropped" event, the failure record, its reason).
//
//   deno run -A --v8-flags=--expose-gc,--min-semi-space-size=512,--max-semi-space-size=512 \
//     bench/malformed_packet_memory.ts
import { Pipeline } from "../_pipeline.ts";
import { StackParts } from "../_stack_parts.ts";
import { PeerServiceCache } from "../cache/mod.ts";
import { encodeMessage, MessageFlags, RecordType } from "../codec/mod.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("Run with --v8-flags=--expose-gc");
const print = (line: string) => {
  // deno-lint-ignore no-console
  console.log(line);
};
const link = { name: "eth0", index: 2, ipv4: ["198.18.0.2/24"], ipv6: [] };
let events = 0;
const pipeline = new Pipeline({
  parts: new StackParts(() => {}),
  peerCache: new PeerServiceCache(),
  now: () => 0,
  links: () => [link],
  report: () => {
    events++;
  },
  wake: () => {},
});
const good = encodeMessage({
  id: 0,
  flags: MessageFlags.RESPONSE,
  questions: [],
  authorities: [],
  additionals: [],
  answers: [{
    name: "h.local",
    type: RecordType.PTR,
    class: 1,
    cacheFlush: false,
    ttl: 120,
    data: "x.local",
  }],
});
const pointerIntoHeader = good.slice();
pointerIntoHeader.set([0xc0, 2], pointerIntoHeader.length - 2);
const rdlengthPastEnd = good.slice();
rdlengthPastEnd[rdlengthPastEnd.length - 5] = 0x40; // rdata "x" + a pointer: 4 bytes, now 64
const selfPointer = good.slice();
selfPointer.set([0xc0, 12], 12);
const shapes: [string, Uint8Array][] = [
  ["pointer into the header", pointerIntoHeader],
  ["rdlength past the end", rdlengthPastEnd],
  ["pointer to itself", selfPointer],
  ["shorter than a header", new Uint8Array(5)],
  ["well-formed response (cached)", good],
];
const COUNT = 100_000;
for (const [label, data] of shapes) {
  const datagram = {
    data,
    interfaceName: "eth0",
    family: "IPv4" as const,
    source: { address: "198.18.0.9", port: 5353 },
    unicast: false,
  };
  for (let i = 0; i < 20_000; i++) pipeline.receive(datagram);
  gc();
  const before = Deno.memoryUsage().heapUsed;
  for (let i = 0; i < COUNT; i++) pipeline.receive(datagram);
  const bytes = (Deno.memoryUsage().heapUsed - before) / COUNT;
  print(`${label}: ${bytes.toFixed(0)} bytes per packet`);
}
print(`malformed counted: ${pipeline.stats.malformed}, events: ${events}`);
