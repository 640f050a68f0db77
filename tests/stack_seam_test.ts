// The seam between the stack and its parts (issue 17): one list of parts,
// routed and scheduled alike; each packet, link event and timer run is one
// turn after which every part settles once; one owner per deadline.
import assert from "node:assert/strict";
import { addPart, Mdns } from "../mdns.ts";
import { PeerServiceCache } from "../cache/mod.ts";
import { decodeMessage, encodeMessage, MessageFlags } from "../codec/mod.ts";
import { MemoryNetwork, seededRandom, VirtualClock } from "../testing/mod.ts";
import { a, ptr, srv, txt } from "./cache/_records.ts";

const DEN = "Den._http._tcp.local";
const den = [
  ptr("_http._tcp.local", DEN, 120),
  srv(DEN, "den.local", 80),
  txt(DEN, []),
  a("den.local", "198.18.0.9"),
];

async function stack(peerCache = new PeerServiceCache({ random: seededRandom(2) })) {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(1) });
  const host = network.host("us", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
  });
  const mdns = await Mdns.start({ transport: host, clock, peerCache, random: seededRandom(3) });
  return { clock, network, mdns, peerCache };
}

// Before: the stack's cache timer woke at every refresh point (80, 85, 90,
// 95 % of the TTL) and ran expire() with nothing to expire, beside the
// querier that owns those points: expire() ran at 96779, 103514, 108857
// and 114273 ms here.
Deno.test("the stack's peer-cache timer runs expiry only; refresh points are the querier's", async () => {
  const peerCache = new PeerServiceCache({ random: seededRandom(2) });
  const expiries: number[] = [];
  const expire = peerCache.expire.bind(peerCache);
  peerCache.expire = (now) => {
    expiries.push(now);
    return expire(now);
  };
  const { clock, mdns } = await stack(peerCache);
  for (const r of den) peerCache.insertRecord(r, { interfaceName: "eth0", now: 0 });
  const it = mdns.browse("_http._tcp")[Symbol.asyncIterator]();
  assert.equal((await it.next()).value?.type, "added");
  const firstRefresh = peerCache.nextRefresh();
  assert.ok(firstRefresh >= 96_000 && firstRefresh < 120_000, `${firstRefresh}`);
  await clock.advanceAsync(119_000); // every refresh point passes, no record expires
  assert.deepEqual(expiries, []);
  await clock.advanceAsync(2_000);
  assert.ok(expiries.length > 0 && expiries.every((t) => t >= 120_000), expiries.join());
  await it.return!();
  await mdns.close();
});

// Before: an expiry (a timer run of the cache, not of the querier) reached a
// browse only from a microtask, after the synchronous clock.advance() that
// ran it had returned; meanwhile the browse still listed the service.
Deno.test("a browse sees an expiry at the timer run that expired it", async () => {
  const { clock, mdns, peerCache } = await stack();
  for (const r of den) peerCache.insertRecord(r, { interfaceName: "eth0", now: 0 });
  const browser = mdns.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  assert.equal((await it.next()).value?.type, "added");
  const seen: number[] = [];
  // One second after the PTR expires (TTL 120 s), within one synchronous advance.
  clock.setTimer(121_000 - clock.now(), () => seen.push(browser.services().length));
  clock.advance(125_000);
  assert.deepEqual(seen, [0]);
  await it.return!();
  await mdns.close();
});

Deno.test("a part added to the stack is routed and scheduled from one list, and settles once per turn", async () => {
  const { clock, network, mdns } = await stack();
  const log: string[] = [];
  let deadline = 500;
  addPart(mdns, () => ({
    nextDeadline: () => deadline,
    run: (now) => {
      log.push(`run ${now}`);
      deadline = Infinity;
    },
    afterCache: () => log.push("afterCache"),
    settle: () => log.push("settle"),
  }));
  const response = encodeMessage({
    id: 0,
    flags: MessageFlags.RESPONSE,
    questions: [],
    answers: [den[3]],
    authorities: [],
    additionals: [],
  });
  network.inject("us", { data: response, source: { address: "198.18.0.9", port: 5353 } });
  network.inject("us", { data: response, source: { address: "198.18.0.9", port: 5353 } });
  clock.advance(1000);
  // Two packets, then the timer run at 500 ms: each one turn, each settled once.
  assert.deepEqual(log, ["afterCache", "settle", "afterCache", "settle", "run 500", "settle"]);
  await mdns.close();
});

// The option existed on the querier but no user could reach it (issue 17).
Deno.test("MdnsOptions.unicastFirstQuery: the first query asks QU by default, QM when false", async () => {
  for (const unicastFirstQuery of [undefined, false]) {
    const clock = new VirtualClock();
    const network = new MemoryNetwork({ clock, random: seededRandom(1) });
    const host = network.host("us", {
      interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
    });
    const mdns = await Mdns.start({ transport: host, clock, unicastFirstQuery });
    const browser = mdns.browse("_http._tcp");
    await clock.advanceAsync(200);
    const [first] = network.packets({ from: "us" }).map((p) => decodeMessage(p.data));
    assert.equal(first.questions[0].name, "_http._tcp.local");
    assert.equal(first.questions[0].unicastResponse, unicastFirstQuery ?? true);
    await browser[Symbol.asyncDispose]();
    await mdns.close();
  }
});
