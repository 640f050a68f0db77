/**
 * The one class behind every {@linkcode ServiceInfo} the querier reports,
 * heard on the network (`service_info.ts`) or published by this stack
 * (`local_view.ts`). Internal.
 *
 * @module
 */

import type { SrvData } from "../codec/mod.ts";
import { TxtAttributes } from "../dnssd/txt.ts";
import type { PeerEntry, PeerRecord } from "./peer_record.ts";
import { binaryToBytes } from "./_rdata_key.ts";
import type { ServiceAddress, ServiceInfo } from "./service_info.ts";

/**
 * A {@linkcode ServiceInfo} whose TXT is decoded when read: the canonical
 * rdata it decodes from is the cache's own string (or, for our own service,
 * the local record's bytes), so a browse of 10,000 services keeps no second
 * copy of every TXT.
 */
export class AssembledService implements ServiceInfo {
  readonly fullName: string;
  readonly name: string;
  readonly type: string;
  readonly domain: string;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly priority: number | undefined;
  readonly weight: number | undefined;
  readonly addresses: readonly ServiceAddress[];
  readonly interfaces: readonly string[];
  readonly complete: boolean;
  readonly ttl: number;
  readonly local?: boolean;
  #txt: string | Uint8Array | undefined;

  constructor(
    id: { fullName: string; name: string; type: string; domain: string },
    srv: SrvData | undefined,
    txt: PeerRecord | Uint8Array | undefined,
    addresses: readonly ServiceAddress[],
    interfaces: readonly string[],
    ttl: number,
    local = false,
  ) {
    this.fullName = id.fullName;
    this.name = id.name;
    this.type = id.type;
    this.domain = id.domain;
    this.host = srv?.target;
    this.port = srv?.port;
    this.priority = srv?.priority;
    this.weight = srv?.weight;
    this.addresses = addresses;
    this.interfaces = interfaces;
    this.complete = srv !== undefined && txt !== undefined && addresses.length > 0;
    this.ttl = ttl;
    if (local) this.local = true;
    this.#txt = txt === undefined || txt instanceof Uint8Array
      ? txt
      : (txt as PeerEntry).rdataBinary;
  }

  get txt(): TxtAttributes | undefined {
    const txt = this.#txt;
    if (txt === undefined) return undefined;
    return TxtAttributes.decodeRdata(typeof txt === "string" ? binaryToBytes(txt) : txt);
  }

  /** For `JSON.stringify`: the fields, with the TXT as an object (`true` for a boolean key). */
  toJSON(): Record<string, unknown> {
    return {
      fullName: this.fullName,
      name: this.name,
      type: this.type,
      domain: this.domain,
      host: this.host,
      port: this.port,
      priority: this.priority,
      weight: this.weight,
      txt: this.txt?.toObject(),
      addresses: this.addresses,
      interfaces: this.interfaces,
      complete: this.complete,
      ttl: this.ttl,
      ...(this.local ? { local: true } : {}),
    };
  }
}
