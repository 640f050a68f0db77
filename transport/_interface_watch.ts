/**
 * When a poll of the interface list must rebuild the sockets. Pure, so the
 * rule is tested without sockets.
 *
 * A rebuild (`UdpTransport`'s reconcile: re-joins, socket checks, link
 * events) cost about a millisecond per poll, every 2 s, for nothing on a
 * quiet host: issue 15 measured an idle responder at ten times Avahi's CPU.
 * A poll now compares a fingerprint of the list (names, addresses, masks,
 * scope ids, MACs, and with the FFI hatch each interface's index and up
 * state) with the last rebuilt one, and rebuilds only when it differs, when a
 * socket failed or a send error asked for a look, or when the last rebuild
 * left failures to retry.
 *
 * The per-poll IPv4 re-join existed to notice an interface deleted and
 * re-created (the kernel drops its memberships): that shows as a new index,
 * which the fingerprint holds when it is known (an fe80 scope id, or the
 * hatch). An interface with IPv4 and no known index cannot be vouched for,
 * so such a list is rebuilt at every poll, as before.
 *
 * @module
 */

/** What the FFI hatch says of an interface (absent without the hatch). */
export interface InterfaceState {
  /** Kernel index (0: unknown). */
  readonly index: number;
  /** IFF_UP and IFF_RUNNING, undefined when unknown. */
  readonly up: boolean | undefined;
}

/**
 * The fingerprint of an interface list, or undefined when the list cannot
 * vouch for every interface (IPv4 with no known index).
 */
export function interfaceFingerprint(
  infos: readonly Deno.NetworkInterfaceInfo[],
  state?: (name: string) => InterfaceState,
): string | undefined {
  const entries: string[] = [];
  const indexKnown = new Set<string>();
  const ipv4 = new Set<string>();
  for (const i of infos) {
    entries.push(`${i.name} ${i.family} ${i.address} ${i.netmask} ${i.scopeid ?? ""} ${i.mac}`);
    if (i.family === "IPv6" && (i.scopeid ?? 0) > 0) indexKnown.add(i.name);
    // Loopback is never deleted and re-created: it needs no index to vouch for it.
    if (i.family === "IPv4" && !i.address.startsWith("127.")) ipv4.add(i.name);
  }
  entries.sort();
  if (state !== undefined) {
    for (const name of [...new Set(infos.map((i) => i.name))].sort()) {
      const s = state(name);
      entries.push(`${name} index ${s.index} up ${s.up}`);
      if (s.index > 0) indexKnown.add(name);
    }
  }
  for (const name of ipv4) if (!indexKnown.has(name)) return undefined;
  return entries.join("\n");
}

/**
 * Remembers the last rebuilt list and says whether the next one needs a
 * rebuild.
 */
export class InterfaceWatch {
  #state: ((name: string) => InterfaceState) | undefined;
  #last: string | undefined;
  #seen: string | undefined;
  #stale = true;

  /** `state` reads index and up state through the FFI hatch, when there is one. */
  constructor(state?: (name: string) => InterfaceState) {
    this.#state = state;
  }

  /** Whether nothing may be skipped at the next poll (a failure, a send error). */
  get stale(): boolean {
    return this.#stale;
  }

  /** Forces a rebuild at the next poll. */
  invalidate(): void {
    this.#stale = true;
  }

  /**
   * Whether `infos` must be rebuilt. The fingerprint is taken here, before
   * the rebuild reads the interfaces again: a change in between then shows
   * at the next poll instead of being lost.
   */
  needsRebuild(infos: readonly Deno.NetworkInterfaceInfo[]): boolean {
    this.#seen = interfaceFingerprint(infos, this.#state);
    return this.#stale || this.#seen === undefined || this.#seen !== this.#last;
  }

  /** Records that the list last passed to `needsRebuild` was rebuilt, leaving `failures` to retry. */
  rebuilt(failures: number): void {
    this.#last = this.#seen;
    this.#stale = failures > 0 || this.#last === undefined;
  }
}
