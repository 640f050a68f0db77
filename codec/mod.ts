/**
 * A zero-dependency, zero-copy DNS message codec for Multicast DNS.
 *
 * - {@linkcode MessageReader} walks a packet lazily: headers through getters,
 *   names compared in place, strings and rdata decoded only when asked.
 * - {@linkcode MessageWriter} appends into a reusable buffer, compresses names
 *   (inside PTR, SRV and NSEC rdata too, RFC 6762 §18.14), back-patches counts
 *   and rdlength, and rolls back a record that does not fit.
 * - {@linkcode decodeMessage} / {@linkcode encodeMessage} work on plain objects.
 * - A bad packet raises {@linkcode DnsParseError} with the byte offset.
 *
 * @example Round trip
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeMessage, encodeMessage, RecordType } from "./mod.ts";
 * const packet = encodeMessage({
 *   id: 0, flags: 0,
 *   questions: [{ name: "_http._tcp.local", type: RecordType.PTR, class: 1, unicastResponse: true }],
 *   answers: [], authorities: [], additionals: [],
 * });
 * assert.equal(decodeMessage(packet).questions[0].unicastResponse, true);
 * ```
 *
 * @module
 */

export { CLASS_TOP_BIT, Limits, MessageFlags, RecordClass, RecordType } from "./constants.ts";
export { DnsParseError, type ParseFailure } from "./errors.ts";
export { copyNameExpanded, NameMemo, namesEqual, readName, skipName } from "./name_reader.ts";
export { escapeLabel, joinLabels, labelToString } from "./label_text.ts";
export {
  encodeName,
  foldAsciiCase,
  nameKey,
  type ParsedName,
  parseName,
  splitName,
  type SuffixNode,
} from "./name_parser.ts";
export {
  formatIPv4,
  formatIPv6,
  isIPv6LinkLocal,
  parseIPv4,
  parseIPv6,
  tryParseIPv4,
  tryParseIPv6,
} from "./ip.ts";
export { MessageReader, Section, type SectionValue } from "./reader.ts";
export { MessageWriter, type WriterMark, type WriterOptions } from "./writer.ts";
export { decodeMessage, encodeMessage } from "./message.ts";
export { copyRdata, copyRdataInto, decodeRdata, encodeRdata } from "./canonical.ts";
export { canonicalRdata, rdataEquals, rdataEqualsAt } from "./rdata_equals.ts";
export { bytesToBinary, rdataKey, readerRecordKey, recordKey } from "./record_key.ts";
export {
  hasNameInRdata,
  type HinfoData,
  type NsecData,
  rdataNameOffset,
  type RdataSink,
  type SrvData,
} from "./rdata/mod.ts";
export type {
  AaaaRecord,
  ARecord,
  DnsMessage,
  HinfoRecord,
  NsecRecord,
  PtrRecord,
  Question,
  RecordFields,
  ResourceRecord,
  SrvRecord,
  TxtRecord,
  UnknownRecord,
} from "./types.ts";
