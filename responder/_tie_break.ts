/**
 * The simultaneous-probe tie-break of RFC 6762 §8.2 and §8.2.1: each side's
 * proposed records are sorted and compared pairwise, class (without the
 * cache-flush bit) first, then type, then rdata as unsigned bytes with names
 * uncompressed; the side whose list runs out first loses; identical lists are
 * no conflict.
 *
 * @module
 */

/**
 * One proposed record as the tie-break sees it.
 */
export interface ProposedRecord {
  /** Class without the top bit. */
  readonly class: number;
  /** Record type. */
  readonly type: number;
  /** Canonical rdata (names uncompressed). */
  readonly rdata: Uint8Array;
}

/**
 * Compares our proposed records with theirs (RFC 6762 §8.2.1): negative when
 * ours are lexicographically earlier (we lose, wait one second and probe
 * again), positive when later (we win), 0 when identical (no conflict).
 */
export function compareProposals(
  ours: readonly ProposedRecord[],
  theirs: readonly ProposedRecord[],
): number {
  const a = [...ours].sort(compareRecords);
  const b = [...theirs].sort(compareRecords);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareRecords(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * Orders two records by class, type, then rdata as unsigned bytes (RFC 6762 §8.2).
 */
export function compareRecords(a: ProposedRecord, b: ProposedRecord): number {
  if (a.class !== b.class) return a.class - b.class;
  if (a.type !== b.type) return a.type - b.type;
  const x = a.rdata, y = b.rdata;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
