/**
 * The responder on a busy LAN (issue 13): immediate replies and probe
 * defences never wait behind pending replies (RFC 6762 §6, §8.1), only the
 * records that answer a probe get the probe exceptions, a QU probe also gets
 * its unicast reply (§5.4), a defence under the 250 ms limit is delayed, not
 * dropped (§6), and only truncated known-answer packets extend a wait (§7.2).
 */
import assert from "node:assert/strict";
import {
  type DnsMessage,
  encodeMessage,
  RecordType,
  type ResourceRecord,
} from "../../codec/mod.ts";
import type { MemoryHost } from "../../testing/mod.ts";
import { A_IPV4, type Harness, harness, publishAndSettle, TESTER_IPV4 } from "./_harness.ts";

const TC = 0x0200;
const q = (name: string, type: number, unicastResponse = false) => ({
  name,
  type,
  class: 1,
  unicastResponse,
});
const ptr = (instance: string): ResourceRecord => ({
  name: "_http._tcp.local",
  type: RecordType.PTR,
  class: 1,
  cacheFlush: false,
  ttl: 4500,
  data: `${instance}._http._tcp.local`,
});
const theirA = (name: string, cacheFlush = false): ResourceRecord => ({
  name,
  type: RecordType.A,
  class: 1,
  cacheFlush,
  ttl: 120,
  data: "198.18.0.77",
});
/** A probe for `name` as Avahi sends it (no QU bit) or as the first of ours (QU). */
const probe = (name: string, qu = false): Partial<DnsMessage> => ({
  questions: [q(name, RecordType.ANY, qu)],
  authorities: [theirA(name)],
});
/** Our A record (a defence of box.local) among a message's answers. */
const defends = (m: DnsMessage) =>
  m.answers.some((r) => r.name === "box.local" && r.type === RecordType.A && r.data === A_IPV4);

async function published(): Promise<Harness> {
  const h = await harness();
  await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
  return h;
}

Deno.test("busy LAN: a probe defence leaves at once though a truncated query came 10 ms before", async () => {
  const h = await published();
  await h.send({ flags: TC, questions: [q("_http._tcp.local", RecordType.PTR)] });
  await h.clock.advanceAsync(10);
  const probeAt = h.clock.now();
  await h.send(probe("box.local"));
  await h.clock.advanceAsync(1000);
  const defence = h.sent({ since: probeAt, family: "IPv4" }).find((s) => defends(s.message));
  assert.ok(defence, "defended");
  assert.ok(defence.time - probeAt <= 10, `defended ${defence.time - probeAt} ms after the probe`);
  // The truncated query is still answered after its 400-500 ms.
  const ptrs = h.sent({ since: probeAt - 10, family: "IPv4" }).filter((s) =>
    s.message.answers.some((r) => r.type === RecordType.PTR)
  );
  assert.equal(ptrs.length, 1);
  const wait = ptrs[0].time - (probeAt - 10);
  assert.ok(wait >= 400 && wait <= 501, `PTR after ${wait} ms`);
  await h.close();
});

Deno.test("busy LAN: a unique answer does not wait behind a pending shared answer", async () => {
  const h = await published();
  const ptrAt = h.clock.now();
  await h.send({ questions: [q("_http._tcp.local", RecordType.PTR)] });
  await h.clock.advanceAsync(5);
  const aAt = h.clock.now();
  await h.send({ questions: [q("box.local", RecordType.A)] });
  await h.clock.advanceAsync(1000);
  const sent = h.sent({ since: ptrAt, family: "IPv4" });
  const a = sent.find((s) => s.message.answers.some((r) => r.type === RecordType.A));
  assert.ok(a, "A answered");
  assert.ok(a.time - aAt <= 10, `A answered ${a.time - aAt} ms after its query`);
  const p = sent.find((s) => s.message.answers.some((r) => r.type === RecordType.PTR));
  assert.ok(p, "PTR answered");
  assert.ok(p.time - ptrAt >= 20 && p.time - ptrAt <= 121, `PTR after ${p.time - ptrAt} ms`);
  await h.close();
});

