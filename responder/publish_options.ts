/**
 * What `Mdns.publish()` takes and hands back: {@linkcode PublishOptions},
 * the {@linkcode PublishEvent}s a published service reports, the
 * {@linkcode PublishedService} handle, and {@linkcode NameConflictError}.
 *
 * @module
 */

import type { TxtAttributes, TxtInput } from "../dnssd/txt.ts";

/**
 * A service to publish.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PublishOptions } from "./publish_options.ts";
 * const options: PublishOptions = {
 *   name: "Büro.Drucker \"A\" (1)", type: "_ipp._tcp", port: 631,
 *   txt: { rp: "ipp/print", color: true }, subtypes: ["_universal"],
 * };
 * assert.equal(options.port, 631);
 * ```
 */
export interface PublishOptions {
  /** Instance label, UTF-8, at most 63 bytes (dots, quotes and spaces are fine). */
  name: string;
  /** `_http._tcp` or `_http._tcp.local`. */
  type: string;
  /** Port, 0 to 65535. */
  port: number;
  /** TXT attributes (`dnssd/txt.ts`); empty goes out as one zero byte. */
  txt?: TxtInput;
  /** Subtype labels, `_printer` (without `._sub`). */
  subtypes?: string[];
  /**
   * SRV target, `printer.local`; default the stack's host name. Without
   * `addresses` it is only the target (as `avahi-publish -s -H` and
   * `DNSServiceRegister` take it): the device answers for its own addresses,
   * and we neither probe nor publish that host name.
   */
  host?: string;
  /** With `host`: publish these addresses for it and claim its name (a proxy for another device). */
  addresses?: string[];
  /**
   * Publish on these links only. Each must be a link the stack uses now:
   * `publish()` rejects an unknown name with a `TypeError` naming it (the
   * service would otherwise be visible nowhere).
   */
  interfaces?: string[];
  /** Aborting unpublishes (goodbyes). */
  signal?: AbortSignal;
  /** Hears every event, `probing` included (it comes before the promise resolves). */
  onEvent?: (event: PublishEvent) => void;
  /**
   * Take the next free name (`Den (2)`, `Den (3)`…) when another host holds
   * this one (RFC 6762 §9). With `false` (Bonjour's
   * `kDNSServiceFlagsNoAutoRename`) the name is never changed: a name one of
   * our own services already holds, or a conflict lost while probing, rejects
   * the `publish()` promise with a {@linkcode NameConflictError}; a conflict
   * lost once the name was registered (another host defended it when we
   * probed again, §9) emits `conflict` and withdraws the service (`goodbye`).
   * Only the instance name: the host name is still renamed on a conflict.
   *
   * @default {true}
   */
  rename?: boolean;
}

/**
 * What happens to a published service: probing a name, the name registered,
 * a rename after a conflict, a conflict, a TXT update announced (`updated`,
 * RFC 6762 §8.4), the host it points to renamed after the host name lost a
 * conflict (`host-renamed`, `box.local` → `box-2.local`, as ciao's
 * `hostname-change`), the goodbye.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PublishEvent } from "./publish_options.ts";
 * const e: PublishEvent = { type: "renamed", from: "Printer", name: "Printer (2)" };
 * assert.equal(e.type === "renamed" && e.from, "Printer");
 * const moved: PublishEvent = {
 *   type: "host-renamed", name: "Printer", from: "box.local", host: "box-2.local",
 * };
 * assert.equal(moved.type === "host-renamed" && moved.host, "box-2.local");
 * ```
 */
export type PublishEvent =
  | { type: "probing"; name: string }
  | { type: "registered"; name: string }
  | { type: "renamed"; from: string; name: string }
  | { type: "conflict"; name: string }
  | { type: "updated"; name: string }
  | { type: "host-renamed"; name: string; from: string; host: string }
  | { type: "goodbye"; name: string };

