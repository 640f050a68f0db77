// A flood of legacy unicast queries (RFC 6762 §6.7) from one address (issue
// 16 item 2): each would draw a unicast reply at once, so the responder
// bounds what one source address may have read (responder/_legacy_limit.ts).
// A flood gets at most the bucket's burst and rate, whatever ports it sends
// from; a resolver at another address is answered throughout; every query
// left unread is counted; and the table of addresses stays bounded.
import assert from "node:assert/strict";
import { decodeMessage, encodeMessage, type Question, RecordType } from "../../codec/mod.ts";
import {
  LEGACY_BURST_SECONDS,
  LEGACY_QUERY_RATE,
  LEGACY_SOURCES_MAX,
  LegacyLimit,
} from "../../responder/_legacy_limit.ts";
import { Mdns } from "../../mdns.ts";
import { MemoryNetwork, VirtualClock } from "../../testing/mod.ts";

const LEGACY_REPLY_RATE = LEGACY_QUERY_RATE;
const LEGACY_REPLY_BURST = LEGACY_QUERY_RATE * LEGACY_BURST_SECONDS;
import { harness, publishAndSettle } from "./_harness.ts";

const srv: Question = {
  name: "Den._http._tcp.local",
  type: RecordType.SRV,
  class: 1,
  unicastResponse: false,
};
const query = (id: number) =>
  encodeMessage({
    id,
    flags: 0,
    questions: [srv],
    answers: [],
    authorities: [],
    additionals: [],
  });

Deno.test("legacy flood: one address gets at most the burst and the rate; another is answered throughout", async () => {
  const h = await harness();
  try {
    await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
    // The flooder sends from many ports (the limit is per address).
    let toFlooder = 0;
    const flooders = [];
    for (let i = 0; i < 4; i++) {
      const f = h.network.host(`f${i}`, {
        port: 40001 + i,
        interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.10/24" }],
      });
      await f.start({ onDatagram: () => toFlooder++, onEvent() {} });
      flooders.push(f);
    }
    const resolver = h.network.host("r", {
      port: 41000,
      interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.20/24" }],
    });
    const answered: number[] = [];
    await resolver.start({
      onDatagram: (d) => answered.push(decodeMessage(d.data).id),
      onEvent() {},
    });
    const before = h.mdns.stats;
    const seconds = 5;
    let asked = 0;
    // 2,000 queries a second from the flooder, one a second from the resolver.
    for (let ms = 0; ms < seconds * 1000; ms++) {
      for (let k = 0; k < 2; k++) {
        const f = flooders[(ms + k) % flooders.length];
        await f.send(query(1 + (asked++ % 60000)), { interfaceName: "eth0", family: "IPv4" });
      }
      if (ms % 1000 === 500) {
        await resolver.send(query(60001 + ms / 1000 | 0), {
          interfaceName: "eth0",
          family: "IPv4",
        });
      }
      await h.clock.advanceAsync(1);
    }
    await h.clock.advanceAsync(100);
    const bound = LEGACY_REPLY_BURST + LEGACY_REPLY_RATE * seconds;
    assert.ok(toFlooder <= bound, `${toFlooder} replies to the flooder, bound ${bound}`);
    assert.ok(toFlooder >= bound - 1, `${toFlooder} replies: the rate is served`);
    assert.deepEqual(answered, [60001, 60002, 60003, 60004, 60005]);
    // Every query is accounted for: routed as a query, and those left unread counted.
    const after = h.mdns.stats;
    assert.equal(after.queries - before.queries, asked + seconds);
    assert.equal(after.legacyLimited - before.legacyLimited, asked - toFlooder);
  } finally {
    await h.close();
  }
});

Deno.test("legacy flood: the table of addresses stays bounded, and a refilled address gives way", () => {
  const limit = new LegacyLimit();
  for (let i = 0; i < LEGACY_SOURCES_MAX * 4; i++) {
    limit.take(`198.18.${i >> 8}.${i & 255}`, 0);
  }
  assert.equal(limit.size, LEGACY_SOURCES_MAX);
  // All still spending: a newcomer waits; once the oldest has refilled it takes its place.
  assert.equal(limit.take("198.19.0.1", 10), false);
  const refill = (LEGACY_REPLY_BURST / LEGACY_REPLY_RATE) * 1000;
  assert.equal(limit.take("198.19.0.1", refill), true);
  assert.equal(limit.size, LEGACY_SOURCES_MAX);
  // An address in the table keeps its bucket: the burst, then the rate.
  let granted = 0;
  for (let i = 0; i < LEGACY_REPLY_BURST * 2; i++) if (limit.take("198.19.0.1", refill)) granted++;
  assert.equal(granted, LEGACY_REPLY_BURST - 1);
  assert.equal(limit.take("198.19.0.1", refill + 1000 / LEGACY_REPLY_RATE), true);
  assert.equal(limit.take("198.19.0.1", refill + 1000 / LEGACY_REPLY_RATE), false);
});

Deno.test("legacy flood: legacyQueryRate sets the bucket; Infinity reads every query; 0 is refused", async () => {
  const slow = new LegacyLimit(2);
  assert.equal(slow.burst, 2 * LEGACY_BURST_SECONDS);
  let granted = 0;
  for (let i = 0; i < 100; i++) if (slow.take("198.18.0.9", 0)) granted++;
  assert.equal(granted, slow.burst);
  const open = new LegacyLimit(Infinity);
  for (let i = 0; i < 100_000; i++) assert.ok(open.take(`198.18.0.${i & 255}:${i}`, 0));
  assert.equal(open.size, 0);
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock });
  try {
    const host = network.host("a", {
      interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
    });
    await assert.rejects(
      Mdns.start({ transport: host, clock, hostName: "box.local", legacyQueryRate: 0 }),
      RangeError,
    );
  } finally {
    await network.close();
  }
});
