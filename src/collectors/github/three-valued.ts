/**
 * Kleene's three-valued logic for facts GitHub may leave unsaid: `true`, `false`, or `null`
 * ("GitHub did not say"). Combining layers of protection with these keeps an unknown from turning
 * into a `false` (or a `true`) that nobody observed: `anyOf(false, null)` is unknown, while
 * `anyOf(true, null)` is true whatever the unknown turns out to be.
 */

export type Tri = boolean | null;

/** A boolean GitHub sent, or null for anything else (absent, null, a string). */
export function tri(value: unknown): Tri {
  return typeof value === 'boolean' ? value : null;
}

/** True when any is true; false when all are false; otherwise unknown. Empty: false. */
export function anyOf(...values: Tri[]): Tri {
  if (values.some((v) => v === true)) return true;
  return values.every((v) => v === false) ? false : null;
}

export function not(value: Tri): Tri {
  return value === null ? null : !value;
}

/** A whole number GitHub sent, or null. */
export function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}
