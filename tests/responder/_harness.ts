/**
 * A stack with the responder on the in-memory network, a tester host beside
 * it, and helpers to read what the stack sent (decoded, with times).
 */
import { decodeMessage, type DnsMessage, encodeMessage } from "../../codec/mod.ts";
import { Mdns } from "../../mdns.ts";
import type { MdnsEvent } from "../../mdns_options.ts";
import type { PublishedService } from "../../responder/publish_options.ts";
import {
  type MemoryHost,
  type MemoryInterfaceOptions,
  MemoryNetwork,
  type PacketFilter,
  seededRandom,
  VirtualClock,
} from "../../testing/mod.ts";

export interface Sent {
  time: number;
  to: string;
  port: number;
  family: string;
  interfaceName: string;
  message: DnsMessage;
}

export const A_IPV4 = "198.18.0.2";
export const TESTER_IPV4 = "198.18.0.9";

export interface HarnessOptions {
  seed?: number;
  interfaces?: MemoryInterfaceOptions[];
  testerInterfaces?: MemoryInterfaceOptions[];
  testerPort?: number;
  hostName?: string;
  /** Hears the stack's events. */
  onEvent?: (event: MdnsEvent) => void;
}

export interface Harness {
  clock: VirtualClock;
  network: MemoryNetwork;
  mdns: Mdns;
  tester: MemoryHost;
  heard: { time: number; unicast: boolean; message: DnsMessage }[];
  /** Called for each message the tester hears (to play a peer that answers). */
  onHeard: ((message: DnsMessage) => void) | undefined;
  sent(filter?: PacketFilter): Sent[];
  send(
    message: Partial<DnsMessage>,
    to?: { address?: string; family?: "IPv4" | "IPv6"; interfaceName?: string },
  ): Promise<boolean>;
  close(): Promise<void>;
}

export async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: seededRandom(1) });
  const host = network.host("a", {
    interfaces: options.interfaces ?? [{
      name: "eth0",
      link: "lan",
      ipv4: `${A_IPV4}/24`,
      ipv6: ["fe80::2/64"],
    }],
  });
  const mdns = await Mdns.start({
    transport: host,
    clock,
    random: seededRandom(options.seed ?? 7),
    hostName: options.hostName ?? "box.local",
    onEvent: options.onEvent,
  });
  const tester = network.host("t", {
    port: options.testerPort,
    interfaces: options.testerInterfaces ?? [{
      name: "eth0",
      link: "lan",
      ipv4: `${TESTER_IPV4}/24`,
      ipv6: ["fe80::9/64"],
    }],
  });
  const heard: { time: number; unicast: boolean; message: DnsMessage }[] = [];
  const h = { onHeard: undefined } as Harness;
  await tester.start({
    onDatagram: (d) => {
      const message = decodeMessage(d.data);
      heard.push({ time: clock.now(), unicast: d.unicast, message });
      h.onHeard?.(message);
    },
    onEvent() {},
  });

  /** What host "a" sent, decoded. */
  const sent = (filter: PacketFilter = {}): Sent[] =>
    network.packets({ from: "a", ...filter }).map((e) => ({
      time: e.time,
      to: e.to,
      port: e.port,
      family: e.family,
      interfaceName: e.interfaceName,
      message: decodeMessage(e.data),
    }));

  /** The tester sends a message (multicast by default). */
  const send = (
    message: Partial<DnsMessage>,
    to: { address?: string; family?: "IPv4" | "IPv6"; interfaceName?: string } = {},
  ) =>
    tester.send(
      encodeMessage({
        id: 0,
        flags: 0,
        questions: [],
        answers: [],
        authorities: [],
        additionals: [],
        ...message,
      }),
      {
        interfaceName: to.interfaceName ?? "eth0",
        family: to.family ?? "IPv4",
        address: to.address,
      },
    );

  const close = async () => {
    await mdns.close();
    await network.close();
  };
  return Object.assign(h, { clock, network, mdns, tester, heard, sent, send, close });
}

/** Publishes and lets the clock run until the publish promise settles (probing done). */
export async function publishAndSettle(
  h: Harness,
  options: Parameters<Mdns["publish"]>[0],
  ms = 1000,
): Promise<PublishedService> {
  const p = h.mdns.publish(options);
  await h.clock.advanceAsync(ms);
  return await p;
}

export const isProbe = (s: Sent): boolean =>
  !(s.message.flags & 0x8000) && s.message.authorities.length > 0;
export const isResponse = (s: Sent): boolean => (s.message.flags & 0x8000) !== 0;
