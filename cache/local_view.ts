/**
 * What a stack publishes, as its own browse and lookups see it (issue 14: a
 * stack sees what it publishes, as Avahi and mDNSResponder do and as seed
 * 004's one-shot query searches the local service cache first): a service
 * and its host's addresses assembled from the local cache's registered
 * records (past probing, RFC 6762 §8), marked `local: true`, no packet
 * needed. The querier reads it through the read side of the local cache it
 * is handed; public by name (the querier is another folder) but not
 * exported from `mod.ts`.
 *
 * @module
 */

import { RecordType, type SrvData } from "../codec/mod.ts";
import { parseServiceInstanceName } from "../dnssd/service_name.ts";
import type { LocalCacheReader } from "./local_cache.ts";
import { AssembledService } from "./_assembled_service.ts";
import { type ServiceAddress, serviceAddress, type ServiceInfo } from "./service_info.ts";

/**
 * Where our own records are shown: the stack's links, and the subset a
 * caller asked for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LocalScope } from "./local_view.ts";
 * const scope: LocalScope = { links: ["eth0", "eth1"], interfaces: ["eth1"] };
 * assert.equal(scope.links.length, 2);
 * ```
 */
export interface LocalScope {
  /** The stack's links now (names). */
  readonly links: readonly string[];
  /** Only these links (every link when omitted). */
  readonly interfaces?: readonly string[];
}

/**
 * The addresses we publish for `hostName` (records of `types`: A, AAAA), each
 * tagged with its link and `local: true`: an address scoped to one link
 * (RFC 6762 §14) on that link, one valid everywhere (a proxied host) on
 * every link. Only registered records count (past probing, RFC 6762 §8).
 * Per link, IPv4 first, then IPv6, as for a service heard on the network.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localAddresses } from "./local_view.ts";
 * import { LocalServiceCache } from "./local_cache.ts";
 * const local = new LocalServiceCache();
 * const records = local.setHost("me.local", ["198.18.0.2", "fe80::2"], { interfaceName: "eth0" });
 * assert.deepEqual(localAddresses(local, "me.local", [1, 28], { links: ["eth0"] }), []); // probing
 * for (const r of records) r.setState("announced");
 * assert.deepEqual(localAddresses(local, "me.local", [1, 28], { links: ["eth0", "eth1"] }), [
 *   { address: "198.18.0.2", family: "IPv4", interfaceName: "eth0", local: true },
 *   { address: "fe80::2%eth0", family: "IPv6", interfaceName: "eth0", local: true },
 * ]);
 * ```
 */
export function localAddresses(
  local: LocalCacheReader,
  hostName: string,
  types: readonly number[],
  scope: LocalScope,
): ServiceAddress[] {
  const links = shownLinks(scope);
  const out: ServiceAddress[] = [];
  for (const link of links) {
    for (const type of types) {
      for (const r of local.lookup(hostName, type, { interfaceName: link })) {
        if (r.registered) out.push(serviceAddress(r.record.data as string, link, true));
      }
    }
  }
  return out;
}

/**
 * One of our own services, whole (SRV, TXT and at least one address of its
 * host, all registered: past probing, RFC 6762 §8), as the querier reports
 * it, with `local: true`. Undefined when we publish no such service, it is
 * still probing, or none of the links asked for is left.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localServiceInfo } from "./local_view.ts";
 * import { LocalServiceCache } from "./local_cache.ts";
 * const local = new LocalServiceCache();
 * const host = local.setHost("me.local", ["198.18.0.2"], { interfaceName: "eth0" });
 * const svc = local.addService({ name: "Mine", type: "_http._tcp", host: "me.local", port: 80 });
 * const scope = { links: ["eth0"] };
 * assert.equal(localServiceInfo(local, "Mine._http._tcp.local", scope), undefined); // probing
 * for (const r of [...host, ...svc.records]) r.setState("announced");
 * const mine = localServiceInfo(local, "mine._http._tcp.local", scope)!;
 * assert.deepEqual([mine.name, mine.port, mine.local, mine.interfaces], ["Mine", 80, true, ["eth0"]]);
 * assert.equal(mine.addresses[0].address, "198.18.0.2");
 * ```
 */
export function localServiceInfo(
  local: LocalCacheReader,
  instanceName: string,
  scope: LocalScope,
): ServiceInfo | undefined {
  const records = local.lookup(instanceName, RecordType.ANY).filter((r) => r.registered);
  const srvRecord = records.find((r) => r.type === RecordType.SRV);
  const txtRecord = records.find((r) => r.type === RecordType.TXT);
  if (srvRecord === undefined || txtRecord === undefined) return undefined;
  const links = shownLinks(scope);
  const srv = srvRecord.record.data as SrvData;
  const addresses = localAddresses(local, srv.target, [RecordType.A, RecordType.AAAA], scope);
  if (links.length === 0 || addresses.length === 0) return undefined;
  const parsed = parseServiceInstanceName(srvRecord.name);
  return new AssembledService(
    {
      fullName: parsed.fullName,
      name: parsed.name,
      type: `${parsed.type.serviceName}.${parsed.type.protocol}`,
      domain: parsed.type.domain,
    },
    srv,
    txtRecord.rdata,
    addresses,
    links,
    srvRecord.record.ttl,
    true,
  );
}

function shownLinks(scope: LocalScope): string[] {
  const allowed = scope.interfaces === undefined ? undefined : new Set(scope.interfaces);
  return [...new Set(scope.links)].filter((l) => allowed === undefined || allowed.has(l)).sort();
}
