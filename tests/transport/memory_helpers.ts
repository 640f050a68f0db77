/**
 * Shared set-up for the in-memory network tests: a network on a virtual clock,
 * and started hosts that record what they receive and what they are told.
 */

import {
  type Datagram,
  type MemoryHost,
  type MemoryInterfaceOptions,
  MemoryNetwork,
  type Random,
  type TransportEvent,
  VirtualClock,
} from "../../testing/mod.ts";

/** A started host that records what it receives and what it is told. */
export interface Probe {
  host: MemoryHost;
  received: Datagram[];
  events: TransportEvent[];
}

/** Adds a host to `network`, starts it, and records its arrivals and events. */
export async function probe(
  network: MemoryNetwork,
  name: string,
  interfaces: MemoryInterfaceOptions[],
  port?: number,
): Promise<Probe> {
  const host = network.host(name, { interfaces, port });
  const received: Datagram[] = [];
  const events: TransportEvent[] = [];
  await host.start({ onDatagram: (d) => received.push(d), onEvent: (e) => events.push(e) });
  return { host, received, events };
}

/** A fresh network on a fresh virtual clock. */
export function setup(options: { random?: Random } = {}): {
  clock: VirtualClock;
  network: MemoryNetwork;
} {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, ...options });
  return { clock, network };
}

/** Multicast on eth0 over IPv4 / IPv6. */
export const IPV4 = { interfaceName: "eth0", family: "IPv4" } as const;
export const IPV6 = { interfaceName: "eth0", family: "IPv6" } as const;

/** A payload from byte values. */
export const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
