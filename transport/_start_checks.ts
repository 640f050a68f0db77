/**
 * What `UdpTransport.start()` checks before it opens anything, so that a
 * missing flag or an empty selection gives a message that says what to do,
 * and no socket is opened in vain.
 *
 * @module
 */

import { type InterfaceSelection, selectInterfaces } from "./_interface_selection.ts";
import { isPermissionError, TransportError } from "./transport_error.ts";

/**
 * Checks for `--unstable-net`, lists interfaces (mapping a permission refusal
 * to the flag that fixes it) and, unless `allowNone`, requires at least one
 * selected interface. Returns the interface list.
 *
 * @throws {TransportError} `unstable-api`, `permission-denied` or `no-interface`.
 */
export function preflight(
  list: () => Deno.NetworkInterfaceInfo[],
  selection: InterfaceSelection,
  allowNone: boolean,
): Deno.NetworkInterfaceInfo[] {
  if (typeof Deno.listenDatagram !== "function") {
    throw new TransportError(
      "unstable-api",
      'Cannot open mDNS sockets: Deno.listenDatagram is unavailable (run with --unstable-net, or add "unstable": ["net"] to deno.json)',
    );
  }
  let infos: Deno.NetworkInterfaceInfo[];
  try {
    infos = list();
  } catch (error) {
    if (!isPermissionError(error)) throw error;
    throw new TransportError(
      "permission-denied",
      `Cannot list network interfaces: permission denied (run with --allow-sys=networkInterfaces): ${
        (error as Error).message
      }`,
      { cause: error },
    );
  }
  if (!allowNone && selectInterfaces(infos, selection).length === 0) {
    const names = [...new Set(infos.map((i) => i.name))].join(", ") || "none";
    throw new TransportError(
      "no-interface",
      `Cannot start mDNS: no usable interface is selected (available: ${names}; check interfaces.include/exclude, ipv4/ipv6 and loopback)`,
    );
  }
  return infos;
}
