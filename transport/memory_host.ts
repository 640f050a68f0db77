/**
 * A host of the in-memory network: a {@linkcode Transport} with named
 * interfaces whose links can go down, come up, appear and vanish.
 *
 * @module
 */

import {
  type AddressFamily,
  type Datagram,
  type Destination,
  MDNS_PORT,
  type NetworkLink,
  type Transport,
  type TransportEvent,
  type TransportHandler,
} from "./transport.ts";
import { type AddressInfo, parseAddress } from "./_memory_address.ts";
import { isIPv6LinkLocal } from "../codec/ip.ts";
import type {
  InjectedDatagram,
  MemoryHostOptions,
  MemoryInterface,
  MemoryInterfaceOptions,
} from "./memory_host_types.ts";

/**
 * A datagram leaving a host, as handed to the host's `wire`.
 *
 * @example Capturing what a host sends
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryHost, type MemoryPacket } from "../testing/mod.ts";
 * const sent: MemoryPacket[] = [];
 * const host = new MemoryHost("a", {
 *   interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }],
 *   wire: (packet) => sent.push(packet),
 * });
 * await host.start({ onDatagram() {}, onEvent() {} });
 * await host.send(new Uint8Array([1]), { interfaceName: "eth0", family: "IPv4" });
 * assert.equal(sent[0].source.address, "198.18.0.2");
 * await host.close();
 * ```
 */
export interface MemoryPacket {
  /** The sending host. */
  readonly from: MemoryHost;
  /** Interface it left through. */
  readonly interfaceName: string;
  /** Link (segment) that interface is on. */
  readonly link: string;
  /** Address family. */
  readonly family: AddressFamily;
  /** The sender's address on that interface and its port. */
  readonly source: { readonly address: string; readonly port: number };
  /** Where it goes, as passed to `send()`. */
  readonly destination: Destination;
  /** A private copy of the payload: the caller of `send()` may reuse its buffer. */
  readonly data: Uint8Array;
}

/**
 * Constructor options of {@linkcode MemoryHost}: its options plus where its sends go.
 *
 * @example A host whose sends vanish
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryHost, type MemoryHostInit } from "../testing/mod.ts";
 * const init: MemoryHostInit = { interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }] };
 * assert.equal(new MemoryHost("a", init).name, "a");
 * ```
 */
export interface MemoryHostInit extends MemoryHostOptions {
  /** Carries sent datagrams; `MemoryNetwork` passes its router. Default: sends vanish. */
  readonly wire?: (packet: MemoryPacket) => void;
}

interface InterfaceState {
  name: string;
  link: string;
  index: number;
  up: boolean;
  ipv4: AddressInfo[];
  ipv6: AddressInfo[];
}

/**
 * A host on the in-memory network, implementing {@linkcode Transport}. Made by
 * `MemoryNetwork.host()`; build one directly only to capture sends with a
 * `wire` of your own.
 *
 * Like a socket with multicast loopback on whose stack drops its own echoes,
 * a host never receives its own multicast. `send()` never rejects: on an
 * unknown or down interface, an interface without an address of the family,
 * before `start()` or after `close()`, it resolves false and (while started)
 * reports a `send-error` event. Events are delivered synchronously.
 *
 * Link events, while started: every interface is announced with `link-added`
 * (at `start()` for those it already has, then by `addInterface`) and retired
 * with `link-removed` (`removeInterface`, whatever its state). An interface
 * is added up; one that is down when added is reported `link-down` right
 * after its `link-added`. Between the two, `setLinkUp` reports `link-up` and
 * `link-down` on a change, and `setAddresses` reports `link-changed` (with the
 * `previous` view) when the addresses of an interface that is up change. The
 * addresses of a down interface change silently: its `link-up` carries them.
 * {@linkcode MemoryHost.links} lists the interfaces that are up.
 *
 * @example Taking a link down
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryNetwork, VirtualClock } from "../testing/mod.ts";
 * const network = new MemoryNetwork({ clock: new VirtualClock() });
 * const host = network.host("a", { interfaces: [{ name: "eth0", link: "lan", ipv4: "198.18.0.2" }] });
 * const events: string[] = [];
 * await host.start({ onDatagram() {}, onEvent: (e) => events.push(e.type) });
 * host.setLinkUp("eth0", false);
 * const ok = await host.send(new Uint8Array(12), { interfaceName: "eth0", family: "IPv4" });
 * assert.equal(ok, false);
 * assert.deepEqual(events, ["link-added", "link-down", "send-error"]);
 * await host.close();
 * ```
 */
