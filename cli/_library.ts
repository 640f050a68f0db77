/**
 * The part of the library API the commands use, typed as `/work/api-spec.md`
 * fixes it. The responder (`publish`) and the querier (`browse`, `resolve`,
 * `lookupHost`, `lookupAddress`) land in `mdns.ts` beside this CLI; until they
 * do, {@linkcode requireApi} turns their absence into one clear line instead of
 * a crash. Once they are on main these types can be imported from `mod.ts`.
 *
 * @module
 */
import type { TxtAttributes, TxtInput } from "../dnssd/mod.ts";
import type { NetworkLink } from "../transport/transport.ts";
import { FailureError } from "./_errors.ts";

/** `mdns.publish` options (api-spec, responder). */
export interface PublishOptions {
  name: string;
  type: string;
  port: number;
  txt?: TxtInput;
  subtypes?: string[];
  host?: string;
  addresses?: string[];
  interfaces?: string[];
  signal?: AbortSignal;
  onEvent?: (event: PublishEvent) => void;
}

/** What a published service reports. */
export type PublishEvent =
  | { type: "probing"; name: string }
  | { type: "registered"; name: string }
  | { type: "renamed"; from: string; name: string }
  | { type: "conflict"; name: string }
  | { type: "goodbye"; name: string };

/** The handle `mdns.publish` resolves to. */
export interface PublishedService extends AsyncDisposable {
  readonly name: string;
  readonly fullName: string;
  readonly type: string;
  readonly host: string;
  readonly port: number;
  updateTxt(txt: TxtInput): void;
  subscribe(listener: (event: PublishEvent) => void): () => void;
  unpublish(): Promise<void>;
}

/** An address of a service or host, with the link it was seen on. */
export interface ServiceAddress {
  address: string;
  family: "IPv4" | "IPv6";
  interfaceName: string;
}

/** A service as the querier assembles it. */
export interface ServiceInfo {
  fullName: string;
  name: string;
  type: string;
  domain: string;
  host: string | undefined;
  port: number | undefined;
  txt: TxtAttributes | undefined;
  addresses: readonly ServiceAddress[];
  interfaces: readonly string[];
  ttl: number;
}

/** An event of a service browse. */
export type BrowseEvent = { type: "added" | "updated" | "removed"; service: ServiceInfo };

/** An event of a service type browse. */
export type ServiceTypeEvent = {
  type: "added" | "removed";
  serviceType: string;
  domain: string;
  interfaces: readonly string[];
};

/** `mdns.browse` options. */
export interface BrowseOptions {
  subtype?: string;
  resolve?: boolean;
  interfaces?: string[];
  signal?: AbortSignal;
  bufferSize?: number;
}

/** A running browse. */
export interface Browser<E> extends AsyncIterable<E>, AsyncDisposable {
  readonly endReason: "aborted" | "cleared" | "closed" | "disposed" | undefined;
  services(): ServiceInfo[];
}

/** The stack as the commands see it. */
export interface CliStack {
  readonly links: readonly NetworkLink[];
  publish?(options: PublishOptions): Promise<PublishedService>;
  browse?: {
    (type: string, options?: BrowseOptions): Browser<BrowseEvent>;
    (type?: undefined, options?: BrowseOptions): Browser<ServiceTypeEvent>;
  };
  resolve?(
    fullName: string,
    options?: { timeout?: number; signal?: AbortSignal; interfaces?: string[] },
  ): Promise<ServiceInfo>;
  lookupHost?(
    name: string,
    options?: { timeout?: number; family?: "IPv4" | "IPv6"; signal?: AbortSignal },
  ): Promise<ServiceAddress[]>;
  lookupAddress?(
    ip: string,
    options?: { timeout?: number; signal?: AbortSignal },
  ): Promise<string[]>;
  close(): Promise<void>;
}

type ApiName = "publish" | "browse" | "resolve" | "lookupHost" | "lookupAddress";

/**
 * The stack's method `name`, bound, or a {@linkcode FailureError} saying this
 * build does not have it yet.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requireApi } from "./_library.ts";
 * const stack = { links: [], close: () => Promise.resolve() };
 * assert.throws(() => requireApi(stack, "publish"), /has no mdns.publish/);
 * ```
 */
export function requireApi<N extends ApiName>(
  stack: CliStack,
  name: N,
): NonNullable<CliStack[N]> {
  const method = stack[name];
  if (typeof method !== "function") {
    throw new FailureError(
      `this build of the library has no mdns.${name}() yet (the ${
        name === "publish" ? "responder" : "querier"
      } has not landed)`,
    );
  }
  return method.bind(stack) as NonNullable<CliStack[N]>;
}
