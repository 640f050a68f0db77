/**
 * The codec's record identity (`recordKey`, RFC 6762 §16) cached per local
 * record: the key known-answer suppression (§7.1), duplicate-answer
 * suppression (§7.4) and the conflict checks (§9) match on.
 *
 * @module
 */

import { recordKey } from "../codec/mod.ts";
// The identity itself lives in the codec; re-exported for the responder's files.
export { readerRecordKey, recordKey } from "../codec/mod.ts";
import type { LocalRecord } from "../cache/local_record.ts";

const keys = new WeakMap<LocalRecord, string>();

/**
 * The key of one of our records, computed once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localRecordKey } from "./_record_key.ts";
 * import { recordKey } from "../codec/mod.ts";
// The identity itself lives in the codec; re-exported for the responder's files.
export { readerRecordKey, recordKey } from "../codec/mod.ts";
 * import { LocalRecord } from "../cache/local_record.ts";
 * const r = new LocalRecord({ name: "h.local", type: 1, class: 1, cacheFlush: true, ttl: 120, data: "198.18.0.2" });
 * assert.equal(localRecordKey(r), recordKey("h.local", 1, new Uint8Array([198, 18, 0, 2])));
 * ```
 */
export function localRecordKey(record: LocalRecord): string {
  let key = keys.get(record);
  if (key === undefined) {
    key = recordKey(record.name, record.type, record.rdata);
    keys.set(record, key);
  }
  return key;
}
