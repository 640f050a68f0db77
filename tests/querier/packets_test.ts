// Questions put together (RFC 6762 §5.3) and refresh traffic bounded
// (issue 14 item 10; issue 15 item 1), on the in-memory network in virtual
// time, against a fake network of services that answers like a responder.
import assert from "node:assert/strict";
import { decodeMessage, RecordType } from "../../codec/mod.ts";
import { PeerServiceCache } from "../../cache/peer_cache.ts";
import { Outbox } from "../../querier/_outbox.ts";
import { seededRandom } from "../../testing/mod.ts";
import { ADDRESS_REFRESH_DEFER_MS, REFRESH_PACKETS_PER_SECOND } from "../../querier/_constants.ts";
import { FakeServices } from "../../bench/_fake_services.ts";
import { a, ptr, srv, txt } from "../cache/_records.ts";

const TYPE = "_http._tcp.local";
import { type Rig, rig } from "./_harness.ts";

async function fakeServices(r: Rig, count: number): Promise<FakeServices> {
  const host = r.network.host("fakes", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.9/24", ipv6: ["fe80::9/64"] }],
  });
  const services = new FakeServices(host, r.clock, seededRandom(11), { count });
  await services.start();
  return services;
}

async function browseAll(r: Rig, count: number) {
  const browser = r.querier.browse("_http._tcp", { resolve: true, refreshResolved: true });
  const names = new Set<string>();
  const reading = (async () => {
    for await (const e of browser) {
      if (e.type === "removed") names.delete(e.service.fullName);
      else names.add(e.service.fullName);
    }
  })();
  for (let t = 0; names.size < count && t < 10_000; t += 10) await r.advance(10);
  assert.equal(names.size, count, "every service resolved");
  return {
    names,
    async stop() {
      await browser[Symbol.asyncDispose]();
      await reading;
    },
  };
}

Deno.test("packets: A and AAAA of one host leave in one packet", async () => {
  await using r = await rig();
  const lookup = r.querier.lookupHost("box.local", { timeout: 500 }).catch(() => []);
  await r.advance(200);
  const first = r.ourQueries().filter((p) => p.entry.family === "IPv4")[0];
  assert.deepEqual(
    first.message.questions.map((q) => q.type).sort((x, y) => x - y),
    [RecordType.A, RecordType.AAAA],
  );
  await r.advance(400);
  await lookup;
});

Deno.test("packets: refreshes due within a few seconds go in the packet that leaves now", async () => {
  await using r = await rig({ seed: 4 });
  const browser = r.querier.browse("_http._tcp", { resolve: true, refreshResolved: true });
  await r.advance(10);
  // Four services heard in one answer: eight records (SRV and A, 120 s) to refresh.
  const records = [];
  for (let i = 0; i < 4; i++) {
    const instance = `S${i}._http._tcp.local`;
    records.push(
      ptr(TYPE, instance),
      srv(instance, `h${i}.local`),
      txt(instance, []),
      a(`h${i}.local`, `198.18.0.${20 + i}`),
    );
  }
  r.respond(records);
  await r.advance(70_000);
  const since = r.clock.now();
  await r.advance(30_000); // past every 80-82 % point (96-98.4 s), before the 85 % ones
  const refreshes = r.ourQueries(since).filter((p) => p.entry.family === "IPv4");
  const asked = refreshes.flatMap((p) => p.message.questions.map((q) => `${q.name} ${q.type}`));
  assert.equal(asked.length, 8, `${asked}`);
  assert.equal(new Set(asked).size, 8, "each asked once");
  // Each point drawn at 80-82 % of the TTL, 2.4 s apart at most: the SRV
  // questions in one packet; the addresses (RFC 6763 §12.2: an SRV answer
  // carries them) one second later, since nobody answered.
  assert.equal(refreshes.length, 2, `${refreshes.length} packets for ${asked.length} questions`);
  assert.deepEqual(refreshes.map((p) => p.message.questions.map((q) => q.type)), [
    [33, 33, 33, 33],
    [1, 1, 1, 1],
  ]);
  assert.equal(refreshes[1].time - refreshes[0].time, ADDRESS_REFRESH_DEFER_MS);
  await browser[Symbol.asyncDispose]();
});

