import assert from "node:assert/strict";
import { SockoptHatch } from "../../transport/_ffi_sockopt.ts";
import { UdpTransport } from "../../transport/udp_transport.ts";

// No sockets here, not even the hatch's ioctl socket (linkUp): those run in
// namespaces (tests/netns/transport_ffi_test.ts, transport_faults_test.ts).

Deno.test("FFI hatch: off means no library, whatever the permissions", () => {
  const { hatch, state } = SockoptHatch.open("off");
  assert.equal(hatch, undefined);
  assert.equal(state, "off");
});

Deno.test({
  name: "FFI hatch: auto with the permission on Linux loads libc; closed, it does nothing",
  ignore: Deno.build.os !== "linux" ||
    Deno.permissions.querySync({ name: "ffi" }).state !== "granted",
  fn() {
    const { hatch, state } = SockoptHatch.open("auto");
    assert.equal(state, "active");
    assert.ok(hatch !== undefined);
    assert.equal(hatch.ifIndex("lo"), 1, "Linux numbers lo 1");
    assert.equal(hatch.ifIndex("no-such-if0"), 0);
    assert.equal(hatch.setIPv6Hops(-1), false, "an unknown descriptor is refused");
    hatch.close();
    hatch.close(); // idempotent
    assert.equal(hatch.ifIndex("lo"), 0, "no call reaches an unloaded library");
    assert.equal(hatch.setIPv4Ttl(0), false);
    assert.equal(hatch.linkUp("lo"), undefined, "flags unknown once closed");
    assert.throws(() => hatch.joinIPv4(0, "224.0.0.251", 1), /hatch is closed/);
  },
});

Deno.test("UdpTransport: the ffi option is validated and reported in stats", () => {
  assert.throws(
    () => new UdpTransport({ ffi: "on" as "auto" }),
    new TypeError("Invalid ffi option: on"),
  );
  assert.equal(new UdpTransport({ ffi: "off" }).stats.ffi, "off");
  assert.equal(new UdpTransport().stats.ffi, "unavailable", "not started yet");
  assert.equal(new UdpTransport().stats.ffiMisses, 0);
});