/** Hosts that play browsers (IPv4 only). */
async function startBrowsers(h: Harness, count: number): Promise<MemoryHost[]> {
  const hosts: MemoryHost[] = [];
  for (let i = 0; i < count; i++) {
    const host = h.network.host(`browser${i}`, {
      interfaces: [{ name: "eth0", link: "lan", ipv4: `198.18.0.${20 + i}/24` }],
    });
    await host.start({ onDatagram() {}, onEvent() {} });
    hosts.push(host);
  }
  return hosts;
}

/**
 * A browser's truncated PTR query (with a known answer that is not ours), or
 * the final known-answer packet that follows it (no question, no TC).
 */
function browserPacket(truncated: boolean, questions: boolean): Uint8Array {
  return encodeMessage({
    id: 0,
    flags: truncated ? TC : 0,
    questions: questions ? [q("_http._tcp.local", RecordType.PTR)] : [],
    answers: [ptr(questions ? "Other" : "Another")],
    authorities: [],
    additionals: [],
  });
}

for (const browsers of [2, 5]) {
  Deno.test(`busy LAN: with ${browsers} browsers sending truncated queries, an intruder probing our host name gives way`, async () => {
    const h = await harness();
    const ours = await publishAndSettle(h, { name: "Den", type: "_http._tcp", port: 80 }, 10_000);
    const hosts = await startBrowsers(h, browsers);
    // The intruder (the tester) probes box.local like Avahi: three probes
    // 250 ms apart, no QU bit; hearing our defence it gives way, else it
    // announces box.local and defends it.
    let defendedAt: number | undefined;
    h.onHeard = (m) => {
      if (m.flags & 0x8000 && defends(m)) defendedAt ??= h.clock.now();
      if (!(m.flags & 0x8000) && m.questions.some((x) => x.name === "box.local")) {
        if (defendedAt === undefined) {
          void h.send({ flags: 0x8400, answers: [theirA("box.local", true)] });
        }
      }
    };
    const step = 300 / browsers;
    let probeAt = 0;
    const start = h.clock.now();
    for (let t = 0; t < 6000; t += 5) {
      for (let i = 0; i < browsers; i++) {
        const phase = (t - i * step + 300) % 300;
        if (Math.abs(phase) < 2.5) {
          void hosts[i].send(browserPacket(true, true), { interfaceName: "eth0", family: "IPv4" });
        } else if (Math.abs(phase - 20) < 2.5) {
          void hosts[i].send(browserPacket(false, false), {
            interfaceName: "eth0",
            family: "IPv4",
          });
        }
      }
      if (t >= 1000 && t <= 1500 && (t - 1000) % 250 === 0 && defendedAt === undefined) {
        if (t === 1000) probeAt = h.clock.now();
        await h.send(probe("box.local"));
      }
      if (t === 1750 && defendedAt === undefined) {
        await h.send({ flags: 0x8400, answers: [theirA("box.local", true)] }); // it announces
      }
      await h.clock.advanceAsync(5);
    }
    assert.ok(probeAt > start);
    assert.ok(defendedAt !== undefined, "we defended");
    assert.ok(defendedAt - probeAt <= 10, `defended ${defendedAt - probeAt} ms after the probe`);
    assert.equal(ours.host, "box.local", "we keep our host name");
    const ptrAnswers = h.sent({ since: start, family: "IPv4" }).filter((s) =>
      s.message.answers.some((r) => r.type === RecordType.PTR)
    );
    assert.ok(ptrAnswers.length >= 3, `the browsers were answered (${ptrAnswers.length} times)`);
    await h.close();
  });
}

