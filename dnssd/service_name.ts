/**
 * DNS-SD names (RFC 6763 §4, §7): service types such as `_http._tcp.local`,
 * subtype names such as `_printer._sub._http._tcp.local`, and service instance
 * names such as `Living Room\.2._http._tcp.local`.
 *
 * The instance part is ONE label of UTF-8 that may hold dots, spaces and
 * backslashes; in presentation form the codec escapes the dot and backslash
 * (`\.`, `\\`), as RFC 6763 §4.3 recommends, so label boundaries survive.
 *
 * Service names are checked with the RFC 6335 §5.1 rules that RFC 6763 §7
 * restates: `_` then 1 to 15 characters of letters, digits and hyphens, at
 * least one letter, no hyphen first or last, no two hyphens in a row. That is
 * the `strict` mode (for what we publish). The lenient mode (for names heard on
 * the network, where `_tivo-videostream` and `_ibisip_http` exist) accepts any
 * label of 2 to 63 bytes that starts with `_` and holds letters, digits,
 * hyphens and underscores.
 *
 * @module
 */

import { joinLabels, Limits, parseName, splitName } from "../codec/mod.ts";

/**
 * RFC 6335 §5.1 (restated by RFC 6763 §7.2): a service name has at most 15 characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SERVICE_NAME_MAX_CHARS, validateServiceName } from "./service_name.ts";
 * validateServiceName("_" + "a".repeat(SERVICE_NAME_MAX_CHARS));
 * const tooLong = "_" + "a".repeat(SERVICE_NAME_MAX_CHARS + 1);
 * assert.throws(() => validateServiceName(tooLong), RangeError);
 * ```
 */
export const SERVICE_NAME_MAX_CHARS = 15;
/**
 * RFC 6763 §4.1.1: the instance label is at most 63 bytes of UTF-8.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { INSTANCE_MAX_BYTES, validateInstanceName } from "./service_name.ts";
 * validateInstanceName("x".repeat(INSTANCE_MAX_BYTES));
 * assert.equal(INSTANCE_MAX_BYTES, 63);
 * ```
 */
export const INSTANCE_MAX_BYTES: number = Limits.LABEL_BYTES;
/**
 * RFC 6762 §3: the link-local domain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_DOMAIN, parseServiceType } from "./service_name.ts";
 * assert.equal(DEFAULT_DOMAIN, "local");
 * assert.equal(parseServiceType("_http._tcp").domain, DEFAULT_DOMAIN);
 * ```
 */
export const DEFAULT_DOMAIN = "local";
/**
 * RFC 6763 §7.1: the label that separates a subtype from its base type.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SUBTYPE_LABEL, subtypeName } from "./service_name.ts";
 * assert.equal(SUBTYPE_LABEL, "_sub");
 * assert.equal(subtypeName("_printer", "_http._tcp"), "_printer._sub._http._tcp.local");
 * ```
 */
export const SUBTYPE_LABEL = "_sub";

const encoder = new TextEncoder();

/**
 * A service type: the two labels `<_service>.<_tcp|_udp>`, a domain, and for a
 * subtype browse name the subtype label.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ServiceType } from "./service_name.ts";
 * const http: ServiceType = { serviceName: "_http", protocol: "_tcp", domain: "local" };
 * assert.equal(http.serviceName, "_http");
 * ```
 */
export interface ServiceType {
  /** The service name label (RFC 6763 §7) with its underscore, as given (`_http`, `_IPP`). */
  readonly serviceName: string;
  /** `_tcp` for TCP, `_udp` for everything else (RFC 6763 §7), lower case. */
  readonly protocol: "_tcp" | "_udp";
  /** The domain in presentation form, without a trailing dot (`local`). */
  readonly domain: string;
  /** The subtype label, unescaped, when the name was `<sub>._sub.<type>`. */
  readonly subtype?: string;
}

/**
 * Options for checking service names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseServiceType, type ServiceNameOptions } from "./service_name.ts";
 * const lenient: ServiceNameOptions = { strict: false };
 * assert.equal(parseServiceType("_ibisip_http._tcp", lenient).serviceName, "_ibisip_http");
 * ```
 */