export class MemoryHost implements Transport {
  /** The host's name on its network. */
  readonly name: string;
  /** The UDP port it sends from and receives on. */
  readonly port: number;
  #wire: (packet: MemoryPacket) => void;
  #interfaces = new Map<string, InterfaceState>();
  #nextIndex = 1;
  #handler: TransportHandler | undefined;
  #started = false;
  #closed = false;

  /** Creates a host; see {@linkcode MemoryHostInit}. */
  constructor(name: string, init: MemoryHostInit = {}) {
    if (typeof name !== "string" || name === "") {
      throw new TypeError(`Host name must be a non-empty string: ${String(name)}`);
    }
    const port = init.port ?? MDNS_PORT;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(`Port must be an integer from 1 to 65535: ${port}`);
    }
    this.name = name;
    this.port = port;
    this.#wire = init.wire ?? (() => {});
    for (const options of init.interfaces ?? []) this.addInterface(options);
  }

  /** True between `start()` and `close()`: the host receives datagrams and events. */
  get running(): boolean {
    return this.#started && !this.#closed;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The interfaces that are up, as the stack sees them, sorted by name like `UdpTransport`'s. */
  get links(): readonly NetworkLink[] {
    return [...this.#interfaces.values()].filter((i) => i.up).map(toLink)
      .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  }

  /** Every interface, up or down. */
  get interfaces(): readonly MemoryInterface[] {
    return [...this.#interfaces.values()].map((i) => ({ ...toLink(i), link: i.link, up: i.up }));
  }

  /**
   * Starts delivering to `handler`, emitting `link-added` for each interface
   * (followed by `link-down` for one that is down), in name order. Rejects
   * with `TypeError` when already started or closed.
   */
  start(handler: TransportHandler): Promise<void> {
    if (this.#closed || this.#started) {
      const state = this.#closed ? "closed" : "already started";
      return Promise.reject(new TypeError(`Cannot start host ${this.name}: it is ${state}`));
    }
    if (typeof handler?.onDatagram !== "function" || typeof handler.onEvent !== "function") {
      return Promise.reject(new TypeError("Handler must have onDatagram and onEvent functions"));
    }
    this.#handler = handler;
    this.#started = true;
    const states = [...this.#interfaces.values()]
      .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (const state of states) this.#announce(state);
    return Promise.resolve();
  }

  /** Hands `data` to the wire; see the class notes for when it resolves false. */
  send(data: Uint8Array, to: Destination): Promise<boolean> {
    if (!this.running) return Promise.resolve(false);
    let error: Error | undefined;
    try {
      error = this.#trySend(data, to);
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
    }
    if (error !== undefined) this.#emit({ type: "send-error", destination: to, error });
    return Promise.resolve(error === undefined);
  }

  /** Stops delivery to this host. Safe to call twice. */
  close(): Promise<void> {
    this.#closed = true;
    this.#handler = undefined;
    return Promise.resolve();
  }

  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The first address (without prefix) of `family` on an interface, if any. */
  address(interfaceName: string, family: AddressFamily): string | undefined {
    const state = this.#interfaces.get(interfaceName);
    return state === undefined ? undefined : pickSource(state, family)?.address;
  }

  /**
   * Names of the interfaces that are up, plugged into `link`, and have an
   * address of `family` (equal to `address` when given). The network routes with it.
   */
  interfacesOn(link: string, family: AddressFamily, address?: string): string[] {
    const key = address === undefined ? undefined : parseAddress(address, family).key;
    const names: string[] = [];
    for (const i of this.#interfaces.values()) {
      if (!i.up || i.link !== link) continue;
      const list = family === "IPv4" ? i.ipv4 : i.ipv6;
      if (key === undefined ? list.length > 0 : list.some((a) => a.key === key)) names.push(i.name);
    }
    return names;
  }

  /** Brings an interface up or down, emitting `link-up` / `link-down` on a change. */
  setLinkUp(interfaceName: string, up: boolean): void {
    const state = this.#get(interfaceName);
    if (state.up === up) return;
    state.up = up;
    this.#emit({ type: up ? "link-up" : "link-down", link: toLink(state) });
  }

  /** Adds an interface, emitting `link-added` (then `link-down` when it is down). */
  addInterface(options: MemoryInterfaceOptions): void {
    const { name, link } = options;
    if (typeof name !== "string" || name === "") {
      throw new TypeError(`Interface name must be a non-empty string: ${String(name)}`);
    }
    if (typeof link !== "string" || link === "") {
      throw new TypeError(`Interface link must be a non-empty string: ${String(link)}`);
    }
    if (this.#interfaces.has(name)) throw new TypeError(`Interface already exists: ${name}`);
    const index = options.index ?? this.#nextIndex;
    if (!Number.isInteger(index) || index < 0) {
      throw new RangeError(`Interface index must be an integer >= 0: ${index}`);
    }
    const state: InterfaceState = {
      name,
      link,
      index,
      up: options.up ?? true,
      ipv4: list(options.ipv4).map((a) => parseAddress(a, "IPv4")),
      ipv6: list(options.ipv6).map((a) => parseAddress(a, "IPv6")),
    };
    this.#nextIndex = Math.max(this.#nextIndex, index + 1);
    this.#interfaces.set(name, state);
    this.#announce(state);
  }

  /**
   * Replaces an interface's IPv4 and/or IPv6 addresses (those given), emitting
   * `link-changed` with the new and the previous lists when it is up and they
   * differ, as `UdpTransport` does.
   */
  setAddresses(
    interfaceName: string,
    addresses: Pick<MemoryInterfaceOptions, "ipv4" | "ipv6">,
  ): void {
    const state = this.#get(interfaceName);
    // Parse both before changing either, so a bad address changes nothing.
    const ipv4 = addresses.ipv4 === undefined
      ? undefined
      : list(addresses.ipv4).map((a) => parseAddress(a, "IPv4"));
    const ipv6 = addresses.ipv6 === undefined
      ? undefined
      : list(addresses.ipv6).map((a) => parseAddress(a, "IPv6"));
    const previous = toLink(state);
    if (ipv4 !== undefined) state.ipv4 = ipv4;
    if (ipv6 !== undefined) state.ipv6 = ipv6;
    const link = toLink(state);
    const same = link.ipv4.join() === previous.ipv4.join() &&
      link.ipv6.join() === previous.ipv6.join();
    if (state.up && !same) this.#emit({ type: "link-changed", link, previous });
  }

  /** Removes an interface, emitting `link-removed`. */
  removeInterface(interfaceName: string): void {
    const state = this.#get(interfaceName);
    this.#interfaces.delete(interfaceName);
    this.#emit({ type: "link-removed", link: toLink(state) });
  }

  /**
   * Delivers a datagram now, synchronously, as if it had arrived (a copy of
   * its data, unless `options.copy` is false: then the very buffer, which the
   * caller must not change afterwards). False when the host is not running or
   * the interface is missing or down. The network delivers through this too.
   */
  deliver(datagram: InjectedDatagram, options?: { readonly copy?: boolean }): boolean {
    if (!(datagram?.data instanceof Uint8Array)) {
      throw new TypeError("Injected datagram data must be a Uint8Array");
    }
    const handler = this.#handler;
    if (handler === undefined || !this.running) return false;
    const interfaceName = datagram.interfaceName ?? this.#interfaces.keys().next().value;
    const state = interfaceName === undefined ? undefined : this.#interfaces.get(interfaceName);
    if (state === undefined || !state.up) return false;
    const { address, port = MDNS_PORT } = datagram.source;
    const arrival: Datagram = {
      data: options?.copy === false ? datagram.data : datagram.data.slice(),
      interfaceName: state.name,
      family: datagram.family ?? (address.includes(":") ? "IPv6" : "IPv4"),
      source: { address, port },
      unicast: datagram.unicast ?? false,
    };
    try {
      handler.onDatagram(arrival);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      this.#emit({ type: "receive-error", interfaceName: state.name, error });
    }
    return true;
  }

  #trySend(data: Uint8Array, to: Destination): Error | undefined {
    if (!(data instanceof Uint8Array)) return new TypeError("Datagram data must be a Uint8Array");
    if (to?.family !== "IPv4" && to?.family !== "IPv6") {
      return new TypeError(`Destination family must be IPv4 or IPv6: ${String(to?.family)}`);
    }
    const port = to.port ?? MDNS_PORT;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return new RangeError(`Destination port must be an integer from 1 to 65535: ${port}`);
    }
    const state = this.#interfaces.get(to.interfaceName);
    if (state === undefined) return new Error(`Unknown interface: ${to.interfaceName}`);
    if (!state.up) return new Error(`Interface is down: ${to.interfaceName}`);
    if (to.address !== undefined) parseAddress(to.address, to.family); // throws TypeError
    const source = pickSource(state, to.family, to.address);
    if (source === undefined) {
      return new Error(`Interface has no ${to.family} address: ${to.interfaceName}`);
    }
    this.#wire({
      from: this,
      interfaceName: state.name,
      link: state.link,
      family: to.family,
      source: { address: source.address, port: this.port },
      destination: to,
      data: data.slice(),
    });
    return undefined;
  }

  /** `link-added` for a new interface, and `link-down` when it is down. */
  #announce(state: InterfaceState): void {
    this.#emit({ type: "link-added", link: toLink(state) });
    if (!state.up) this.#emit({ type: "link-down", link: toLink(state) });
  }

  #get(interfaceName: string): InterfaceState {
    const state = this.#interfaces.get(interfaceName);
    if (state === undefined) throw new TypeError(`Unknown interface: ${interfaceName}`);
    return state;
  }

  #emit(event: TransportEvent): void {
    if (!this.running) return;
    try {
      this.#handler?.onEvent(event);
    } catch {
      // The handler contract forbids throwing; there is nowhere left to report it.
    }
  }
}

function list(value: string | readonly string[] | undefined): readonly string[] {
  return value === undefined ? [] : typeof value === "string" ? [value] : value;
}

function toLink(state: InterfaceState): NetworkLink {
  return {
    name: state.name,
    index: state.index,
    ipv4: state.ipv4.map((a) => a.cidr),
    ipv6: state.ipv6.map((a) => a.cidr),
  };
}

/**
 * The source address a kernel would pick, simply: IPv6 multicast and traffic
 * to link-local addresses leave from a link-local address (ff02::fb is
 * link-scoped), other IPv6 unicast from a wider-scope one, when there is one.
 */
function pickSource(
  state: InterfaceState,
  family: AddressFamily,
  destination?: string,
): AddressInfo | undefined {
  if (family === "IPv4") return state.ipv4[0];
  const wantLinkLocal = destination === undefined || isIPv6LinkLocal(destination);
  return state.ipv6.find((a) => isIPv6LinkLocal(a.address) === wantLinkLocal) ?? state.ipv6[0];
}
