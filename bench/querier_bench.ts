// The querier's figures (issue 9):
//  1. events per second out of a browse fed a stream of responses (each packet
//     decoded, validated, inserted in the peer cache, assembled into an event);
//  2. time from browse() to the first `added` for a service already cached
//     (no packet needed), in real time, and for one that must be asked for,
//     in virtual (protocol) time against a peer that answers at once;
//  3. heap with 10,000 services seen and a browse running.
//
//   deno run -A --v8-flags=--expose-gc bench/querier_bench.ts [services]
import { decodeMessage, encodeMessage, MessageFlags } from "../codec/mod.ts";
import { Mdns } from "../mdns.ts";
import { MemoryNetwork, seededRandom, VirtualClock } from "../testing/mod.ts";
import { announcementPackets, serviceAnnouncement } from "./_workload.ts";

const services = Number(Deno.args[0] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;

function used(): number {
  gc?.();
  gc?.();
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

async function stack(seed = 2) {
  const clock = new VirtualClock(1_700_000_000_000);
  const network = new MemoryNetwork({ clock, random: seededRandom(1) });
  const us = network.host("us", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/16", ipv6: ["fe80::2/64"] }],
  });
  const peer = network.host("peer", {
    interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/16", ipv6: ["fe80::3/64"] }],
  });
  const mdns = await Mdns.start({
    transport: us,
    clock,
    random: seededRandom(seed),
    maxPeerCacheBytes: 256 * 1024 * 1024,
  });
  return { clock, network, peer, mdns };
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits });

// 1. Throughput: decode → cache → event.
{
  const packets = announcementPackets(services);
  const { network, mdns } = await stack();
  const browser = mdns.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  let events = 0;
  const t0 = performance.now();
  const batch = 250;
  for (let i = 0; i < packets.length; i += batch) {
    for (const data of packets.slice(i, i + batch)) {
      network.inject("us", { data, source: { address: "198.18.0.3" } });
    }
    await Promise.resolve();
    while (events < Math.min(i + batch, packets.length)) {
      const e = await it.next();
      if (e.done) throw new Error("browse ended");
      events++;
    }
  }
  const ms = performance.now() - t0;
  // deno-lint-ignore no-console
  console.log(
    `browse throughput: ${fmt(events)} added events from ${fmt(packets.length)} packets in ` +
      `${fmt(ms, 1)} ms = ${fmt(events / (ms / 1000))} events/s`,
  );
  await mdns.close();
  await network.close();
}

// 2a. browse() to the first `added` for a cached service: no packet needed.
{
  const { network, mdns } = await stack();
  network.inject("us", {
    source: { address: "198.18.0.3" },
    data: encodeMessage({
      id: 0,
      flags: 0x8400,
      questions: [],
      answers: serviceAnnouncement(1),
      authorities: [],
      additionals: [],
    }),
  });
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = performance.now();
    const browser = mdns.browse("_http._tcp");
    const e = await browser[Symbol.asyncIterator]().next();
    times.push(performance.now() - t0);
    if (e.value?.type !== "added") throw new Error("no added");
    await browser[Symbol.asyncDispose]();
  }
  times.sort((a, b) => a - b);
  const sent = network.packets({ from: "us" }).length;
  // deno-lint-ignore no-console
  console.log(
    `browse() to first added, cached service: median ${fmt(times[1000] * 1000, 1)} µs, ` +
      `p99 ${fmt(times[1980] * 1000, 1)} µs, packets sent: ${sent}`,
  );
  await mdns.close();
  await network.close();
}

// 2b. browse() to the first `added` for a service that must be asked for.
{
  const delays: number[] = [];
  for (let seed = 1; seed <= 50; seed++) {
    const { clock, network, peer, mdns } = await stack(seed);
    await peer.start({
      onDatagram: (d) => {
        const m = decodeMessage(d.data);
        if ((m.flags & MessageFlags.RESPONSE) !== 0) return;
        if (!m.questions.some((q) => q.name === "_http._tcp.local")) return;
        void peer.send(
          encodeMessage({
            id: 0,
            flags: 0x8400,
            questions: [],
            answers: serviceAnnouncement(seed),
            authorities: [],
            additionals: [],
          }),
          { interfaceName: "eth0", family: d.family },
        );
      },
      onEvent() {},
    });
    const start = clock.now();
    const browser = mdns.browse("_http._tcp");
    const next = browser[Symbol.asyncIterator]().next();
    let done = false;
    void next.then(() => (done = true));
    while (!done) await clock.advanceAsync(1);
    delays.push(clock.now() - start);
    await mdns.close();
    await network.close();
  }
  delays.sort((a, b) => a - b);
  // deno-lint-ignore no-console
  console.log(
    `browse() to first added, asked for (virtual time, 1 ms link latency): ` +
      `min ${delays[0]} ms, median ${delays[25]} ms, max ${delays[49]} ms`,
  );
}

// 3. Memory with `services` services seen and a browse running.
{
  const packets = announcementPackets(services);
  const { network, mdns } = await stack();
  const before = used();
  const browser = mdns.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  for (const data of packets) network.inject("us", { data, source: { address: "198.18.0.3" } });
  for (let i = 0; i < packets.length; i++) await it.next();
  const after = used();
  // deno-lint-ignore no-console
  console.log(
    `memory, ${fmt(services)} services seen with a browse running: heap +${
      fmt((after - before) / 1048576, 1)
    } MiB (${fmt((after - before) / services)} bytes/service; the peer cache counts ${
      fmt(mdns.peerCache.bytes / 1048576, 1)
    } MiB of it)${gc === undefined ? " [run with --v8-flags=--expose-gc]" : ""}`,
  );
  await mdns.close();
  await network.close();
}
