/**
 * The byte budget both caches take.
 *
 * @module
 */

/**
 * Returns `maxBytes`, or `fallback` when it is undefined.
 *
 * @throws {RangeError} When `maxBytes` is not a positive number.
 */
export function byteBudget(maxBytes: number | undefined, fallback: number): number {
  const budget = maxBytes ?? fallback;
  if (!(budget > 0)) {
    throw new RangeError(`Invalid maxBytes: ${budget}, must be a positive number`);
  }
  return budget;
}
