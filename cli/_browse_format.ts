/**
 * How `browse`, `resolve` and `services` show services: pure functions from a
 * library event to lines of text (aligned columns like `avahi-browse`, a time
 * stamp column like `dns-sd`) or to the fields of a JSON line. Tested against
 * a golden sample with fixed data.
 *
 * @module
 */
import type { TxtAttributes } from "../dnssd/mod.ts";
import type { ServiceInfo } from "./_library.ts";
import { paint } from "./_output.ts";

/** The mark of each event, as `avahi-browse` prints them. */
const MARKS = { added: "+", updated: "=", removed: "-", resolved: "=" } as const;
const MARK_COLOURS = {
  added: "green",
  updated: "yellow",
  removed: "red",
  resolved: "yellow",
} as const;

/**
 * Event kinds the formatter shows: the browse events, and `resolved` for `resolve`.
 */
export type ServiceEventKind = keyof typeof MARKS;

const WIDTH = { time: 12, interface: 9, family: 9, instance: 32, type: 14 } as const;

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/**
 * The header line over the columns.
 */
export function browseHeader(): string {
  return [
    pad("Time", WIDTH.time),
    " ",
    pad("Interface", WIDTH.interface),
    pad("Family", WIDTH.family),
    pad("Instance", WIDTH.instance),
    pad("Type", WIDTH.type),
    "Domain",
  ].join(" ");
}

/**
 * The header line over service type lines (`browse` without TYPE).
 */
export function typeHeader(): string {
  return [
    pad("Time", WIDTH.time),
    " ",
    pad("Interface", WIDTH.interface),
    pad("Type", WIDTH.type),
    "Domain",
  ].join(" ");
}

/**
 * The address families of a service: `IPv4`, `IPv6`, `IPv4,IPv6`, or `-`
 * before any address is known.
 */
export function familiesOf(addresses: ServiceInfo["addresses"]): string {
  const families = ["IPv4", "IPv6"].filter((f) => addresses.some((a) => a.family === f));
  return families.length === 0 ? "-" : families.join(",");
}

/**
 * A TXT record as `avahi-browse` prints it: `["key=value" "flag" "empty="]`.
 */
export function txtText(txt: TxtAttributes | undefined): string {
  if (txt === undefined) return "[]";
  const items = Object.entries(txt.toObject()).map(([key, value]) =>
    JSON.stringify(value === true ? key : `${key}=${value}`)
  );
  return `[${items.join(" ")}]`;
}

/**
 * The lines for one service event: the columns, then with `details` (browse
 * `--resolve`, `resolve`) host, addresses, port and TXT on the following lines.
 */
export function formatServiceEvent(
  kind: ServiceEventKind,
  service: ServiceInfo,
  time: string,
  options: { details?: boolean; color?: boolean } = {},
): string[] {
  const color = options.color ?? false;
  const line = [
    paint(color, "dim", pad(time, WIDTH.time)),
    paint(color, MARK_COLOURS[kind], MARKS[kind]),
    pad(service.interfaces.join(",") || "-", WIDTH.interface),
    pad(familiesOf(service.addresses), WIDTH.family),
    paint(color, "bold", pad(service.name, WIDTH.instance)),
    pad(service.type, WIDTH.type),
    service.domain,
  ].join(" ").trimEnd();
  if (!options.details || kind === "removed") return [line];
  const indent = " ".repeat(WIDTH.time + 3);
  const addresses = service.addresses.map((a) => `[${a.address}]`).join(" ") || "[]";
  return [
    line,
    `${indent}hostname = [${service.host ?? ""}]`,
    `${indent}address  = ${addresses}`,
    `${indent}port     = [${service.port ?? ""}]`,
    `${indent}txt      = ${txtText(service.txt)}`,
  ];
}

/**
 * A service type line (`browse` without TYPE, `services`).
 */
export function formatTypeEvent(
  kind: "added" | "removed",
  event: { serviceType: string; domain: string; interfaces: readonly string[] },
  time: string,
  color = false,
): string {
  return [
    paint(color, "dim", pad(time, WIDTH.time)),
    paint(color, MARK_COLOURS[kind], MARKS[kind]),
    pad(event.interfaces.join(",") || "-", WIDTH.interface),
    pad(event.serviceType, WIDTH.type),
    event.domain,
  ].join(" ");
}

/**
 * TXT attributes as the JSON object of issue 9: `{"k": "v", "flag": null}`
 * (a key with no value is `null`, an empty value `""`).
 */
export function txtJson(txt: TxtAttributes | undefined): Record<string, string | null> | null {
  if (txt === undefined) return null;
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(txt.toObject())) {
    out[key] = value === true ? null : value;
  }
  return out;
}

/**
 * The JSON fields of a service event (besides `event` and `ts`): `name`
 * (instance label as text), `type`, `domain`, `host`, `port`, `txt`,
 * `addresses` (strings, IPv6 link-local with `%zone`), `interface` (the first
 * link it was seen on), `interfaces`, `ttl`, `fullName`. Unknown values are `null`.
 */
export function serviceJson(service: ServiceInfo): Record<string, unknown> {
  return {
    name: service.name,
    type: service.type,
    domain: service.domain,
    host: service.host ?? null,
    port: service.port ?? null,
    txt: txtJson(service.txt),
    addresses: service.addresses.map((a) => a.address),
    interface: service.interfaces[0] ?? null,
    interfaces: [...service.interfaces],
    ttl: service.ttl,
    fullName: service.fullName,
  };
}
