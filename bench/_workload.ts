// The "typical" peer-cache workload of the benchmarks: per service a PTR, SRV,
// TXT, A and AAAA, as one announcement packet each, so inserts go through the
// reader path the stack uses.
import { encodeMessage, MessageReader, type ResourceRecord } from "../codec/mod.ts";

const te = new TextEncoder();

/** The five records a service announces. */
export function serviceAnnouncement(i: number, ttlScale = 1): ResourceRecord[] {
  const instance = `Service ${i}._http._tcp.local`;
  const host = `host-${i}.local`;
  return [
    {
      name: "_http._tcp.local",
      type: 12,
      class: 1,
      cacheFlush: false,
      ttl: 4500 * ttlScale,
      data: instance,
    },
    {
      name: instance,
      type: 33,
      class: 1,
      cacheFlush: true,
      ttl: 120 * ttlScale,
      data: { priority: 0, weight: 0, port: 8000 + (i % 1000), target: host },
    },
    {
      name: instance,
      type: 16,
      class: 1,
      cacheFlush: true,
      ttl: 4500 * ttlScale,
      data: [te.encode("txtvers=1"), te.encode("path=/"), te.encode(`id=${i}`)],
    },
    {
      name: host,
      type: 1,
      class: 1,
      cacheFlush: true,
      ttl: 120 * ttlScale,
      data: `198.18.${(i >> 8) & 0xff}.${i & 0xff}`,
    },
    {
      name: host,
      type: 28,
      class: 1,
      cacheFlush: true,
      ttl: 120 * ttlScale,
      data: `fd00::${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}`,
    },
  ];
}

/** The response packet announcing service `i`. */
export function announcementPacket(i: number, ttlScale = 1): Uint8Array {
  return encodeMessage({
    id: 0,
    flags: 0x8400,
    questions: [],
    answers: serviceAnnouncement(i, ttlScale),
    authorities: [],
    additionals: [],
  });
}

/** One response packet per service. */
export function announcementPackets(services: number, ttlScale = 1): Uint8Array[] {
  return Array.from({ length: services }, (_, i) => announcementPacket(i, ttlScale));
}

/** Walks a packet's records, positioning a reader on each. */
export function* recordsOf(packet: Uint8Array): Generator<MessageReader> {
  const reader = new MessageReader(packet);
  while (reader.nextRecord()) yield reader;
}
