/**
 * Listing a control's findings and the entries behind them (each secret, each unpinned action),
 * with where each is, under a per-control limit for the formats a person scrolls through. The
 * human reports share the order and the counting, so report.md and junit.xml cut at the same
 * place and say the same thing about what they left out.
 */
import type { Finding, Location, Occurrence } from '../results.js';

/** Rows (findings and their entries) report.md lists per control before pointing at results.json. */
export const MARKDOWN_LIST_LIMIT = 200;
/** Lines junit.xml lists per failing control: CI views show failure text in a small panel. */
export const JUNIT_LIST_LIMIT = 50;

/** `src/a.ts:12:7`, `src/a.ts:12` or `src/a.ts`: the form editors and terminals turn into a jump. */
export function locationText(loc: Location): string {
  if (loc.line === undefined) return loc.file;
  return loc.column === undefined ? `${loc.file}:${loc.line}` : `${loc.file}:${loc.line}:${loc.column}`;
}

/** A finding's entries grouped by the field that listed them, in the order the collector gave. */
export function entryGroups(f: Finding): Array<{ field: string; entries: Occurrence[] }> {
  const groups = new Map<string, Occurrence[]>();
  for (const o of f.occurrences ?? []) groups.set(o.field, [...(groups.get(o.field) ?? []), o]);
  return [...groups].map(([field, entries]) => ({ field, entries }));
}

/** Entries the collector found beyond those results.json holds (counted in occurrenceCount). */
export function entriesNotInResults(f: Finding): number {
  return Math.max(0, (f.occurrenceCount ?? 0) - (f.occurrences?.length ?? 0));
}

/** A budget of rows shared by everything listed for one control. */
export class ListBudget {
  private left: number;
  constructor(limit: number) {
    this.left = limit;
  }

  /** As many of `items` as the budget allows; the rest are `hidden`. */
  take<T>(items: readonly T[]): { shown: T[]; hidden: number } {
    const shown = items.slice(0, Math.max(0, this.left));
    this.left -= shown.length;
    return { shown, hidden: items.length - shown.length };
  }
}
