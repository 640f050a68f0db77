// Record builders shared by the cache tests.
import type {
  AaaaRecord,
  ARecord,
  NsecRecord,
  PtrRecord,
  SrvRecord,
  TxtRecord,
} from "../../codec/mod.ts";

export const a = (name: string, data: string, ttl = 120, cacheFlush = true): ARecord => ({
  name,
  type: 1,
  class: 1,
  cacheFlush,
  ttl,
  data,
});

export const aaaa = (name: string, data: string, ttl = 120): AaaaRecord => ({
  name,
  type: 28,
  class: 1,
  cacheFlush: true,
  ttl,
  data,
});

export const ptr = (name: string, data: string, ttl = 4500): PtrRecord => ({
  name,
  type: 12,
  class: 1,
  cacheFlush: false,
  ttl,
  data,
});

export const srv = (name: string, target: string, port = 80, ttl = 120): SrvRecord => ({
  name,
  type: 33,
  class: 1,
  cacheFlush: true,
  ttl,
  data: { priority: 0, weight: 0, port, target },
});

export const txt = (name: string, strings: string[], ttl = 4500): TxtRecord => ({
  name,
  type: 16,
  class: 1,
  cacheFlush: true,
  ttl,
  data: strings.map((s) => new TextEncoder().encode(s)),
});

export const nsec = (name: string, types: number[], ttl = 120): NsecRecord => ({
  name,
  type: 47,
  class: 1,
  cacheFlush: true,
  ttl,
  data: { nextName: name, types },
});

export const at = (
  now: number,
  interfaceName = "eth0",
): { interfaceName: string; now: number } => ({
  interfaceName,
  now,
});

/**
 * `count` whole services of `type` (`Real j.<type>` on host `real-j.local`:
 * PTR, SRV, TXT and A), as the responses that carry them, 20 services each.
 */
export function wholeServices(
  type: string,
  count: number,
): (PtrRecord | SrvRecord | TxtRecord | ARecord)[][] {
  const responses = [];
  for (let i = 0; i < count; i += 20) {
    const records = [];
    for (let j = i; j < Math.min(count, i + 20); j++) {
      const name = `Real ${j}.${type}`;
      records.push(ptr(type, name), srv(name, `real-${j}.local`), txt(name, []));
      records.push(a(`real-${j}.local`, `198.18.${j >> 8}.${j & 255}`));
    }
    responses.push(records);
  }
  return responses;
}
