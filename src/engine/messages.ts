/**
 * Finding sentences, rendered in one place from assertion failures:
 * "acme/api: required approving reviews is 0; required: at least 1."
 * "acme/api: critical alerts open longer than 7 days: 2 — Dependabot #3 …, Dependabot #5 …; required: none."
 * "acme: GitHub did not say whether members can delete or transfer repositories
 *  (membersCanDeleteRepositories); reading it needs github:org_administration:read."
 */
import { sourceAbout } from '../collectors/sources.js';
import type { Assertion } from '../controls/schema.js';
import type { CountFailure, LeafFailure } from './assert.js';

export type LabelLookup = (key: string) => string | undefined;

export function formatValue(v: unknown): string {
  if (v === undefined) return 'not reported';
  if (v === null) return 'none';
  if (typeof v === 'string') return v === '' ? 'empty' : `"${v}"`;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return 'an empty list';
    const items = v.slice(0, 3).map((x) => (x && typeof x === 'object' ? summariseObject(x as Record<string, unknown>) : formatValue(x)));
    return `${v.length} item${v.length === 1 ? '' : 's'} (${items.join(', ')}${v.length > 3 ? `, and ${v.length - 3} more` : ''})`;
  }
  return summariseObject(v as Record<string, unknown>);
}

const DURATION_UNITS: Record<string, [string, string]> = { h: ['hour', 'hours'], d: ['day', 'days'], w: ['week', 'weeks'] };

/** "7d" → "7 days", "1w" → "1 week"; anything else as written. */
export function durationText(v: unknown): string {
  const m = typeof v === 'string' ? /^(\d+)([hdw])$/.exec(v) : null;
  if (!m) return formatValue(v);
  const [one, many] = DURATION_UNITS[m[2]!]!;
  return `${m[1]} ${m[1] === '1' ? one : many}`;
}

/** Objects in lists (unpinned actions, secrets found) carry a `summary` or a name-like field. */
function summariseObject(o: Record<string, unknown>): string {
  for (const k of ['summary', 'location', 'name', 'id', 'login', 'path']) {
    if (typeof o[k] === 'string' || typeof o[k] === 'number') return String(o[k]);
  }
  const json = JSON.stringify(o);
  return json.length > 80 ? json.slice(0, 77) + '…' : json;
}

export function describeRequirement(f: Pick<LeafFailure, 'op' | 'expected' | 'requirement'>, negated = false): string {
  if (f.requirement) return f.requirement;
  const v = formatValue(f.expected);
  const text: Record<string, string> = {
    eq: v,
    ne: `anything but ${v}`,
    gt: `more than ${v}`,
    gte: `at least ${v}`,
    lt: `less than ${v}`,
    lte: `at most ${v}`,
    in: `one of ${Array.isArray(f.expected) ? f.expected.map(formatValue).join(', ') : v}`,
    'not-in': `none of ${Array.isArray(f.expected) ? f.expected.map(formatValue).join(', ') : v}`,
    contains: `to contain ${v}`,
    matches: `to match ${v}`,
    present: 'to be present',
    absent: 'to be absent',
    empty: 'empty',
    'not-empty': 'not empty',
    'older-than': `older than ${durationText(f.expected)}`,
    'newer-than': `newer than ${durationText(f.expected)}`,
  };
  const base = text[f.op] ?? `${f.op} ${v}`;
  return negated ? `not ${base}` : base;
}

/** What a count requires: "none" for eq 0, else as any comparison. */
function countRequirement(f: LeafFailure, negated: boolean): string {
  if (!f.requirement && f.op === 'eq' && f.expected === 0) return negated ? 'at least 1' : 'none';
  return describeRequirement(f, negated);
}

