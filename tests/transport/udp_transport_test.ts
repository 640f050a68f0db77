/**
 * UdpTransport without sockets: argument checks, lifecycle, and the start()
 * errors that happen before anything is opened. Real-socket behaviour is
 * tested in tests/netns/ (inside network namespaces only).
 */
import assert from "node:assert/strict";
import { VirtualClock } from "../../testing/mod.ts";
import { TransportError } from "../../transport/transport_error.ts";
import { UdpTransport } from "../../transport/udp_transport.ts";

const handler = { onDatagram() {}, onEvent() {} };
const LO_ONLY = (): Deno.NetworkInterfaceInfo[] => [{
  family: "IPv4",
  name: "lo",
  address: "127.0.0.1",
  netmask: "255.0.0.0",
  scopeid: null,
  cidr: "127.0.0.1/8",
  mac: "00:00:00:00:00:00",
}];

Deno.test("UdpTransport rejects bad options with TypeError", () => {
  assert.throws(() => new UdpTransport({ pollIntervalMs: 0 }), TypeError);
  assert.throws(() => new UdpTransport({ pollIntervalMs: Number.NaN }), TypeError);
  assert.throws(() => new UdpTransport({ ipv4: false, ipv6: false }), TypeError);
});

Deno.test("UdpTransport: send before start resolves false; close is idempotent", async () => {
  const t = new UdpTransport({ clock: new VirtualClock() });
  assert.equal(await t.send(new Uint8Array(12), { interfaceName: "eth0", family: "IPv4" }), false);
  assert.deepEqual(t.links, []);
  await t.close();
  await t.close();
  await assert.rejects(() => t.start(handler), TypeError);
});

Deno.test("UdpTransport.start: no interface selected is a TransportError, and nothing stays open", async () => {
  const clock = new VirtualClock();
  // Loopback only, loopback not enabled: nothing is selected, so no socket is opened.
  const t = new UdpTransport({ clock, networkInterfaces: LO_ONLY });
  await assert.rejects(() => t.start(handler), (e: unknown) => {
    assert.ok(e instanceof TransportError);
    assert.equal(e.code, "no-interface");
    assert.match(e.message, /available: lo/);
    return true;
  });
  assert.equal(clock.pending, 0, "no poll timer left behind");
  const empty = new UdpTransport({ clock, networkInterfaces: () => [] });
  await assert.rejects(() => empty.start(handler), /available: none/);
});

Deno.test("UdpTransport.start: a failing interface lister that is not about permissions propagates", async () => {
  const t = new UdpTransport({
    clock: new VirtualClock(),
    networkInterfaces: () => {
      throw new RangeError("boom");
    },
  });
  await assert.rejects(() => t.start(handler), RangeError);
});

Deno.test("UdpTransport.start: a permission error from the lister names the flag", async () => {
  const t = new UdpTransport({
    clock: new VirtualClock(),
    networkInterfaces: () => {
      throw new Deno.errors.NotCapable('Requires sys access to "networkInterfaces"');
    },
  });
  await assert.rejects(() => t.start(handler), (e: unknown) => {
    assert.ok(e instanceof TransportError);
    assert.equal(e.code, "permission-denied");
    assert.match(e.message, /--allow-sys=networkInterfaces/);
    return true;
  });
});
