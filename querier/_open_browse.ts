/**
 * How a browse is built: the source it follows in the peer cache (a service
 * type's or subtype's instances, or the service types, RFC 6763 §7.1, §9), the
 * {@linkcode StreamBrowser} a reader iterates. The querier then keeps the
 * browse among its running ones and ties it to its signal. Internal.
 *
 * @module
 */

import {
  parseServiceType,
  servicesEnumerationName,
  serviceTypeName,
  subtypeName,
} from "../dnssd/service_name.ts";
import { type LocalSession, ServiceBrowseSource, type SourceHost } from "./_browse_sources.ts";
import { TypeBrowseSource } from "./_type_browse_source.ts";
import { StreamBrowser } from "./_browser.ts";
import { DEFAULT_BROWSE_BUFFER } from "./_constants.ts";
import type { BrowseOptions } from "./types.ts";

/**
 * A new browse of `type` (the service types when undefined): its browser
 * and the source that feeds it.
 *
 * @throws {TypeError} When `type` is not a service type.
 * @throws {RangeError} When `options.bufferSize` is not a whole number, 1 or more.
 */
export function openBrowse(
  host: SourceHost,
  type: string | undefined,
  options: BrowseOptions | undefined,
): { browser: StreamBrowser<unknown, unknown, unknown>; source: LocalSession } {
  const bufferSize = options?.bufferSize ?? DEFAULT_BROWSE_BUFFER;
  if (!Number.isInteger(bufferSize) || bufferSize < 1) {
    throw new RangeError(`Invalid browse bufferSize: ${bufferSize}, must be 1 or more`);
  }
  const interfaces = options?.interfaces;
  let browser: StreamBrowser<unknown, unknown, unknown>;
  let source: ServiceBrowseSource | TypeBrowseSource;
  if (type === undefined) {
    const s = new TypeBrowseSource(host, servicesEnumerationName(), interfaces);
    const b = new StreamBrowser(s, bufferSize);
    s.attach(b);
    source = s;
    browser = b as StreamBrowser<unknown, unknown, unknown>;
  } else {
    const parsed = parseServiceType(type, { strict: false });
    const ptrName = options?.subtype === undefined
      ? serviceTypeName(parsed)
      : subtypeName(options.subtype, parsed);
    const s = new ServiceBrowseSource(
      host,
      ptrName,
      interfaces,
      options?.resolve ?? true,
      options?.refreshResolved ?? false,
    );
    const b = new StreamBrowser(s, bufferSize);
    s.attach(b);
    source = s;
    browser = b as StreamBrowser<unknown, unknown, unknown>;
  }
  return { browser, source };
}