/** A condition on one item, in words, for a count the control gave no label: 'severity is "critical" and opened at older than 7 days'. */
function conditionText(a: Assertion, label: LabelLookup, nested = false): string {
  const wrap = (text: string) => (nested ? `(${text})` : text);
  if ('all' in a) return wrap(a.all.map((x) => conditionText(x, label, true)).join(' and '));
  if ('any' in a) return wrap(a.any.map((x) => conditionText(x, label, true)).join(' or '));
  if ('not' in a) return `not ${conditionText(a.not, label, true)}`;
  if ('count' in a) return a.count.label ?? `${label(a.count.key) ?? a.count.key} counted ${describeRequirement({ op: a.op, expected: a.value })}`;
  const name = label(a.key) ?? a.key;
  if (a.message) return `${name}: ${a.message}`;
  if (a.op === 'eq') return `${name} is ${formatValue(a.value)}`;
  if (a.op === 'ne') return `${name} is not ${formatValue(a.value)}`;
  return `${name} ${describeRequirement({ op: a.op, expected: a.value })}`;
}

/** What a count counts, as a heading: the control's label, or the list and its condition. */
function countedText(key: string, count: Pick<CountFailure, 'label' | 'where'>, label: LabelLookup): string {
  if (count.label) return count.label;
  const list = label(key) ?? key;
  return count.where ? `${list} where ${conditionText(count.where, (k) => label(`${key}.${k}`))}` : list;
}

const ITEMS_SHOWN = 5;

/** Up to five items by name, then how many more. */
function itemsText(items: readonly unknown[]): string {
  // Items are names ("design-agency (write)"), not values to compare, so text goes unquoted.
  const name = (x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? summariseObject(x as Record<string, unknown>) : typeof x === 'string' && x !== '' ? x : formatValue(x));
  const shown = items.slice(0, ITEMS_SHOWN).map(name);
  return `${shown.join(', ')}${items.length > ITEMS_SHOWN ? `, and ${items.length - ITEMS_SHOWN} more` : ''}`;
}

function describeCount(f: LeafFailure & { count: CountFailure }, label: LabelLookup): string {
  const n = f.count.matched.length;
  return `${countedText(f.key, f.count, label)}: ${n}${n ? ` — ${itemsText(f.count.matched)}` : ''}; required: ${countRequirement(f, f.reason === 'negated')}`;
}

/** A count as `soc2 controls show` states it: "critical alerts open longer than 7 days: none". */
export function explainCount(a: Extract<Assertion, { count: unknown }>, label: LabelLookup): string {
  const f = { key: a.count.key, op: a.op, expected: a.value, actual: undefined, reason: 'mismatch' as const, requirement: a.message };
  return `${countedText(a.count.key, a.count, label)}: ${countRequirement(f, false)}`;
}

export function describeFailure(f: LeafFailure, label: LabelLookup): string {
  if (f.count && f.reason !== 'missing') return describeCount({ ...f, count: f.count }, label);
  const name = label(f.key) ?? f.key;
  if (f.reason === 'missing') return `${name} (${f.key}) was not reported, so it cannot be shown to be ${describeRequirement(f)}`;
  if (f.reason === 'unevaluable') return `${name} (${f.key}) could not be checked against "${describeRequirement(f)}"`;
  return `${name} is ${formatValue(f.actual)}; required: ${describeRequirement(f, f.reason === 'negated')}`;
}

export function findingMessage(resource: string, failures: readonly LeafFailure[], label: LabelLookup): string {
  const parts = [...new Map(failures.map((f) => [`${f.key}|${f.op}|${f.reason}`, f])).values()].map((f) => describeFailure(f, label));
  return `${resource}: ${parts.join('; ')}.`;
}

/** How a sentence names the system that did not say: the source's own word for it (AWS Config, GitHub…). */
export function sourceName(source: string | undefined): string {
  return (source !== undefined ? sourceAbout(source)?.system : undefined) ?? 'the source';
}

/** What the sentence about an unreported field needs to know about it. */
export interface UnreportedField {
  /** The field's label from the collector's resource schema. */
  label?: string;
  /** A yes/no field reads "did not say whether …"; any other "did not report …". */
  yesNo: boolean;
  /** The permissions that would reveal it: the collector's `revealedBy` entry, else its `permissions`. */
  permissions: readonly string[];
}

