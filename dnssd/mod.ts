/**
 * DNS-SD on top of the codec: service names (RFC 6763 §4, §7), TXT attributes
 * (§6) and the record set that describes a published service (RFC 6762 §6.1,
 * §10). Pure: no I/O, no clock.
 *
 * @example Describing a service
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseServiceInstanceName, serviceRecords, TxtAttributes } from "./mod.ts";
 * const set = serviceRecords({
 *   name: "Printer 2.0", type: "_ipp._tcp", host: "office.local", port: 631,
 *   txt: { txtvers: "1", pdl: "application/pdf" },
 * });
 * assert.equal(set.fullName, "Printer 2\\.0._ipp._tcp.local");
 * assert.equal(parseServiceInstanceName(set.fullName).name, "Printer 2.0");
 * assert.equal(TxtAttributes.decode(set.txt.data).getString("pdl"), "application/pdf");
 * ```
 *
 * @module
 */

export * from "./service_name.ts";
export * from "./txt.ts";
export * from "./service_records.ts";