export interface ServiceNameOptions {
  /**
   * True to apply RFC 6335 §5.1 in full (what a publisher must send); false to
   * accept any `_` label of letters, digits, hyphens and underscores, as a
   * browser should.
   *
   * @default {true}
   */
  strict?: boolean;
}

/**
 * A parsed service instance name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseServiceInstanceName, type ServiceInstance } from "./service_name.ts";
 * const s: ServiceInstance = parseServiceInstanceName("Living Room\\.2._http._tcp.local");
 * assert.equal(s.name, "Living Room.2");
 * assert.equal(s.type.protocol, "_tcp");
 * assert.equal(s.fullName, "Living Room\\.2._http._tcp.local");
 * ```
 */
export interface ServiceInstance {
  /** The instance label, unescaped (`Living Room.2`). */
  readonly name: string;
  /** The service type it belongs to. */
  readonly type: ServiceType;
  /** The full name in presentation form (`Living Room\.2._http._tcp.local`). */
  readonly fullName: string;
}

/**
 * Checks a service name label such as `_http` (RFC 6763 §7, RFC 6335 §5.1).
 *
 * @throws {TypeError} When the label does not start with `_`, or holds a
 * character the rules forbid.
 * @throws {RangeError} When it is too short or too long.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateServiceName } from "./service_name.ts";
 * validateServiceName("_http");
 * assert.throws(() => validateServiceName("_a--b"), {
 *   name: "TypeError",
 *   message: 'Invalid service name "_a--b": two hyphens in a row',
 * });
 * ```
 */
export function validateServiceName(label: string, options?: ServiceNameOptions): void {
  if (typeof label !== "string" || label[0] !== "_") {
    throw new TypeError(`Invalid service name "${label}": must start with "_"`);
  }
  const body = label.slice(1);
  if (options?.strict === false) {
    if (body.length === 0 || body.length > Limits.LABEL_BYTES - 1) {
      throw new RangeError(`Invalid service name "${label}": must be 1 to 62 characters after "_"`);
    }
    if (!/^[A-Za-z0-9_-]+$/.test(body)) {
      throw new TypeError(
        `Invalid service name "${label}": only letters, digits, "-" and "_" are allowed`,
      );
    }
    return;
  }
  if (body.length === 0 || body.length > SERVICE_NAME_MAX_CHARS) {
    throw new RangeError(`Invalid service name "${label}": must be 1 to 15 characters after "_"`);
  }
  if (!/^[A-Za-z0-9-]+$/.test(body)) {
    throw new TypeError(
      `Invalid service name "${label}": only letters, digits and "-" are allowed`,
    );
  }
  if (!/[A-Za-z]/.test(body)) {
    throw new TypeError(`Invalid service name "${label}": needs at least one letter`);
  }
  if (body.startsWith("-") || body.endsWith("-")) {
    throw new TypeError(`Invalid service name "${label}": must not start or end with "-"`);
  }
  if (body.includes("--")) {
    throw new TypeError(`Invalid service name "${label}": two hyphens in a row`);
  }
}

/**
 * Checks an instance label (RFC 6763 §4.1.1): 1 to 63 bytes of UTF-8 and no
 * ASCII control characters. Dots, spaces and any other Unicode are fine.
 *
 * @throws {TypeError} When it is not a string or holds a control character.
 * @throws {RangeError} When it is empty or longer than 63 bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateInstanceName } from "./service_name.ts";
 * validateInstanceName("Living Room. 3rd floor"); // dots and spaces are fine
 * assert.throws(() => validateInstanceName("tab\there"), TypeError);
 * assert.throws(() => validateInstanceName(""), RangeError);
 * assert.throws(() => validateInstanceName("x".repeat(64)), RangeError);
 * ```
 */
export function validateInstanceName(name: string): void {
  if (typeof name !== "string") {
    throw new TypeError(`Invalid instance name: expected a string, got ${typeof name}`);
  }
  // RFC 6763 §4.1.1: "MUST NOT contain ASCII control characters (byte values 0x00-0x1F and 0x7F)".
  const control = firstControl(name);
  if (control >= 0) {
    const code = control.toString(16).padStart(2, "0");
    throw new TypeError(`Invalid instance name "${name}": control character 0x${code}`);
  }
  const bytes = encoder.encode(name).length;
  if (bytes === 0 || bytes > INSTANCE_MAX_BYTES) {
    throw new RangeError(`Invalid instance name "${name}": ${bytes} bytes, must be 1 to 63`);
  }
}

