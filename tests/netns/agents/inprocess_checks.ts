/**
 * UdpTransport tested in-process with Deno's sanitizers, on real sockets. NOT
 * a `_test.ts` file on purpose: it must only ever run inside a test namespace,
 * started by tests/netns/transport_inprocess_test.ts as
 *
 *   ip netns exec NS deno test --allow-all --unstable-net inprocess_checks.ts
 *
 * The namespace has eth0 at 198.18.1.1/24 (and nothing else but lo).
 */

import assert from "node:assert/strict";
import { VirtualClock } from "../../../testing/mod.ts";
import type { Datagram, TransportEvent } from "../../../transport/transport.ts";
import { NOTICED_POLL_INTERVAL_MS, UdpTransport } from "../../../transport/udp_transport.ts";
import { SockoptHatch } from "../../../transport/_ffi_sockopt.ts";
import { buildQuery, hasLabel, TYPE } from "../packets.ts";

if (!Deno.env.get("MDT_INSIDE_NETNS")) {
  throw new Error("inprocess_checks.ts must run inside a test namespace (see its header)");
}

function collector() {
  const datagrams: { d: Datagram; copy: Uint8Array }[] = [];
  const events: TransportEvent[] = [];
  return {
    datagrams,
    events,
    handler: {
      onDatagram: (d: Datagram) => datagrams.push({ d, copy: d.data.slice() }),
      onEvent: (e: TransportEvent) => events.push(e),
    },
  };
}

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function ip(...args: string[]): Promise<void> {
  const out = await new Deno.Command("ip", { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

Deno.test("two transports in one process talk and close without leaks", async () => {
  const a = collector();
  const b = collector();
  await using ta = new UdpTransport({ interfaces: { include: ["eth0"] } });
  await using tb = new UdpTransport({ interfaces: { include: ["eth0"] } });
  await ta.start(a.handler);
  await tb.start(b.handler);
  for (const family of ["IPv4", "IPv6"] as const) {
    const tag = `ip${family.slice(-1)}`;
    await until(() => {
      void ta.send(buildQuery(`${tag}.local`, TYPE.A), { interfaceName: "eth0", family });
      return b.datagrams.some((x) => hasLabel(x.copy, tag));
    }, tag);
    const got = b.datagrams.find((x) => hasLabel(x.copy, tag))!.d;
    assert.equal(got.family, family);
    assert.equal(got.interfaceName, "eth0");
  }
  assert.equal(a.datagrams.length, 0, "a drops its own echoes");
  await ta.close();
  await ta.close(); // idempotent
  assert.deepEqual(ta.links, []);
  assert.equal(await ta.send(new Uint8Array(12), { interfaceName: "eth0", family: "IPv4" }), false);
});

Deno.test("without the hatch, the watcher runs on the injected clock and stops with close()", async () => {
  const clock = new VirtualClock();
  const c = collector();
  const t = new UdpTransport({
    clock,
    pollIntervalMs: 5000,
    interfaces: { include: ["eth0"] },
    ffi: "off",
  });
  await t.start(c.handler);
  assert.equal(clock.pending, 1, "one poll timer");
  await ip("addr", "add", "198.18.1.77/24", "dev", "eth0");
  try {
    clock.advance(4999);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(t.links[0].ipv4.length, 1, "no poll before the interval");
    clock.advance(1);
    await until(() => t.links[0]?.ipv4.length === 2, "second address picked up");
    const changed = c.events.filter((e) => e.type === "link-changed");
    assert.equal(changed.length, 1);
    const last = changed[0].type === "link-changed" ? changed[0] : undefined;
    assert.deepEqual(last?.link.ipv4, ["198.18.1.1/24", "198.18.1.77/24"]);
    assert.deepEqual(last?.previous.ipv4, ["198.18.1.1/24"]);
  } finally {
    await ip("addr", "del", "198.18.1.77/24", "dev", "eth0");
  }
  await until(() => clock.pending === 1, "next poll armed");
  await t.close();
  assert.equal(clock.pending, 0, "close cancels the poll timer");
});

Deno.test("a failed send reports send-error and triggers an immediate poll", async () => {
  const clock = new VirtualClock(10_000);
  const c = collector();
  // Without the hatch: its kernel notices would see the address go before the send fails.
  const t = new UdpTransport({
    clock,
    pollIntervalMs: 60_000,
    interfaces: { include: ["eth0"] },
    ffi: "off",
  });
  await t.start(c.handler);
  await ip("addr", "del", "198.18.1.1/24", "dev", "eth0");
  try {
    // The socket bound to the vanished address now fails with NetworkUnreachable.
    const ok = await t.send(buildQuery("gone.local", TYPE.A), {
      interfaceName: "eth0",
      family: "IPv4",
    });
    assert.equal(ok, false);
    const error = c.events.find((e) => e.type === "send-error");
    assert.ok(error, "send-error emitted");
    clock.advance(0); // the immediate poll, not the 60 s one
    await until(() => t.links[0]?.ipv4.length === 0, "IPv4 dropped from the link");
    assert.ok(t.links[0].ipv6.length > 0, "IPv6 unaffected");
    // A second failure within a second does not poll again.
    await t.send(new Uint8Array(12), { interfaceName: "eth0", family: "IPv4" });
    assert.equal(clock.pending, 1);
  } finally {
    await ip("addr", "add", "198.18.1.1/24", "dev", "eth0");
  }
  await t.close();
});

Deno.test("with the hatch, a kernel notice starts the look at once; the timer is only a safety net", async () => {
  const clock = new VirtualClock();
  const c = collector();
  const t = new UdpTransport({ clock, pollIntervalMs: 5000, interfaces: { include: ["eth0"] } });
  await t.start(c.handler);
  assert.equal(t.stats.ffi, "active");
  assert.equal(clock.pending, 1, "one timer");
  assert.equal(t.stats.rebuilds, 1, "the sockets were built once, at start");
  await ip("addr", "add", "198.18.1.78/24", "dev", "eth0");
  try {
    // The virtual clock never moves: only the kernel's notice can bring the change in.
    await until(() => t.links[0]?.ipv4.length === 2, "second address picked up");
    const changed = c.events.filter((e) => e.type === "link-changed");
    assert.equal(changed.length, 1);
    // The one timer left is the safety net, not the 5 s poll interval.
    assert.equal(clock.pending, 1);
    clock.runNext();
    assert.equal(
      clock.now(),
      NOTICED_POLL_INTERVAL_MS,
      `next poll: ${
        JSON.stringify(c.events.map((e) => [e.type, "error" in e ? e.error.message : ""]))
      }`,
    );
  } finally {
    await ip("addr", "del", "198.18.1.78/24", "dev", "eth0");
  }
  await until(() => t.links[0]?.ipv4.length === 1, "address removal noticed");
  await t.close();
  assert.equal(clock.pending, 0, "close cancels the poll timer");
});

Deno.test("a quiet host is polled without rebuilding its sockets", async () => {
  const clock = new VirtualClock();
  const t = new UdpTransport({
    clock,
    pollIntervalMs: 1000,
    interfaces: { include: ["eth0"] },
    ffi: "off",
  });
  await t.start(collector().handler);
  for (let i = 0; i < 5; i++) {
    clock.advance(1000);
    await until(() => t.stats.polls === i + 1 && clock.pending === 1, `poll ${i + 1}`);
  }
  assert.equal(t.stats.rebuilds, 1, "only the rebuild at start");
  await t.close();
});

Deno.test("a throwing handler is reported, and delivery goes on", async () => {
  const events: TransportEvent[] = [];
  let calls = 0;
  await using ta = new UdpTransport({ interfaces: { include: ["eth0"] }, ipv6: false });
  await using tb = new UdpTransport({ interfaces: { include: ["eth0"] }, ipv6: false });
  await ta.start({ onDatagram() {}, onEvent() {} });
  await tb.start({
    onDatagram() {
      calls++;
      throw new Error("handler bug");
    },
    onEvent: (e) => events.push(e),
  });
  await until(() => {
    void ta.send(new Uint8Array(12), { interfaceName: "eth0", family: "IPv4" });
    return calls >= 2;
  }, "two deliveries");
  const reported = events.find((e) => e.type === "receive-error");
  assert.ok(
    reported && reported.type === "receive-error" && /handler bug/.test(reported.error.message),
  );
});

// transport/_reactor_mute.ts on Deno's own reactor: the registration is found,
// leaves the runtime's epoll when muted, comes back as it was, and a datagram
// that arrived meanwhile wakes receive() (none waits for the next arrival).
Deno.test("a muted socket is out of Deno's epoll; unmuted, what came meanwhile is received", async () => {
  const { hatch } = SockoptHatch.open("auto");
  assert.ok(hatch !== undefined);
  const options = { transport: "udp", hostname: "198.18.1.1", port: 5399 } as const;
  const { value: conn, fd } = hatch.adopt(() => Deno.listenDatagram(options), "198.18.1.1", 5399);
  const registrations = () =>
    [...Deno.readDirSync("/proc/self/fd")].filter((e) => epoll(e.name)).flatMap((e) =>
      Deno.readTextFileSync(`/proc/self/fdinfo/${e.name}`).split("\n")
        .filter((l) => Number(/^tfd:\s*(\d+)/.exec(l)?.[1]) === fd)
        .map((l) => l.replace(/\s+pos:.*/, ""))
    );
  const before = registrations();
  function epoll(fd: string): boolean {
    try {
      return Deno.readLinkSync(`/proc/self/fd/${fd}`) === "anon_inode:[eventpoll]";
    } catch {
      return false; // the directory's own descriptor, gone by now
    }
  }
  assert.ok(before.length > 0, "Deno registered the socket");
  const mute = hatch.muteSwitch(fd);
  assert.ok(mute !== undefined, "registration found");
  assert.equal(mute.mute(), true);
  assert.deepEqual(registrations(), [], "out of every epoll");
  const sender = Deno.listenDatagram({ ...options, port: 0 });
  await sender.send(new Uint8Array([7]), options);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(mute.unmute(), true);
  assert.deepEqual(registrations(), before, "back as the runtime registered it");
  const buffer = new Uint8Array(16);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const [data] = await Promise.race([
    conn.receive(buffer),
    new Promise<never>((_, reject) =>
      timer = setTimeout(() => reject(new Error("receive() was not woken")), 2000)
    ),
  ]);
  clearTimeout(timer);
  assert.deepEqual([...data], [7]);
  // Closed while muted: the runtime's own removal fails, and it must not care.
  assert.equal(mute.mute(), true);
  conn.close();
  sender.close();
  hatch.close();
  assert.equal(mute.unmute(), false, "no call reaches a closed hatch");
});