Deno.test("packets: a service's refresh costs one question when the SRV answer carries the addresses", async () => {
  await using r = await rig({ seed: 5 });
  await fakeServices(r, 4); // answers SRV questions with the target's A (RFC 6763 §12.2)
  const browse = await browseAll(r, 4);
  await r.advance(60_000); // past the browse's own queries at about 1, 4 and 13 s
  const since = r.clock.now();
  await r.advance(50_000); // one refresh round, at 80-82 % of 120 s
  const refreshes = r.ourQueries(since).filter((p) => p.entry.family === "IPv4");
  assert.equal(refreshes.length, 1, `${refreshes.length} packets`);
  assert.deepEqual(refreshes[0].message.questions.map((q) => q.type), [33, 33, 33, 33]);
  assert.equal(browse.names.size, 4);
  await browse.stop();
});

Deno.test("packets: a browse of 20 services sends few query packets over 10 minutes", async () => {
  await using r = await rig({ seed: 2 });
  await fakeServices(r, 20);
  const browse = await browseAll(r, 20);
  for (let t = 0; t < 600_000; t += 1000) await r.advance(1000);
  const packets = r.ourQueries();
  const questions = packets.reduce((n, p) => n + p.message.questions.length, 0);
  // Before questions were put together: 384 packets (one per question and family).
  assert.ok(packets.length <= 40, `${packets.length} packets for ${questions} questions`);
  assert.equal(browse.names.size, 20, "every service still listed");
  await browse.stop();
});

Deno.test("packets: refresh queries per link per second are bounded when 1,000 services stop answering", async () => {
  await using r = await rig({ seed: 3 });
  const services = await fakeServices(r, 1000);
  const browse = await browseAll(r, 1000);
  await r.advance(20_000);
  services.silent = true;
  const since = r.clock.now();
  for (let t = 0; t < 130_000; t += 250) await r.advance(250);
  for (const family of ["IPv4", "IPv6"] as const) {
    const times = r.ourQueries(since).filter((p) => p.entry.family === family).map((p) => p.time);
    // A token bucket: bursts of REFRESH_PACKETS_PER_SECOND, as many a second after that.
    let most = 0;
    for (const [i, t] of times.entries()) {
      let n = 0;
      for (let j = i; j < times.length && times[j] < t + 1000; j++) n++;
      most = Math.max(most, n);
    }
    assert.ok(most <= 2 * REFRESH_PACKETS_PER_SECOND, `${family}: ${most} packets in one second`);
    // Before: about 6,200 packets a family in these 130 s, up to 600 in one second.
    assert.ok(times.length <= 300, `${family}: ${times.length} packets`);
  }
  // Packets are filled: the refresh questions of 1,000 services take few packets.
  const full = r.ourQueries(since).filter((p) =>
    p.entry.family === "IPv4" && p.message.questions.length > 1
  );
  const sizes = full.map((p) => p.entry.data.length);
  assert.ok(sizes.filter((n) => n > 1200).length >= sizes.length / 2, `${sizes}`);
  await browse.stop();
});

Deno.test("packets: refreshes over the bound wait for tokens, oldest first; they leave with their link", async () => {
  const cache = new PeerServiceCache();
  const sent: Uint8Array[] = [];
  const outbox = new Outbox(cache, (data) => {
    sent.push(data);
    return Promise.resolve(true);
  });
  const link = { name: "eth0", index: 1, ipv4: ["198.18.0.2/24"], ipv6: [] };
  // 3,000 hosts whose A records are at 80 % of their TTL: their refreshes are due.
  for (let i = 0; i < 3000; i++) {
    cache.insertRecord(a(`host-${i}.local`, `198.18.${i >> 8}.${i & 255}`), {
      interfaceName: "eth0",
      now: 0,
    });
    outbox.addRefresh("eth0", `host-${i}.local`, RecordType.A);
  }
  outbox.send([link], 96_000);
  assert.equal(sent.length, REFRESH_PACKETS_PER_SECOND);
  const first = sent.flatMap((p) => decodeMessage(p).questions.map((q) => q.name));
  assert.equal(first[0], "host-0.local");
  assert.ok(outbox.nextDeadline() > 96_000 && outbox.nextDeadline() <= 96_050);
  outbox.send([link], 97_000); // a second later: the rest
  assert.ok(
    sent.length > REFRESH_PACKETS_PER_SECOND && sent.length < 2 * REFRESH_PACKETS_PER_SECOND,
  );
  const asked = sent.flatMap((p) => decodeMessage(p).questions.map((q) => q.name));
  assert.equal(asked.length, 3000);
  assert.equal(new Set(asked).size, 3000, "each asked once");
  assert.equal(outbox.nextDeadline(), Infinity);
  // Due again, over what is left of the bucket; then the link goes away.
  for (let i = 0; i < 3000; i++) outbox.addRefresh("eth0", `host-${i}.local`, RecordType.A);
  outbox.send([link], 97_001);
  assert.ok(outbox.nextDeadline() < Infinity, "some wait");
  outbox.send([], 97_002);
  assert.equal(outbox.nextDeadline(), Infinity);
  await Promise.resolve();
});