/**
 * A published service: what it holds now, and how to change or withdraw it.
 *
 * @example Reading the handle; a TXT update resolves once it went out
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mdns } from "../mdns.ts";
 * import { MemoryNetwork, VirtualClock } from "../testing/mod.ts";
 * const clock = new VirtualClock();
 * const host = new MemoryNetwork({ clock }).host("a", {
 *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2/24" }],
 * });
 * await using mdns = await Mdns.start({ transport: host, clock, hostName: "box.local" });
 * const publishing = mdns.publish({
 *   name: "Den", type: "_http._tcp", port: 80, txt: { path: "/" }, subtypes: ["_printer"],
 * });
 * await clock.advanceAsync(1000); // probed (RFC 6762 §8.1)
 * await using service = await publishing;
 * assert.equal(service.fullName, "Den._http._tcp.local");
 * assert.equal(service.domain, "local");
 * assert.deepEqual(service.subtypes, ["_printer"]);
 * const events: string[] = [];
 * service.subscribe((e) => events.push(e.type));
 * const updating = service.updateTxt({ path: "/new" });
 * assert.equal(service.txt.getString("path"), "/new");
 * await clock.advanceAsync(10);
 * await updating; // the announcement is out
 * assert.deepEqual(events, ["updated"]);
 * ```
 */
export interface PublishedService extends AsyncDisposable {
  /** Instance label held now (after any rename), `Printer (2)`. */
  readonly name: string;
  /** `Printer (2)._http._tcp.local` (presentation form, escaped). */
  readonly fullName: string;
  /** `_http._tcp`. */
  readonly type: string;
  /** SRV target (after any host rename). */
  readonly host: string;
  /** Port. */
  readonly port: number;
  /** Domain, `local`. */
  readonly domain: string;
  /** Subtype labels it is also listed under (RFC 6763 §7.1), `_printer`. */
  readonly subtypes: readonly string[];
  /** The TXT held now (after any `updateTxt`). */
  readonly txt: TxtAttributes;
  /**
   * Replaces the TXT and announces it (RFC 6762 §8.4). Resolves once the
   * first announcement carrying it went out (then an `updated` event follows
   * it), at once when the TXT is the one held; an update beyond ten a minute
   * waits for its turn (§8.4). Rejects with a `TypeError` when unpublished
   * (or unpublished before it went out) or the TXT is malformed, a
   * `RangeError` when a string is over 255 bytes or it does not fit.
   */
  updateTxt(txt: TxtInput): Promise<void>;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: (event: PublishEvent) => void): () => void;
  /** Sends goodbyes on every link and stops answering; idempotent. */
  unpublish(): Promise<void>;
}

/**
 * What a {@linkcode NameConflictError} carries.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { NameConflictErrorOptions } from "./publish_options.ts";
 * const options: NameConflictErrorOptions = { fullName: "Den._http._tcp.local" };
 * assert.equal(options.fullName, "Den._http._tcp.local");
 * ```
 */
export interface NameConflictErrorOptions extends ErrorOptions {
  /** The full name that could not be held, `Den._http._tcp.local`. */
  fullName?: string;
}

/**
 * A name could not be defended: `publish()` with `rename: false` rejects
 * with it when the name is taken (RFC 6762 §9).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NameConflictError } from "./publish_options.ts";
 * const e = new NameConflictError("Cannot publish \"Den\": the name is in use", {
 *   fullName: "Den._http._tcp.local",
 * });
 * assert.equal(e.name, "NameConflictError");
 * assert.equal(e.fullName, "Den._http._tcp.local");
 * ```
 */
export class NameConflictError extends Error {
  /**
   * The full name that could not be held, when known (`Error.name` is the
   * class's: the label is the first label of this).
   */
  readonly fullName: string | undefined;

  /** Creates the error. */
  constructor(message: string, options?: NameConflictErrorOptions) {
    super(message, options);
    this.name = "NameConflictError";
    this.fullName = options?.fullName;
  }
}
