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

async function stack() {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(1) });
  const host = network.host("us", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
  });
  const mdns = await Mdns.start({ transport: host, clock, random: seededRandom(3) });
  return { clock, network, mdns };
}

// The stack's caches are its own (filled only by what it hears): Den's
// records reach it as a response from 198.18.0.9.
function hearDen(network: MemoryNetwork): void {
  const data = encodeMessage({
    id: 0,
    flags: MessageFlags.RESPONSE,
    questions: [],
    answers: den,
    authorities: [],
    additionals: [],
  });
  network.inject("us", { data, source: { address: "198.18.0.9", port: 5353 } });
}

// Before: the stack's cache timer woke at every refresh point (80, 85, 90,
// 95 % of the TTL) and ran expire() with nothing to expire, beside the
// querier that owns those points: expire() ran at 96779, 103514, 108857
// and 114273 ms here.
Deno.test("the stack's peer-cache timer runs expiry only; refresh points are the querier's", async () => {
  // The stack builds its own cache: watch every cache's expire() meanwhile.
  const expiries: number[] = [];
  const expire = PeerServiceCache.prototype.expire;
  PeerServiceCache.prototype.expire = function (this: PeerServiceCache, now: number) {
    expiries.push(now);
    return expire.call(this, now);
  };
  try {
    const { clock, network, mdns } = await stack();
    hearDen(network);
    const it = mdns.browse("_http._tcp", { refreshResolved: true })[Symbol.asyncIterator]();
    assert.equal((await it.next()).value?.type, "added");
    await clock.advanceAsync(119_000); // every refresh point passes, no record expires
    assert.deepEqual(expiries, []);
    // The refresh points did pass: the querier asked again (RFC 6762 §5.2).
    const refreshed = network.packets({ from: "us", since: 96_000 })
      .flatMap((p) => decodeMessage(p.data).questions)
      .some((q) => q.name === DEN && q.type === 33);
    assert.ok(refreshed, "the SRV refresh query left after 96 s");
    await clock.advanceAsync(2_000);
    assert.ok(expiries.length > 0 && expiries.every((t) => t >= 120_000), expiries.join());
    await it.return!();
    await mdns.close();
  } finally {
    PeerServiceCache.prototype.expire = expire;
  }
});

// Before: an expiry (a timer run of the cache, not of the querier) reached a
// browse only from a microtask, after the synchronous clock.advance() that
// ran it had returned; meanwhile the browse still listed the service.
Deno.test("a browse sees an expiry at the timer run that expired it", async () => {
  const { clock, network, mdns } = await stack();
  hearDen(network);
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