Deno.test("packets: continuous questions started a moment apart come into step", async () => {
  await using r = await rig({ seed: 8 });
  const http = r.querier.browse("_http._tcp", { resolve: false });
  await r.advance(150);
  const ipp = r.querier.browse("_ipp._tcp", { resolve: false });
  await r.advance(20_000);
  const packets = r.ourQueries().filter((p) => p.entry.family === "IPv4");
  const names = packets.map((p) => p.message.questions.map((q) => q.name.split(".")[0]).join(","));
  // Each asked at about 0, 1 and 4 s (their own), then 13 s: from the third
  // query on, one that is due within a tenth of its interval goes with the other.
  assert.deepEqual(names.slice(-2), ["_http,_ipp", "_http,_ipp"], names.join(" "));
  assert.equal(packets.length, 6, names.join(" "));
  await http[Symbol.asyncDispose]();
  await ipp[Symbol.asyncDispose]();
});

// The continuous PTR question of a browse, one family: when each query went
// out and how many packets it took (the question and its Known-Answer
// continuations, RFC 6762 §7.2).
function ptrQueries(r: Rig, since: number): { time: number; packets: number }[] {
  const out: { time: number; packets: number }[] = [];
  for (const p of r.ourQueries(since).filter((p) => p.entry.family === "IPv4")) {
    const asks = p.message.questions.some((q) => q.type === RecordType.PTR);
    const last = out.at(-1);
    if (asks) out.push({ time: p.time, packets: 1 });
    else if (p.message.questions.length === 0 && last !== undefined && last.time === p.time) {
      last.packets++;
    }
  }
  return out;
}

Deno.test("packets: a browse of 1,000 resolved services sends its Known-Answer list once in the next 2 minutes", async () => {
  await using r = await rig({ seed: 6 });
  await fakeServices(r, 1000);
  const start = r.clock.now();
  const browse = await browseAll(r, 1000);
  const resolved = r.clock.now();
  for (let t = 0; t < 130_000; t += 1000) await r.advance(1000);
  const series = ptrQueries(r, start);
  // The first query (no answers known yet) and the one a second later go as
  // always: discovery and the first loss recovery are unchanged.
  assert.equal(series[0].packets, 1);
  assert.ok(series[1].time - series[0].time >= 1000, "§5.2: first two queries ≥ 1 s apart");
  assert.ok(series[1].packets >= 18, `${series[1].packets} packets of known answers`);
  // §5.2: every interval at least twice the one before.
  for (let i = 2; i < series.length; i++) {
    const gap = series[i].time - series[i - 1].time;
    const before = series[i - 1].time - series[i - 2].time;
    assert.ok(gap >= 2 * before, `interval ${gap} ms after ${before} ms`);
  }
  // Before: again at about 4 and 13 s, 19 packets each (142 packets in 2
  // minutes, both families); the target is ≤ 40 a minute.
  const inWindow = series.filter((q) => q.time > resolved && q.time <= resolved + 120_000);
  assert.equal(inWindow.filter((q) => q.packets > 1).length, 1, JSON.stringify(series));
  const packets = r.ourQueries(resolved).filter((p) => p.time <= resolved + 120_000).length;
  assert.ok(packets <= 80, `${packets} query packets in 2 minutes, both families`);
  assert.equal(browse.names.size, 1000, "every service still listed");
  await browse.stop();
});

Deno.test("packets: a browse of 100 services keeps its start-up series at 0, 1, 4 and 13 s", async () => {
  await using r = await rig({ seed: 6 });
  await fakeServices(r, 100);
  const start = r.clock.now();
  const browse = await browseAll(r, 100);
  for (let t = 0; t < 60_000; t += 1000) await r.advance(1000);
  const series = ptrQueries(r, start);
  const gaps = series.slice(1).map((q, i) => Math.round((q.time - series[i].time) / 1000));
  assert.deepEqual(gaps, [1, 3, 9], JSON.stringify(series));
  assert.deepEqual(series.map((q) => q.packets), [1, 2, 2, 2]);
  await browse.stop();
});
