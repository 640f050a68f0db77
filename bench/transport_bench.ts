/**
 * Receive-path throughput of UdpTransport on real sockets, inside two network
 * namespaces joined by a bridge (needs root and iproute2; nothing touches this
 * machine's own namespace):
 *
 *   deno run -A --unstable-net bench/transport_bench.ts [--seconds=3] [--packet=c_announce_one_service.bin]
 *
 * A sender (UdpTransport.send, multicast IPv4) and a receiver (UdpTransport →
 * header read → routing hook) run as separate processes in separate
 * namespaces. Reported per run: packets sent and delivered, loss, delivered
 * packets per second, and receiver CPU per packet, whose inverse is the
 * packets per second one core sustains (the figure that matters: on a 2-vCPU
 * machine the sender competes with the receiver for CPU).
 *
 * The same file is the child for both roles (`--role=sender|receiver`).
 *
 * @module
 */

import process from "node:process";
import { Lab } from "../tests/netns/harness.ts";
import { UdpTransport } from "../transport/udp_transport.ts";
import type { Transport, TransportHandler } from "../transport/transport.ts";
import { addPart, Mdns } from "../mdns.ts";

const args = Object.fromEntries(
  Deno.args.filter((a) => a.startsWith("--")).map((a) => {
    const [k, v] = a.slice(2).split("=");
    return [k, v ?? "true"];
  }),
);
// deno-lint-ignore no-console
const emit = (m: Record<string, unknown>) => console.log(JSON.stringify(m));

if (args.role === "receiver") await receiver();
else if (args.role === "sender") await sender();
// `deno bench` imports *_bench.ts files (import.meta.main is false there): this
// one needs root and namespaces, so it runs only as `deno run`.
else if (import.meta.main) await main();

/**
 * Counts datagrams through receive → attribution → the stack's ingress checks
 * and routing → a handler that decodes every record of each response (what
 * the peer cache does with it).
 */
async function receiver(): Promise<void> {
  let delivered = 0;
  let queries = 0;
  let responses = 0;
  let checksum = 0;
  let first = 0;
  let last = 0;
  let cpu = process.cpuUsage();
  const transport = new UdpTransport({ interfaces: { include: ["eth0"] }, ipv6: false });
  // Count at the transport seam, after the stack has handled each datagram.
  const counted: Transport = {
    get links() {
      return transport.links;
    },
    start: (handler: TransportHandler) =>
      transport.start({
        onDatagram(d) {
          handler.onDatagram(d);
          if (delivered === 0) first = performance.now();
          last = performance.now();
          delivered++;
        },
        onEvent: (e) => handler.onEvent(e),
      }),
    send: (data, to) => transport.send(data, to),
    close: () => transport.close(),
    [Symbol.asyncDispose]: () => transport.close(),
  };
  const mdns = await Mdns.start({ transport: counted });
  addPart(mdns, () => ({
    onQuery(reader) {
      queries++;
      while (reader.nextQuestion()) checksum = (checksum + reader.type) | 0;
    },
    afterCache(reader) {
      responses++;
      while (reader.nextRecord()) {
        const record = reader.record();
        checksum = (checksum + record.ttl + record.name.length) | 0;
      }
    },
  }));
  emit({ event: "ready" });
  const decoder = new TextDecoder();
  for await (const chunk of Deno.stdin.readable) {
    for (const cmd of decoder.decode(chunk).split("\n").filter(Boolean)) {
      if (cmd === "reset") {
        delivered = queries = responses = 0;
        cpu = process.cpuUsage();
        emit({ event: "reset" });
      } else if (cmd === "report") {
        const used = process.cpuUsage(cpu);
        emit({
          event: "report",
          delivered,
          queries,
          responses,
          checksum,
          seconds: (last - first) / 1000,
          cpuUs: used.user + used.system,
          stats: transport.stats,
          stack: mdns.stats,
        });
      }
    }
  }
  await mdns.close();
}

