/**
 * The codec's record identity (`recordKey`, RFC 6762 §16) cached per local
 * record: the key known-answer suppression (§7.1), duplicate-answer
 * suppression (§7.4) and the conflict checks (§9) match on.
 *
 * @module
 */

import { recordKey } from "../codec/mod.ts";
import type { LocalRecord } from "../cache/local_record.ts";

// The identity itself lives in the codec; re-exported for the responder's files.
export { readerRecordKey, recordKey } from "../codec/mod.ts";

const keys = new WeakMap<LocalRecord, string>();

/** The key of one of our records, computed once. */
export function localRecordKey(record: LocalRecord): string {
  let key = keys.get(record);
  if (key === undefined) {
    key = recordKey(record.name, record.type, record.rdata);
    keys.set(record, key);
  }
  return key;
}
