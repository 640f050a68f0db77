/**
 * The real transport: UDP sockets on port 5353, IPv4 and IPv6, one set per
 * interface, with an interface watcher. This is the only code in the library
 * that opens sockets. Linux layout and its reasons: see `_link_sockets.ts` and
 * `research/deno-multicast.md`.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import { type HatchState, SockoptHatch } from "./_ffi_sockopt.ts";
import { EchoFilter } from "./_echo_filter.ts";
import { type InterfaceSelection, selectInterfaces } from "./_interface_selection.ts";
import { Ipv4MulticastReceiver } from "./_ipv4_multicast_receiver.ts";
import { linkEvents, type PublishedLink } from "./_link_events.ts";
import { InterfacePoller } from "./_interface_poller.ts";
import { LinkSockets } from "./_link_sockets.ts";
import { MallocTrimmer } from "./_malloc_trim.ts";
import type { ManagedSocket, SocketFailure } from "./_managed_socket.ts";
import {
  type AddressFamily,
  type Datagram,
  type Destination,
  MDNS_IPV4_GROUP,
  MDNS_IPV6_GROUP,
  MDNS_PORT,
  type NetworkLink,
  type Transport,
  type TransportEvent,
  type TransportHandler,
} from "./transport.ts";
import { explainSocketError, isPermissionError, TransportError } from "./transport_error.ts";
import { preflight } from "./_start_checks.ts";
import {
  resolveOptions,
  type UdpTransportOptions,
  type UdpTransportStats,
} from "./udp_transport_options.ts";

export {
  DEFAULT_POLL_INTERVAL_MS,
  ERROR_POLL_MIN_GAP_MS,
  NOTICED_POLL_INTERVAL_MS,
  type UdpTransportOptions,
  type UdpTransportStats,
} from "./udp_transport_options.ts";

/**
 * mDNS over real UDP sockets (Linux layout; needs `--unstable-net`,
 * `--allow-net` and `--allow-sys=networkInterfaces`).
 *
 * Links, found by polling `Deno.networkInterfaces()`: an interface is known
 * while it has an address the transport could open sockets on. `link-added`
 * when one appears, `link-removed` when it goes (a re-created interface, with
 * a new MAC or index, is removed then added), `link-changed` (with the
 * `previous` view) when its addresses change. {@linkcode UdpTransport.links}
 * lists the known links that are up.
 *
 * Up and down: the list does not say whether an interface is up, and Linux
 * keeps an administratively down interface's IPv4 addresses (sends on it
 * succeed silently), so without the FFI hatch `link-up` and `link-down` are
 * never emitted. What a link going down does show is that its IPv6
 * addresses vanish, fe80 with them: a dual-stack link gives `link-changed`
 * without IPv6 (and index 0, the index being read from the fe80 scope id) and
 * `link-changed` back when it comes up; an IPv6-only link gives
 * `link-removed` and `link-added`. With the hatch, the interface flags are
 * read at every poll: `link-down` when a known link loses IFF_UP or carrier
 * (IFF_RUNNING; sends on it then fail), `link-up` when it is back, with the
 * addresses it has then.
 *
 * With the FFI hatch (option `ffi`, Linux, `--allow-ffi` granted): TTL 255 on
 * everything sent and exact IPv4 attribution; `stats.ffi` says whether it is on.
 * Under a burst of datagrams it also hands glibc's free memory back to the
 * kernel, rate-limited (`stats.mallocTrims`; `_malloc_trim.ts` says why).
 *
 * @example Nothing is opened before `start()`: no link, and a send resolves false
 * ```ts
 * import assert from "node:assert/strict";
 * import { UdpTransport } from "./udp_transport.ts";
 * const transport = new UdpTransport({ interfaces: { include: ["eth0"] } });
 * assert.deepEqual(transport.links, []);
 * assert.equal(await transport.send(new Uint8Array(12), { interfaceName: "eth0", family: "IPv4" }), false);
 * await transport.close();
 * ```
 *
 * @example Collecting what arrives on eth0 (real sockets: not run here)
 * ```ts ignore
 * import { UdpTransport } from "./udp_transport.ts";
 * const arrivals: string[] = [];
 * await using transport = new UdpTransport({ interfaces: { include: ["eth0"] } });
 * await transport.start({
 *   onDatagram: (d) => arrivals.push(`${d.source.address} on ${d.interfaceName}`),
 *   onEvent: (e) => arrivals.push(e.type),
 * });
 * await transport.send(new Uint8Array(12), { interfaceName: "eth0", family: "IPv4" });
 * ```
 */