/** Multicasts `count` copies of a packet, flat out or paced at `rate` per second. */
async function sender(): Promise<void> {
  const rate = Number(args.rate ?? 0);
  const seconds = Number(args.seconds ?? 3);
  // A real announcement from the corpus (341 bytes: PTR, SRV, TXT, A, AAAA, 2 NSEC).
  const packet = Deno.readFileSync(
    new URL(`../tests/testdata/${args.packet ?? "c_announce_one_service.bin"}`, import.meta.url),
  );
  const transport = new UdpTransport({ interfaces: { include: ["eth0"] }, ipv6: false });
  await transport.start({ onDatagram() {}, onEvent() {} });
  const to = { interfaceName: "eth0", family: "IPv4" } as const;
  const start = performance.now();
  const end = start + seconds * 1000;
  let sent = 0;
  let failed = 0;
  const inFlight = 16;
  while (performance.now() < end) {
    let batch = inFlight;
    if (rate > 0) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate) - sent;
      if (due <= 0) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      batch = Math.min(due, inFlight);
    }
    const results = await Promise.all(
      Array.from({ length: batch }, () => transport.send(packet, to)),
    );
    for (const ok of results) ok ? sent++ : failed++;
  }
  emit({ event: "done", sent, failed, seconds: (performance.now() - start) / 1000 });
  await transport.close();
}

interface Message {
  event: string;
}
interface Done extends Message {
  sent: number;
  failed: number;
  seconds: number;
}
interface Report extends Message {
  delivered: number;
  queries: number;
  responses: number;
  stack: { responses: number; malformed: number; offLink: number };
  seconds: number;
  cpuUs: number;
}

interface Row {
  run: string;
  sent: number;
  delivered: number;
  routed: number;
  lossPct: number;
  deliveredPerSec: number;
  cpuUsPerPacket: number;
  perCorePerSec: number;
}

async function main(): Promise<void> {
  const self = new URL(import.meta.url).pathname;
  const seconds = Number(args.seconds ?? 3);
  const packetFile = args.packet ?? "c_announce_one_service.bin";
  await using lab = await Lab.create();
  const br = await lab.addBridge();
  const tx = await lab.addHost("tx");
  const rx = await lab.addHost("rx");
  await lab.connect(tx, br);
  await lab.connect(rx, br);
  const flags = ["--unstable-net", "--allow-all"];
  const recv = rx.deno(self, ["--role=receiver"], { flags, stdin: true, label: "receiver" });
  await recv.waitFor((m: Message) => m.event === "ready", { timeoutMs: 20_000 });
  const rows: Row[] = [];
  const runs: { name: string; rate: number }[] = [
    { name: "flat out", rate: 0 },
    { name: "paced 10k/s", rate: 10_000 },
    { name: "paced 20k/s", rate: 20_000 },
    { name: "paced 30k/s", rate: 30_000 },
  ];
  for (const run of runs) {
    let since = recv.mark();
    await recv.write("reset\n");
    await recv.waitFor((m: Message) => m.event === "reset", { since });
    const send = tx.deno(
      self,
      ["--role=sender", `--rate=${run.rate}`, `--seconds=${seconds}`, `--packet=${packetFile}`],
      { flags, label: "sender" },
    );
    const done = await send.waitFor<Done>((m) => m.event === "done", {
      timeoutMs: (seconds + 20) * 1000,
    });
    await send.status;
    await new Promise((r) => setTimeout(r, 300)); // let the receiver drain its socket buffer
    since = recv.mark();
    await recv.write("report\n");
    const rep = await recv.waitFor<Report>((m) => m.event === "report", { since });
    const cpuUs = rep.cpuUs / Math.max(1, rep.delivered);
    rows.push({
      run: run.name,
      sent: done.sent,
      delivered: rep.delivered,
      routed: rep.responses + rep.queries,
      lossPct: Number((100 * (1 - rep.delivered / Math.max(1, done.sent))).toFixed(2)),
      deliveredPerSec: Math.round(rep.delivered / Math.max(1e-9, rep.seconds)),
      cpuUsPerPacket: Number(cpuUs.toFixed(2)),
      perCorePerSec: Math.round(1e6 / cpuUs),
    });
  }
  await recv.stop();
  // deno-lint-ignore no-console
  console.log(
    `Receive → decode → routing, ${packetFile} over IPv4 multicast, ${seconds} s per run, ${navigator.hardwareConcurrency} CPUs`,
  );
  // deno-lint-ignore no-console
  console.table(rows);
}
