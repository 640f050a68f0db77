/**
 * Test helpers for mDNS stacks: an in-memory network whose hosts implement the
 * stack's `Transport`, a virtual clock that delivery (and the stack's timers)
 * run on, and a seeded random source. Nothing here opens a socket or waits in
 * real time, so a test of probing, announcing, browsing or packet loss runs in
 * microseconds and gives the same result every time.
 *
 * Hosts never hear their own multicast (as with real sockets whose stack drops
 * its own echoes); a datagram is delivered `latencyMs` (default 1 ms) of
 * virtual time after it is sent, so advance the clock to see it arrive.
 *
 * @example Two hosts on a lossy LAN
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryNetwork, seededRandom, VirtualClock } from "./mod.ts";
 *
 * const clock = new VirtualClock();
 * const network = new MemoryNetwork({ clock, random: seededRandom(42) });
 * network.link("lan", { loss: 0.25, delayMs: [1, 5] });
 * const a = network.host("a", {
 *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24", ipv6: ["fe80::2/64"] }],
 * });
 * const b = network.host("b", {
 *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.3/24", ipv6: ["fe80::3/64"] }],
 * });
 *
 * let received = 0;
 * await a.start({ onDatagram() {}, onEvent() {} });
 * await b.start({ onDatagram: () => received++, onEvent() {} });
 * for (let i = 0; i < 100; i++) {
 *   await a.send(new Uint8Array(12), { interfaceName: "eth0", family: "IPv6" });
 * }
 * clock.advance(5);
 *
 * const lost = network.packets({ from: "a", dropped: true }).length;
 * assert.equal(received + lost, 100);
 * await network.close();
 * ```
 *
 * @module
 */

export type { Clock, Random, Timer } from "../clock.ts";
export { VirtualClock } from "./virtual_clock.ts";
export { seededRandom } from "./seeded_random.ts";
export {
  MemoryNetwork,
  type MemoryNetworkOptions,
  type PacketFilter,
  type PacketLogEntry,
} from "../transport/memory_network.ts";
export { MemoryHost, type MemoryHostInit, type MemoryPacket } from "../transport/memory_host.ts";
export type {
  InjectedDatagram,
  MemoryHostOptions,
  MemoryInterface,
  MemoryInterfaceOptions,
} from "../transport/memory_host_types.ts";
export { MemoryLink, type MemoryLinkOptions } from "../transport/memory_link.ts";
export type {
  AddressFamily,
  Datagram,
  Destination,
  NetworkLink,
  Transport,
  TransportEvent,
  TransportHandler,
} from "../transport/transport.ts";