Deno.test("busy LAN: a question beside a probe for another name gets the ordinary delay and the 1 s limit", async () => {
  const h = await published();
  const since = h.clock.now();
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    const at = h.clock.now();
    // As mDNSResponder sends them: its probe and its browse question in one packet.
    await h.send({
      questions: [q("_http._tcp.local", RecordType.PTR), q("other.local", RecordType.ANY, true)],
      authorities: [theirA("other.local")],
    });
    await h.clock.advanceAsync(300);
    for (const s of h.sent({ since: at, family: "IPv4" })) delays.push(s.time - at);
  }
  await h.clock.advanceAsync(200);
  const ptrs = h.sent({ since, family: "IPv4" }).filter((s) =>
    s.message.answers.some((r) => r.type === RecordType.PTR)
  );
  assert.ok(ptrs.length <= 2, `${ptrs.length} PTR answers in 2 s`);
  assert.ok(delays.every((d) => d >= 20 && d <= 121), `delays ${delays}`);
  await h.close();
});

Deno.test("busy LAN: a probe for our name with a browse question: defence at once, PTR after 20-120 ms", async () => {
  const h = await published();
  const at = h.clock.now();
  await h.send({
    questions: [q("_http._tcp.local", RecordType.PTR), q("box.local", RecordType.ANY)],
    authorities: [theirA("box.local")],
  });
  await h.clock.advanceAsync(1000);
  const sent = h.sent({ since: at, family: "IPv4" });
  const defence = sent.find((s) => defends(s.message));
  assert.ok(defence && defence.time - at <= 10, "defended at once");
  assert.ok(!defence.message.answers.some((r) => r.type === RecordType.PTR), "PTR not in it");
  const p = sent.find((s) => s.message.answers.some((r) => r.type === RecordType.PTR));
  assert.ok(p && p.time - at >= 20 && p.time - at <= 121, `PTR after ${p && p.time - at} ms`);
  await h.close();
});

Deno.test("busy LAN: a QU probe for our name gets the unicast reply besides the multicast defence", async () => {
  const h = await published();
  const at = h.clock.now();
  await h.send(probe("box.local", true));
  await h.clock.advanceAsync(1000);
  const sent = h.sent({ since: at, family: "IPv4" }).filter((s) => defends(s.message));
  const unicast = sent.find((s) => s.to === TESTER_IPV4);
  const multicast = sent.find((s) => s.to === "multicast");
  assert.ok(unicast && unicast.port === 5353 && unicast.time - at <= 10, "unicast reply at once");
  assert.ok(multicast && multicast.time - at <= 10, "multicast defence at once");
  await h.close();
});

Deno.test("busy LAN: a defence due within 250 ms of the record's last multicast is delayed, not dropped", async () => {
  const h = await published();
  const at = h.clock.now();
  await h.send({ questions: [q("box.local", RecordType.A)] });
  await h.clock.advanceAsync(100);
  await h.send(probe("box.local"));
  await h.clock.advanceAsync(1000);
  const sent = h.sent({ since: at, family: "IPv4" }).filter((s) =>
    s.to === "multicast" && defends(s.message)
  );
  assert.equal(sent.length, 2, `${sent.length} multicasts of our A`);
  const gap = sent[1].time - sent[0].time;
  assert.ok(gap >= 250 && gap <= 260, `defence ${gap} ms after the answer`);
  await h.close();
});

Deno.test("busy LAN: only truncated known-answer packets extend a truncated query's wait", async () => {
  const h = await harness();
  const both = ["One", "Two", "Three"].map((name) =>
    h.mdns.publish({ name, type: "_http._tcp", port: 80 })
  );
  await h.clock.advanceAsync(10_000);
  await Promise.all(both);
  const since = h.clock.now();
  await h.send({ flags: TC, questions: [q("_http._tcp.local", RecordType.PTR)] });
  await h.clock.advanceAsync(200);
  // A final known-answer packet (no TC): it removes "One" but adds no wait.
  await h.send({ answers: [ptr("One")] });
  await h.clock.advanceAsync(1500);
  const replies = h.sent({ since, family: "IPv4" });
  assert.equal(replies.length, 1);
  const delay = replies[0].time - since;
  assert.ok(delay >= 400 && delay <= 501, `answered ${delay} ms after the query`);
  assert.deepEqual(
    replies[0].message.answers.map((r) => r.data).sort(),
    ["Three._http._tcp.local", "Two._http._tcp.local"],
  );
  await h.close();
});
