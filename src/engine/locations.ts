/**
 * Where findings point in the repository checkout, so a developer can jump to them: the file that
 * decides a resource (the collector's `locate.resource`), and for a resource that fails because a
 * list is not empty (secrets found, actions not pinned, invalid lines), one occurrence per entry
 * of that list with its own file and line. Entries are located by the collector's
 * `locate.entry`, or by their own `file`, `line` and `column` fields; only collectors that declare
 * `locate` are read this way, so a field of that name elsewhere means nothing here.
 */
import type { AnyCollector, SourceLocation } from '../collectors/types.js';
import { MAX_OCCURRENCES, type Location, type Occurrence } from '../results.js';
import type { LeafFailure } from './assert.js';

/** Longest entry text kept when an entry has no summary or name (its JSON is cut there). */
const MAX_ENTRY_TEXT = 200;

/** The location as results.json holds it: a non-empty file, a line and column from 1, or nothing. */
function cleanLocation(loc: SourceLocation | undefined): Location | undefined {
  if (!loc || typeof loc.file !== 'string' || loc.file === '') return undefined;
  const line = positive(loc.line);
  const column = line === undefined ? undefined : positive(loc.column);
  return { file: loc.file, ...(line === undefined ? {} : { line }), ...(column === undefined ? {} : { column }) };
}

function positive(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : undefined;
}

export function resourceLocation(collector: AnyCollector | undefined, data: unknown): Location | undefined {
  return cleanLocation(collector?.locate?.resource?.(data));
}

function entryLocation(collector: AnyCollector, key: string, entry: unknown, data: unknown, resource: Location | undefined): Location | undefined {
  const declared = cleanLocation(collector.locate?.entry?.(key, entry, data));
  if (declared) return declared;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  const e = entry as Record<string, unknown>;
  const file = typeof e.file === 'string' && e.file !== '' ? e.file : undefined;
  const line = positive(e.line);
  // An entry without a position of its own is shown under its resource's location, not as one.
  if (!file && line === undefined) return undefined;
  return cleanLocation({ file: file ?? resource?.file ?? '', line, column: positive(e.column) });
}

/** How a report names one entry: its summary or name, else its value. */
export function entryText(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  if (typeof entry === 'number' || typeof entry === 'boolean') return String(entry);
  if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
    const o = entry as Record<string, unknown>;
    for (const k of ['summary', 'name', 'id', 'login', 'path', 'file']) {
      if (typeof o[k] === 'string' || typeof o[k] === 'number') return String(o[k]);
    }
  }
  const json = JSON.stringify(entry) ?? String(entry);
  return json.length > MAX_ENTRY_TEXT ? `${json.slice(0, MAX_ENTRY_TEXT - 1)}…` : json;
}

/**
 * The entries behind a failing resource: every entry of a list an `empty` assertion found not
 * empty, at most MAX_OCCURRENCES of them, and how many there were when there were more.
 */
export function occurrencesOf(
  failures: readonly LeafFailure[],
  data: unknown,
  collector: AnyCollector | undefined,
  label: (key: string) => string | undefined,
): { occurrences?: Occurrence[]; occurrenceCount?: number; entriesOnly?: true } {
  const resource = resourceLocation(collector, data);
  const out: Occurrence[] = [];
  let count = 0;
  const seen = new Set<string>();
  let entriesOnly = true;
  for (const f of failures) {
    if (f.op !== 'empty' || f.reason !== 'mismatch' || !Array.isArray(f.actual)) {
      entriesOnly = false;
      continue;
    }
    if (seen.has(f.key)) continue;
    seen.add(f.key);
    const field = label(f.key) ?? f.key;
    for (const entry of f.actual as unknown[]) {
      count++;
      if (out.length >= MAX_OCCURRENCES) continue;
      const location = collector?.locate ? entryLocation(collector, f.key, entry, data, resource) : undefined;
      out.push({ field, text: entryText(entry), ...(location ? { location } : {}) });
    }
  }
  if (!out.length) return {};
  return { occurrences: out, ...(count > out.length ? { occurrenceCount: count } : {}), ...(entriesOnly ? { entriesOnly: true as const } : {}) };
}
