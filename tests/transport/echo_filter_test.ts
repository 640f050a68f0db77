import assert from "node:assert/strict";
import { VirtualClock } from "../../testing/mod.ts";
import { ECHO_TTL_MS, EchoFilter, fnv1a } from "../../transport/_echo_filter.ts";

const packet = (...b: number[]) => new Uint8Array(b);

Deno.test("echo filter: one send allows exactly one echo", () => {
  const f = new EchoFilter({ clock: new VirtualClock() });
  f.remember("eth0/IPv4", packet(1, 2, 3));
  assert.equal(f.size, 1);
  assert.ok(f.consume("eth0/IPv4", packet(1, 2, 3)));
  assert.ok(!f.consume("eth0/IPv4", packet(1, 2, 3)), "a same-host twin gets through");
  assert.equal(f.size, 0);
});

Deno.test("echo filter: two identical sends absorb two echoes", () => {
  const f = new EchoFilter({ clock: new VirtualClock() });
  f.remember("eth0/IPv4", packet(9));
  f.remember("eth0/IPv4", packet(9));
  assert.ok(f.consume("eth0/IPv4", packet(9)));
  assert.ok(f.consume("eth0/IPv4", packet(9)));
  assert.ok(!f.consume("eth0/IPv4", packet(9)));
});

Deno.test("echo filter: scope and content must both match", () => {
  const f = new EchoFilter({ clock: new VirtualClock() });
  f.remember("eth0/IPv4", packet(1, 2));
  assert.ok(!f.consume("eth1/IPv4", packet(1, 2)), "other interface");
  assert.ok(!f.consume("eth0/IPv6", packet(1, 2)), "other family");
  assert.ok(!f.consume("eth0/IPv4", packet(1, 3)), "other bytes");
  assert.ok(!f.consume("eth0/IPv4", packet(1, 2, 0)), "other length");
  assert.ok(f.consume("eth0/IPv4", packet(1, 2)));
});

Deno.test("echo filter: entries expire after the TTL", () => {
  const clock = new VirtualClock();
  const f = new EchoFilter({ clock });
  f.remember("eth0/IPv4", packet(7));
  clock.advance(ECHO_TTL_MS - 1);
  f.remember("eth0/IPv4", packet(8));
  assert.equal(f.size, 2);
  clock.advance(1);
  assert.equal(f.size, 1);
  assert.ok(!f.consume("eth0/IPv4", packet(7)), "expired: a late arrival is someone else's");
  assert.ok(f.consume("eth0/IPv4", packet(8)));
});

Deno.test("echo filter: size stays bounded under a flood of sends", () => {
  const clock = new VirtualClock();
  const f = new EchoFilter({ clock, maxEntries: 16 });
  for (let i = 0; i < 10_000; i++) f.remember("eth0/IPv4", packet(i & 0xff, i >> 8));
  assert.ok(f.size <= 16);
  // The most recent sends are the ones still remembered.
  assert.ok(f.consume("eth0/IPv4", packet(9999 & 0xff, 9999 >> 8)));
  assert.ok(!f.consume("eth0/IPv4", packet(0, 0)));
});

Deno.test("echo filter: consumed entries are reclaimed as time passes", () => {
  const clock = new VirtualClock();
  const f = new EchoFilter({ clock, maxEntries: 8 });
  for (let i = 0; i < 1000; i++) {
    f.remember("lo/IPv4", packet(i & 0xff));
    assert.ok(f.consume("lo/IPv4", packet(i & 0xff)));
    clock.advance(10);
  }
  assert.equal(f.size, 0);
  f.clear();
  assert.equal(f.size, 0);
});

Deno.test("echo filter: rejects nonsense options", () => {
  assert.throws(() => new EchoFilter({ ttlMs: 0 }), TypeError);
  assert.throws(() => new EchoFilter({ maxEntries: 0 }), TypeError);
});

Deno.test("fnv1a differs by scope and content", () => {
  const d = packet(1, 2, 3);
  assert.equal(fnv1a("a", d), fnv1a("a", packet(1, 2, 3)));
  assert.notEqual(fnv1a("a", d), fnv1a("b", d));
  assert.notEqual(fnv1a("a", d), fnv1a("a", packet(1, 2, 4)));
  assert.equal(fnv1a("", new Uint8Array(0)), 0x811c9dc5);
});
