/**
 * Real results.json files to start from (the two fixtures, and the sample with a run history
 * section), and a way to put strings of one's choosing into every free-text field of one: control
 * titles, finding messages, resource ids, remediation, evidence paths, scope, history — every
 * string that is not an enum, a literal or a digest, so the result still validates.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readResults, type Results } from '../../src/results.js';
import { cleanText, isSafeUrl } from '../../src/reports/format.js';
import { summariseHistory } from '../../src/history/coverage.js';
import { control, run } from '../unit/history/fixtures.js';

export const FIXTURE_FILES = ['sample', 'minimal', 'legacy-1.0.0-sample'] as const;

export function fixturePath(name: (typeof FIXTURE_FILES)[number]): string {
  return fileURLToPath(new URL(`../fixtures/results/${name}.json`, import.meta.url));
}

export function loadFixture(name: (typeof FIXTURE_FILES)[number]): Results {
  return readResults(JSON.parse(readFileSync(fixturePath(name), 'utf8')));
}

/** The sample results with a history section: failures fixed and not, gaps, days without a run, a manual control. */
export function sampleWithHistory(): Results {
  const period = { start: '2026-01-01', end: '2026-01-10' };
  const runs = Array.from({ length: 8 }, (_, i) =>
    run(`r${i + 1}`, `2026-01-${String(i + 1 + (i > 4 ? 1 : 0)).padStart(2, '0')}T02:00:00.000Z`, [
      control('GH-002', i === 2 || i === 3 || i > 5 ? 'fail' : i === 4 ? 'error' : 'pass', { title: 'Default branches are protected' }),
      control('AWS-001', i % 3 === 0 ? 'error' : 'pass', { frequency: 'continuous' }),
      control('POL-001', 'manual', { type: 'manual', frequency: 'quarterly' }),
    ], period));
  const history = summariseHistory({ dir: 'soc2-history', runs, period, now: new Date('2026-01-09T12:00:00Z'), chain: { records: 8, head: { sequence: 8, sha256: 'e'.repeat(64) } }, thisRun: 'r9' });
  // Through the schema, so the keys stand in the order a run writes them (the JSON renderer keeps its input's order).
  return readResults({ ...JSON.parse(readFileSync(fixturePath('sample'), 'utf8')), history });
}

export function baseResults(): Results[] {
  const sample = loadFixture('sample');
  return [sample, { ...sample, run: { ...sample.run, sample: false, reportType: 'type1' } }, loadFixture('minimal'), sampleWithHistory()];
}

/** Keys whose string values are enums, literals or digests: changing them would not be free text. */
const NOT_FREE_TEXT = new Set(['schemaVersion', 'reportType', 'failOn', 'severity', 'type', 'frequency', 'status', 'kind', 'sha256', 'cache', 'lastStatus', 'state', 'tokenKind', 'system', 'defined', 'configured']);

export type TextPath = Array<string | number>;

/** Paths of every free-text string in `value`, in a fixed order. */
export function freeTextPaths(value: unknown): TextPath[] {
  const out: TextPath[] = [];
  const walk = (v: unknown, path: TextPath) => {
    if (typeof v === 'string') {
      const key = [...path].reverse().find((p) => typeof p === 'string');
      const isToolName = path.length === 2 && path[0] === 'tool' && path[1] === 'name';
      if (!NOT_FREE_TEXT.has(String(key)) && !isToolName) out.push(path);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(value, []);
  return out;
}

/** A deep copy of `base` with `replace(path, old)` in every free-text field. */
export function mapFreeText(base: Results, replace: (path: TextPath, old: string) => string): Results {
  // Through JSON, not structuredClone: read results share one evidence object between the controls
  // that use it, and each path must be replaced in a copy of its own.
  const copy = JSON.parse(JSON.stringify(base)) as Record<string | number, unknown>;
  for (const path of freeTextPaths(base)) {
    let parent = copy as Record<string | number, unknown>;
    for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    parent[last] = replace(path, parent[last] as string);
  }
  return copy as unknown as Results;
}

/**
 * Whether a free-text path is a URL the renderers link when it is a plain http(s) one: a control's
 * reference, or a link a person gave as manual evidence (both from the user's own files, not an API).
 */
export function isReferencePath(path: TextPath): boolean {
  if (path[0] !== 'controls') return false;
  return path[2] === 'references' || (path[2] === 'manualEvidence' && path[path.length - 1] === 'url');
}

export interface HostilePlan {
  strings: string[];
  /** Every `stride`-th free-text field (from `offset`) gets the next hostile string; the others keep their text. */
  stride: number;
  offset: number;
  /** One very long value, in the field at this index (modulo the number of fields). */
  huge: { at: number; text: string } | null;
}

/** The results with hostile strings put in, and their harmless twin (see outputs.ts). */
export function hostileAndTwin(base: Results, plan: HostilePlan): { hostile: Results; twin: Results; placed: Array<{ path: TextPath; text: string }> } {
  const placed: Array<{ path: TextPath; text: string }> = [];
  let i = 0;
  const fields = freeTextPaths(base).length;
  const hugeAt = plan.huge ? plan.huge.at % fields : -1;
  const hostile = mapFreeText(base, (path, old) => {
    // The criteria catalogue's ids stay: the HTML groups criteria by series in id order, and no
    // twin can keep every order of hostile strings among the ids it must leave as they are.
    if (path.length === 3 && path[0] === 'criteria' && path[2] === 'id') return old;
    const n = i++;
    if (n === hugeAt) {
      placed.push({ path, text: plan.huge!.text });
      return plan.huge!.text;
    }
    if ((n + plan.offset) % plan.stride !== 0) return old;
    const text = plan.strings[Math.floor(n / plan.stride) % plan.strings.length]!;
    placed.push({ path, text });
    return text;
  });
  return { hostile, twin: harmlessTwin(hostile), placed };
}

const CRITERION_SHAPED = /^[A-Z]+\d+\.\d+$/;

/**
 * The same results with every free-text string replaced by a harmless one: tabs and spaces that
 * count in binary, then an "a" unless the original was blank. Distinct strings stay distinct and in
 * the same code-unit order (renderers group, de-duplicate and sort by them), blank stays blank
 * (renderers drop or trim blank text), empty stays empty, criterion ids stay themselves (renderers
 * parse them), and a reference that is a plain http(s) URL stays itself (renderers link those on
 * purpose; anywhere else a URL is just text, and is replaced).
 */
export function harmlessTwin(r: Results): Results {
  const keep = (s: string, path: TextPath) => s === '' || CRITERION_SHAPED.test(s) || (isReferencePath(path) && isSafeUrl(s));
  const distinct = new Set<string>();
  for (const path of freeTextPaths(r)) {
    const s = valueAt(r, path) as string;
    if (!keep(s, path)) distinct.add(s);
  }
  const sorted = [...distinct].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(1, Math.ceil(Math.log2(sorted.length + 1)));
  const twin = new Map(sorted.map((s, i) => {
    const count = i.toString(2).padStart(width, '0').replace(/0/g, '\t').replace(/1/g, ' ');
    // Blank as the Markdown renderer sees it: only whitespace once cleaned, and no line break (that is a <br>).
    return [s, /^[^\S\n]*$/.test(cleanText(s)) ? count : `${count}a`];
  }));
  return mapFreeText(r, (path, s) => (keep(s, path) ? s : twin.get(s)!));
}

function valueAt(root: unknown, path: TextPath): unknown {
  let v = root;
  for (const seg of path) v = (v as Record<string | number, unknown>)[seg];
  return v;
}