export class UdpTransport implements Transport {
  #selection: InterfaceSelection;
  #pollIntervalMs: number;
  #idlePollIntervalMs: number;
  #clock: Clock;
  #listInterfaces: () => Deno.NetworkInterfaceInfo[];
  #waitForInterfaces: boolean;
  #ffi: "auto" | "off";
  #hatch: SockoptHatch | undefined;
  #hatchState: HatchState;
  #echo: EchoFilter;
  #handler: TransportHandler | undefined;
  #links = new Map<string, LinkSockets>();
  #published: NetworkLink[] = [];
  #rx4: Ipv4MulticastReceiver | undefined;
  #poller: InterfacePoller | undefined;
  #lastFailures: SocketFailure[] = [];
  #state: "new" | "starting" | "running" | "closed" = "new";
  #stats = {
    delivered: 0,
    echoes: 0,
    offLink: 0,
    oversized: 0,
    sent: 0,
    sendErrors: 0,
    polls: 0,
    rebuilds: 0,
  };
  #ffiMisses = 0;
  #trimmer: MallocTrimmer | undefined;
  #directAtClose = { received: 0, sent: 0 };

  /** Creates a transport; nothing is opened until {@linkcode UdpTransport.start}. */
  constructor(options: UdpTransportOptions = {}) {
    const resolved = resolveOptions(options);
    this.#selection = resolved.selection;
    this.#pollIntervalMs = resolved.pollIntervalMs;
    this.#idlePollIntervalMs = resolved.idlePollIntervalMs;
    this.#clock = resolved.clock;
    this.#listInterfaces = resolved.networkInterfaces;
    this.#waitForInterfaces = resolved.waitForInterfaces;
    this.#ffi = resolved.ffi;
    this.#hatchState = resolved.ffi === "off" ? "off" : "unavailable";
    this.#echo = new EchoFilter({ clock: this.#clock });
  }

  /** The links currently usable, sorted by name. */
  get links(): readonly NetworkLink[] {
    return this.#published;
  }

  /** Counters since start. */
  get stats(): UdpTransportStats {
    let oversized = this.#stats.oversized + (this.#rx4?.oversized ?? 0);
    for (const link of this.#links.values()) oversized += link.oversized;
    const direct = this.#hatch?.datagramCounts;
    return {
      ...this.#stats,
      polls: this.#poller?.polls ?? 0,
      oversized,
      ffi: this.#hatchState,
      ffiMisses: this.#ffiMisses,
      directReceived: direct?.received ?? this.#directAtClose.received,
      directSent: direct?.sent ?? this.#directAtClose.sent,
      mallocTrims: this.#trimmer?.trims ?? 0,
    };
  }

  /**
   * Opens the sockets and starts the interface watcher.
   *
   * @throws {TransportError} When mDNS cannot run: `--unstable-net` or a
   * permission is missing, no interface is selected, or port 5353 is held by a
   * program that does not share it.
   */
  async start(handler: TransportHandler): Promise<void> {
    if (this.#state !== "new") {
      throw new TypeError(
        `Cannot start transport: it is ${this.#state === "closed" ? "closed" : "already started"}`,
      );
    }
    this.#state = "starting";
    this.#handler = handler;
    try {
      await this.#startSockets();
    } catch (error) {
      await this.close();
      throw error;
    }
    if (this.#state !== "starting") return; // closed while starting
    this.#state = "running";
    this.#poller?.start();
  }

  /**
   * Sends `data` to the mDNS group of one link, or to a unicast address through
   * it. Never rejects: resolves false and emits `send-error` on failure.
   */
  send(data: Uint8Array, to: Destination): Promise<boolean> {
    if (this.#state !== "running") return FALSE;
    const link = this.#links.get(to?.interfaceName);
    const family: AddressFamily = to?.family;
    const up = link?.published?.up !== false;
    const socket = link?.published !== undefined && up ? link.sender(family) : undefined;
    if (!(data instanceof Uint8Array) || socket === undefined || link === undefined) {
      const reason = !(data instanceof Uint8Array)
        ? new TypeError("Cannot send: data is not a Uint8Array")
        : !up
        ? new Error(`Cannot send: interface is down: ${to.interfaceName}`)
        : new Error(`Cannot send: no ${family} socket on interface: ${to?.interfaceName}`);
      return Promise.resolve(this.#sendFailed(to, reason));
    }
    const multicast = to.address === undefined;
    // A "%zone" in the destination would override the socket's device and go
    // through getaddrinfo; the interface already says which link.
    const hostname = multicast
      ? (family === "IPv4" ? MDNS_IPV4_GROUP : MDNS_IPV6_GROUP)
      : withoutZone(to.address!);
    if (multicast) this.#echo.remember(`${link.name}/${family}`, data);
    const port = to.port ?? MDNS_PORT;
    // With the FFI hatch: one sendto, no async op (the hot path of a loaded responder).
    const direct = socket.trySend(data, hostname, port);
    if (direct === true) {
      this.#stats.sent++;
      return TRUE;
    }
    if (direct !== undefined) return Promise.resolve(this.#sendFailed(to, direct));
    return this.#sendThroughDeno(socket, data, to, hostname, port);
  }

  async #sendThroughDeno(
    socket: ManagedSocket,
    data: Uint8Array,
    to: Destination,
    hostname: string,
    port: number,
  ): Promise<boolean> {
    try {
      await socket.send(data, hostname, port);
      this.#stats.sent++;
      return true;
    } catch (error) {
      return this.#sendFailed(to, error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Closes every socket and stops the watcher; pending receives end. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === "closed") {
      await this.#poller?.idle;
      return;
    }
    this.#state = "closed";
    await this.#hatch?.closeNotices();
    await this.#poller?.stop();
    const rx4 = this.#rx4;
    this.#rx4 = undefined;
    const links = [...this.#links.values()];
    this.#links.clear();
    this.#published = [];
    this.#echo.clear();
    await Promise.all([rx4?.close(), ...links.map((l) => l.close())]);
    this.#directAtClose = this.#hatch?.datagramCounts ?? this.#directAtClose;
    this.#trimmer?.close();
    this.#hatch?.close();
    this.#hatch = undefined;
  }

  /** Same as {@linkcode UdpTransport.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #startSockets(): Promise<void> {
    ({ hatch: this.#hatch, state: this.#hatchState } = SockoptHatch.open(this.#ffi));
    const hatch = this.#hatch;
    const trim = hatch?.trimMalloc;
    if (trim !== undefined) this.#trimmer = new MallocTrimmer(this.#clock, trim);
    const poller = this.#poller = new InterfacePoller(this.#clock, this.#pollIntervalMs, {
      list: this.#listInterfaces,
      rebuild: async (infos) => (await this.#reconcile(infos)).length,
      onError: (error) => this.#emitError("*", error),
    }, {
      state: hatch && ((name) => ({ index: hatch.ifIndex(name), up: hatch.linkUp(name) })),
      // Subscribed before the first listing: a change in between is queued, not lost.
      notices: hatch?.notices,
      idleIntervalMs: this.#idlePollIntervalMs,
    });
    const infos = preflight(this.#listInterfaces, this.#selection, this.#waitForInterfaces);
    if (this.#selection.ipv4 && this.#hatch === undefined) {
      this.#rx4 = new Ipv4MulticastReceiver({
        onPacket: (link, data, address, port) =>
          this.#deliver(link, "IPv4", false, data, address, port),
        onOffLink: () => this.#stats.offLink++,
        onFailure: (error) => {
          poller.invalidate();
          this.#emitError(`${MDNS_IPV4_GROUP}:${MDNS_PORT}`, error);
        },
        onJoinFailure: (link, where, error) => {
          poller.invalidate();
          this.#emitError(link.name, withWhere(where, error));
        },
      });
      try {
        this.#rx4.open();
      } catch (error) {
        throw explainSocketError(error, `${MDNS_IPV4_GROUP}:${MDNS_PORT}`);
      }
    }
    await poller.rebuildNow(infos);
    const failures = this.#lastFailures;
    if (this.#state === "closed") return; // close() was called while starting
    // With the hatch, `mc4` stands in for `rx4`, whose AddrInUse is fatal: a
    // program holds 224.0.0.251:5353 without sharing it.
    const held = (f: SocketFailure) =>
      this.#hatch !== undefined && f.error instanceof Deno.errors.AddrInUse &&
      f.where.endsWith(` ${MDNS_IPV4_GROUP}:${MDNS_PORT}`);
    const fatal = failures.find((f) => isPermissionError(f.error) || held(f));
    if (fatal !== undefined) throw explainSocketError(fatal.error, fatal.where);
    const opened = [...this.#links.values()].some((l) => l.published !== undefined);
    if (!opened && !this.#waitForInterfaces) {
      const first = failures[0];
      if (first !== undefined) throw explainSocketError(first.error, first.where);
      throw new TransportError("no-interface", "Cannot start mDNS: no interface could be opened");
    }
  }

  /** Makes the sockets match the interface list; returns this round's failures. */
  async #reconcile(infos: Deno.NetworkInterfaceInfo[]): Promise<SocketFailure[]> {
    this.#stats.rebuilds++;
    this.#lastFailures = [];
    const specs = selectInterfaces(infos, this.#selection);
    const wanted = new Set(specs.map((s) => s.name));
    const all: SocketFailure[] = [];
    for (const [name, link] of [...this.#links]) {
      if (wanted.has(name)) continue;
      this.#links.delete(name);
      await link.close();
      this.#publish(link, undefined);
    }
    for (const spec of specs) {
      if (this.#state === "closed") break;
      let link = this.#links.get(spec.name);
      if (link === undefined) {
        link = new LinkSockets(spec.name, {
          onPacket: (l, family, unicast, data, address, port) =>
            this.#deliver(l, family, unicast, data, address, port),
          onOffLink: () => this.#stats.offLink++,
          onSocketFailure: (l, where, error) => {
            this.#poller?.invalidate();
            this.#emitError(l.name, withWhere(where, error));
          },
          onHatchMiss: () => this.#ffiMisses++,
        }, this.#hatch);
        this.#links.set(spec.name, link);
      }
      const failures = await link.apply(spec);
      all.push(...failures);
      this.#report(link, failures);
      const view = link.view();
      const up = this.#hatch?.linkUp(spec.name);
      this.#publish(link, view === undefined ? undefined : { link: view, mac: spec.mac, up });
    }
    if (this.#state !== "closed") await this.#rx4?.sync();
    this.#lastFailures = all;
    return all;
  }

  /** Records what a link now offers and emits the link events for the change. */
  #publish(link: LinkSockets, now: PublishedLink | undefined): void {
    const events = linkEvents(link.published, now);
    link.published = now;
    const published = [...this.#links.values()].filter((l) => l.published !== undefined);
    this.#published = published.filter((l) => l.published!.up !== false)
      .map((l) => l.published!.link);
    this.#rx4?.setLinks(published);
    for (const event of events) this.#emit(event);
  }

  /** Reports failures not reported before; forgets healed ones. */
  #report(link: LinkSockets, failures: SocketFailure[]): void {
    const now = new Set<string>();
    for (const f of failures) {
      const key = `${f.where}|${f.error.message}`;
      now.add(key);
      if (!link.reported.has(key)) this.#emitError(link.name, withWhere(f.where, f.error));
    }
    link.reported = now;
  }

  #deliver(
    link: LinkSockets,
    family: AddressFamily,
    unicast: boolean,
    data: Uint8Array,
    address: string,
    port: number,
  ): void {
    // Our own multicast, looped back (loopback must stay on for same-host
    // stacks to hear us): it comes from one of our addresses and port 5353,
    // as another same-host stack's does, so the echo filter decides.
    if (
      !unicast && port === MDNS_PORT && link.ownAddresses.has(address) &&
      this.#echo.consume(`${link.name}/${family}`, data)
    ) {
      this.#stats.echoes++;
      return;
    }
    const datagram: Datagram = {
      data,
      interfaceName: link.name,
      family,
      source: { address, port },
      unicast,
    };
    this.#stats.delivered++;
    this.#trimmer?.delivered();
    try {
      this.#handler?.onDatagram(datagram);
    } catch (error) {
      this.#emitError(link.name, asError(error));
    }
  }

  #sendFailed(to: Destination, error: Error): boolean {
    this.#stats.sendErrors++;
    this.#emit({ type: "send-error", destination: to, error });
    this.#poller?.sendFailed();
    return false;
  }

  #emitError(interfaceName: string, error: Error): void {
    this.#emit({ type: "receive-error", interfaceName, error });
  }

  #emit(event: TransportEvent): void {
    if (this.#state === "closed") return;
    try {
      this.#handler?.onEvent(event);
    } catch {
      // The handler contract forbids throwing; nothing sensible is left to tell.
    }
  }
}

const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);

function withoutZone(address: string): string {
  const zone = address.indexOf("%");
  return zone < 0 ? address : address.slice(0, zone);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function withWhere(where: string, error: Error): Error {
  return new Error(`Socket failed: ${where}: ${error.message}`, { cause: error });
}
