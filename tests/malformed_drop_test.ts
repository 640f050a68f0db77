/**
 * Malformed packets on the receive path (issue 16 item 1): each is counted
 * in `mdns.stats.malformed` and reported as a "dropped" event whose typed
 * `DnsParseError` (offset and reason) is built only when a listener reads
 * it, so a flood of them constructs no Error (~800 bytes each in V8).
 * `bench/malformed_packet_memory.ts` measures the bytes per packet.
 */
import assert from "node:assert/strict";
import { DnsParseError, encodeMessage, MessageFlags, RecordType } from "../codec/mod.ts";
import { Mdns, type MdnsEvent } from "../mdns.ts";
import { MemoryNetwork, VirtualClock } from "../testing/mod.ts";

async function setup() {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock });
  const host = network.host("a", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24", ipv6: ["fe80::2/64"] }],
  });
  const events: MdnsEvent[] = [];
  const mdns = await Mdns.start({ transport: host, clock, onEvent: (e) => events.push(e) });
  return { network, mdns, events };
}

// A PTR whose target points at the flags: `validate()` rejects it at the pointer.
const good = encodeMessage({
  id: 0,
  flags: MessageFlags.RESPONSE | MessageFlags.AUTHORITATIVE,
  questions: [],
  answers: [{
    name: "h.local",
    type: RecordType.PTR,
    class: 1,
    cacheFlush: false,
    ttl: 120,
    data: "x.local",
  }],
  authorities: [],
  additionals: [],
});
const pointerIntoHeader = good.slice();
pointerIntoHeader.set([0xc0, 2], pointerIntoHeader.length - 2);

Deno.test("a malformed packet is counted and its drop event carries the DnsParseError, built when read", async () => {
  const { network, mdns, events } = await setup();
  network.inject("a", { data: pointerIntoHeader, source: { address: "198.18.0.9", port: 5353 } });
  network.inject("a", { data: new Uint8Array(5), source: { address: "fe80::9", port: 5353 } });
  assert.equal(mdns.stats.malformed, 2);
  assert.equal(mdns.stats.received, 2);
  assert.equal(mdns.peerCache.size, 0);
  const drops = events.filter((e) => e.type === "dropped");
  assert.equal(drops.length, 2);
  for (const drop of drops) {
    assert.ok(drop.type === "dropped");
    assert.equal(drop.reason, "malformed");
    // Not an own data property: nothing built it before this read.
    assert.equal(Object.getOwnPropertyDescriptor(drop, "error"), undefined);
    assert.ok(drop.error instanceof DnsParseError);
    assert.equal(drop.error, drop.error, "built once, then the same error");
  }
  const [first, second] = drops.map((d) => (d.type === "dropped" ? d : undefined)!);
  assert.equal(first.source, "198.18.0.9");
  assert.equal(first.error?.offset, pointerIntoHeader.length - 2);
  assert.equal(first.error?.reason, "compression pointer points into the header");
  assert.equal(second.source, "fe80::9%eth0");
  assert.equal(second.error?.reason, "header truncated (5 of 12 bytes)");
  assert.equal(second.error?.offset, 5);
  await mdns.close();
  await network.close();
});

Deno.test("a packet the same length as a valid one just routed, a byte apart, is validated and dropped", async () => {
  // The pipeline skips validating a packet identical (past its ID) to the
  // last valid one (a flood's repeats): a byte apart is another packet.
  const { network, mdns } = await setup();
  const again = good.slice();
  again[1] = 7; // another ID: the same packet
  for (const data of [good, again, pointerIntoHeader, good]) {
    network.inject("a", { data, source: { address: "198.18.0.9", port: 5353 } });
  }
  assert.equal(mdns.stats.received, 4);
  assert.equal(mdns.stats.malformed, 1);
  assert.equal(mdns.stats.responses, 3);
  await mdns.close();
});
