/**
 * Finding sentences, rendered in one place from assertion failures:
 * "acme/api: required approving reviews is 0; required: at least 1."
 * "acme: GitHub did not say whether members can delete or transfer repositories
 *  (membersCanDeleteRepositories); reading it needs github:org_administration:read."
 */
import type { EvidenceSource } from '../collectors/types.js';
import type { LeafFailure } from './assert.js';

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
  };
  const base = text[f.op] ?? `${f.op} ${v}`;
  return negated ? `not ${base}` : base;
}

export function describeFailure(f: LeafFailure, label: LabelLookup): string {
  const name = label(f.key) ?? f.key;
  if (f.reason === 'missing') return `${name} (${f.key}) was not reported, so it cannot be shown to be ${describeRequirement(f)}`;
  if (f.reason === 'unevaluable') return `${name} (${f.key}) could not be checked against "${describeRequirement(f)}"`;
  return `${name} is ${formatValue(f.actual)}; required: ${describeRequirement(f, f.reason === 'negated')}`;
}

export function findingMessage(resource: string, failures: readonly LeafFailure[], label: LabelLookup): string {
  const parts = [...new Map(failures.map((f) => [`${f.key}|${f.op}|${f.reason}`, f])).values()].map((f) => describeFailure(f, label));
  return `${resource}: ${parts.join('; ')}.`;
}

/** How a sentence names the system that did not say. */
export const SOURCE_NAMES: Readonly<Record<EvidenceSource, string>> = { aws: 'AWS Config', github: 'GitHub', repo: 'the repository checkout' };

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
  const unique = [...new Map(failures.map((f) => [`${f.key}|${f.reason}`, f])).values()];
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
  return `${resource}: ${[...clauses, ...unevaluable].join('; ')}.`;
}

function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