/**
 * Parses a service type: `_http._tcp`, `_http._tcp.local`, or a subtype name
 * `_printer._sub._http._tcp.local` (a trailing dot is fine). Without a domain
 * the domain is `local`.
 *
 * @throws {TypeError} When the text is not a service type.
 * @throws {RangeError} When a label is out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseServiceType } from "./service_name.ts";
 * const t = parseServiceType("_printer._sub._http._tcp.local.");
 * assert.equal(t.subtype, "_printer");
 * assert.equal(t.serviceName, "_http");
 * assert.equal(t.protocol, "_tcp");
 * assert.equal(t.domain, "local");
 * ```
 */
export function parseServiceType(text: string, options?: ServiceNameOptions): ServiceType {
  if (typeof text !== "string") {
    throw new TypeError(`Invalid service type: expected a string, got ${typeof text}`);
  }
  return typeFromLabels(text, labelsOf(text), options?.strict ?? true);
}

function typeFromLabels(text: string, labels: string[], strict: boolean): ServiceType {
  let subtype: string | undefined;
  if (labels.length >= 4 && labels[1].toLowerCase() === SUBTYPE_LABEL) {
    subtype = labels[0];
    labels = labels.slice(2);
  }
  if (labels.length < 2) {
    throw new TypeError(`Invalid service type "${text}": expected "_service._tcp" or "._udp"`);
  }
  const [name, proto] = labels;
  validateServiceName(name, { strict });
  const protocol = proto.toLowerCase();
  // RFC 6763 §7: "_tcp" for TCP, "_udp" for every other transport.
  if (protocol !== "_tcp" && protocol !== "_udp") {
    throw new TypeError(`Invalid service type "${text}": protocol must be "_tcp" or "_udp"`);
  }
  const domain = labels.length > 2 ? joinLabels(labels.slice(2)) : DEFAULT_DOMAIN;
  const type: ServiceType = subtype === undefined
    ? { serviceName: name, protocol, domain }
    : { serviceName: name, protocol, domain, subtype };
  return type;
}

/**
 * The base type's name in presentation form (`_http._tcp.local`), the name a
 * browse queries for PTR records. A subtype on the input is ignored.
 *
 * @throws {TypeError | RangeError} As {@linkcode parseServiceType}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serviceTypeName } from "./service_name.ts";
 * assert.equal(serviceTypeName("_HTTP._TCP"), "_HTTP._tcp.local");
 * ```
 */
export function serviceTypeName(type: ServiceType | string): string {
  const t = typeof type === "string" ? parseServiceType(type) : type;
  return `${escapeOne(t.serviceName)}.${t.protocol}.${t.domain}`;
}

/**
 * The subtype browse name `<subtype>._sub.<type>` (RFC 6763 §7.1). The subtype
 * label is arbitrary bytes up to 63 (conventionally it starts with `_`).
 *
 * @throws {TypeError | RangeError} When the subtype or type is invalid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { subtypeName } from "./service_name.ts";
 * assert.equal(subtypeName("_printer", "_http._tcp"), "_printer._sub._http._tcp.local");
 * ```
 */
export function subtypeName(subtype: string, type: ServiceType | string): string {
  validateSubtype(subtype);
  return `${escapeOne(subtype)}.${SUBTYPE_LABEL}.${serviceTypeName(type)}`;
}

/**
 * Checks a subtype label (RFC 6763 §7.1): 1 to 63 bytes, no control characters.
 *
 * @throws {TypeError} When it is not a string or holds a control character.
 * @throws {RangeError} When it is empty or longer than 63 bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateSubtype } from "./service_name.ts";
 * validateSubtype("_printer");
 * assert.throws(() => validateSubtype("line\nbreak"), TypeError);
 * assert.throws(() => validateSubtype(""), RangeError);
 * ```
 */
export function validateSubtype(subtype: string): void {
  if (typeof subtype !== "string") {
    throw new TypeError(`Invalid subtype: expected a string, got ${typeof subtype}`);
  }
  if (firstControl(subtype) >= 0) {
    throw new TypeError(`Invalid subtype "${subtype}": control characters are not allowed`);
  }
  const bytes = encoder.encode(subtype).length;
  if (bytes === 0 || bytes > Limits.LABEL_BYTES) {
    throw new RangeError(`Invalid subtype "${subtype}": ${bytes} bytes, must be 1 to 63`);
  }
}