/**
 * The message of a finding that could not be decided because the source did not say: names the
 * resource, each field (label and key), and what would reveal it. Fields that the same permissions
 * reveal share one clause.
 */
export function unreportedMessage(resource: string, source: string, failures: readonly LeafFailure[], field: (key: string) => UnreportedField): string {
  const counts = failures.filter((f): f is LeafFailure & { count: CountFailure } => f.count !== undefined && f.count.undecided.length > 0);
  const unique = [...new Map(failures.filter((f) => !counts.includes(f as never)).map((f) => [`${f.key}|${f.reason}`, f])).values()];
  const groups = new Map<string, string[]>();
  const unevaluable: string[] = [];
  for (const f of unique) {
    const info = field(f.key);
    const name = info.label ?? f.key;
    if (f.reason !== 'missing') {
      unevaluable.push(describeFailure(f, () => info.label));
      continue;
    }
    const what = info.yesNo ? `whether ${name} (${f.key})` : `${name} (${f.key})`;
    const reveal = info.permissions.join(' and ');
    groups.set(reveal, [...(groups.get(reveal) ?? []), what]);
  }
  const clauses = [...groups].map(([reveal, whats]) => {
    const verb = whats.every((w) => w.startsWith('whether ')) ? 'did not say' : 'did not report';
    const said = `${source} ${verb} ${joinOr(whats)}`;
    return reveal ? `${said}; reading ${whats.length === 1 ? 'it' : 'them'} needs ${reveal}` : said;
  });
  return `${resource}: ${[...clauses, ...undecidedCounts(counts, source, field), ...unevaluable].join('; ')}.`;
}

/**
 * Counts left open by items whose fields the source did not say: "could not tell critical alerts
 * open longer than 7 days or high alerts open longer than 30 days: GitHub did not report severity
 * (alerts.severity) of Dependabot #3 …; reading it needs …". Counts held up by the same items and
 * fields share one clause.
 */
function undecidedCounts(counts: ReadonlyArray<LeafFailure & { count: CountFailure }>, source: string, field: (key: string) => UnreportedField): string[] {
  const groups = new Map<string, { headings: string[]; fields: string[]; unchecked: string[]; items: unknown[]; reveal: string[] }>();
  for (const f of counts) {
    const label = (k: string) => field(k).label;
    const missing = [...new Set(f.count.undecided.flatMap((u) => u.failures.filter((x) => x.reason === 'missing').map((x) => x.key)))];
    const unchecked = [...new Set(f.count.undecided.flatMap((u) => u.failures.filter((x) => x.reason !== 'missing').map((x) => describeFailure(x, label))))];
    const items = f.count.undecided.map((u) => u.item);
    const group = JSON.stringify([missing, unchecked, items]);
    const heading = countedText(f.key, f.count, label);
    const entry = groups.get(group);
    if (entry) {
      if (!entry.headings.includes(heading)) entry.headings.push(heading);
      continue;
    }
    const fields = missing.map((k) => `${label(k) ?? k} (${k})`);
    groups.set(group, { headings: [heading], fields, unchecked, items, reveal: [...new Set(missing.flatMap((k) => field(k).permissions))] });
  }
  return [...groups.values()].map((g) => {
    const why = [
      ...(g.fields.length ? [`${source} did not report ${joinOr(g.fields)} of ${itemsText(g.items)}`] : []),
      ...(g.unchecked.length ? [`${g.unchecked.join('; ')} (${itemsText(g.items)})`] : []),
    ].join('; ');
    const reveal = g.reveal.length ? `; reading ${g.fields.length === 1 ? 'it' : 'them'} needs ${g.reveal.join(' and ')}` : '';
    return `could not tell ${joinOr(g.headings)}: ${why}${reveal}`;
  });
}

function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