/**
 * Joins an instance label and a service type into the full instance name in
 * presentation form, escaping `.` and `\` in the instance (RFC 6763 §4.3). The
 * instance is normalized to Unicode NFC first (RFC 6763 §4.1.1).
 *
 * @throws {TypeError} When the instance or type is malformed.
 * @throws {RangeError} When the instance is over 63 bytes or the whole name
 * over 255 bytes on the wire (RFC 6763 §7.2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serviceInstanceName } from "./service_name.ts";
 * assert.equal(serviceInstanceName("a.b\\c", "_http._tcp"), "a\\.b\\\\c._http._tcp.local");
 * ```
 */
export function serviceInstanceName(name: string, type: ServiceType | string): string {
  validateInstanceName(name);
  const full = `${escapeOne(name.normalize("NFC"))}.${serviceTypeName(type)}`;
  checkNameLength(full, "service instance name");
  return full;
}

/**
 * Splits a full instance name into its label (`name`), service type and domain. Escapes
 * `\.`, `\\` and `\DDD` are undone (`A\032web\032page` gives `A web page`).
 * Lenient by default, as it reads names from the network.
 *
 * @throws {TypeError} When the name does not have the
 * `<Instance>.<_service>.<_tcp|_udp>.<domain>` shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseServiceInstanceName } from "./service_name.ts";
 * const s = parseServiceInstanceName("a\\.b\\\\c._http._tcp.local.");
 * assert.equal(s.name, "a.b\\c");
 * assert.equal(s.type.serviceName, "_http");
 * assert.equal(s.fullName, "a\\.b\\\\c._http._tcp.local");
 * ```
 */
export function parseServiceInstanceName(
  name: string,
  options?: ServiceNameOptions,
): ServiceInstance {
  if (typeof name !== "string") {
    throw new TypeError(`Invalid service instance name: expected a string, got ${typeof name}`);
  }
  const labels = labelsOf(name);
  if (labels.length < 4) {
    throw new TypeError(
      `Invalid service instance name "${name}": expected "<Instance>._service._tcp.<domain>"`,
    );
  }
  const type = typeFromLabels(name, labels.slice(1), options?.strict ?? false);
  if (type.subtype !== undefined) {
    throw new TypeError(
      `Invalid service instance name "${name}": a subtype name is not an instance`,
    );
  }
  const label = labels[0];
  return { name: label, type, fullName: `${escapeOne(label)}.${serviceTypeName(type)}` };
}

/**
 * The name whose PTR records list the service types in a domain (RFC 6763 §9).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { servicesEnumerationName } from "./service_name.ts";
 * assert.equal(servicesEnumerationName(), "_services._dns-sd._udp.local");
 * ```
 */
export function servicesEnumerationName(domain: string = DEFAULT_DOMAIN): string {
  return `_services._dns-sd._udp.${domain}`;
}

/** The first ASCII control character's code (0x00-0x1F, 0x7F), or -1. */
function firstControl(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return c;
  }
  return -1;
}

function escapeOne(label: string): string {
  return joinLabels([label]);
}

/**
 * The unescaped labels of a presentation name: the codec's `splitName`, with a
 * fast path for plain ASCII names without escapes, whose labels are the text
 * between dots. Anything else (escapes, non-ASCII, a label or name out of
 * range) goes to the codec, which also raises its errors.
 */
function labelsOf(name: string): string[] {
  const text = name.endsWith(".") ? name.slice(0, -1) : name;
  if (text.length > Limits.NAME_BYTES - 2) return splitName(name);
  let labelStart = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 0x2e : text.charCodeAt(i);
    if (c >= 0x80 || c === 0x5c) return splitName(name);
    if (c === 0x2e) {
      const length = i - labelStart;
      if (length === 0 || length > Limits.LABEL_BYTES) return splitName(name);
      labelStart = i + 1;
    }
  }
  return text.split(".");
}

function checkNameLength(name: string, what: string): void {
  try {
    parseName(name);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new RangeError(`Invalid ${what} "${name}": longer than 255 bytes on the wire`);
    }
    throw e;
  }
}
