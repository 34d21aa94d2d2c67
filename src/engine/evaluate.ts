/**
 * Pure: (Control, collection outcome, exceptions, now) → ControlResult. No I/O, no clock.
 *
 * The verdict rules (docs/verdicts.md): a field the source did not send is `error` for that
 * resource, never a pass or a fail; a control with a failing resource is `fail` even when other
 * evidence is incomplete (and says so); otherwise incomplete evidence can only end in `error`. No
 * path through here reaches `pass` without every resource in scope having passed its assertion.
 */
import { resolvedFrequency, type Control } from '../controls/schema.js';
import type { AnyCollector, CollectedResource, Evidence } from '../collectors/types.js';
import type { ControlResult, EvidenceRef, Finding } from '../results.js';
import type { ExceptionEntry } from './exceptions.js';
import { evaluateAssertion } from './assert.js';
import { findingMessage, sourceName, unreportedMessage, type UnreportedField } from './messages.js';
import { applyExceptions } from './exception-match.js';
import { fieldAt } from '../schema-walk.js';
import { occurrencesOf, resourceLocation } from './locations.js';

/** What evaluation needs of the evidence: its resources, read one at a time (from the evidence file), and its gaps. */
export type EvidenceToEvaluate = Omit<Evidence<Record<string, unknown>>, 'resources'> & {
  resources: Iterable<CollectedResource<Record<string, unknown>>>;
};

export type CollectionOutcome =
  | { kind: 'evidence'; evidence: EvidenceToEvaluate; ref: EvidenceRef }
  | { kind: 'not_applicable'; reason: string }
  | { kind: 'error'; reason: string };

export function evaluateControl(
  control: Control,
  outcome: CollectionOutcome | undefined,
  collector: AnyCollector | undefined,
  exceptions: readonly ExceptionEntry[],
  today: string,
  /** The run's clock for age operators (the run's start); default: the start of `today`, UTC. */
  now: Date = new Date(`${today}T00:00:00Z`),
): ControlResult {
  const base = {
    id: control.id,
    title: control.title,
    criteria: control.criteria,
    severity: control.severity,
    type: control.type,
    frequency: resolvedFrequency(control),
    description: control.description.trim(),
    rationale: control.rationale?.trim(),
    remediation: control.remediation.trim(),
    references: control.references ?? [],
    source: control.source,
    builtin: control.builtin,
    collector: control.collector,
    params: control.type === 'automated' ? control.resolvedParams : undefined,
    ...(control.overrides ? { overrides: control.overrides } : {}),
  };
  const counts = { resources: 0, pass: 0, fail: 0, error: 0, excepted: 0, notApplicable: 0 };

  if (control.type === 'automated' && (!outcome || !control.assert)) {
    // Cannot happen through the engine; if it ever does, it must not read as anything but an error.
    return { ...base, status: 'error', statusReason: 'No evidence was collected for this control. This is a bug in soc2; please report it.', incomplete: true, counts: { ...counts, error: 1 }, findings: [], evidence: [] };
  }
  if (control.type === 'manual' || !outcome || !control.assert) {
    const needed = control.evidenceRequired ?? [];
    return {
      ...base,
      status: 'manual',
      statusReason: `Needs a person: attach ${needed.length === 1 ? 'this record' : `these ${needed.length} records`} to the audit file.`,
      evidenceRequired: needed,
      counts,
      findings: [],
      evidence: [],
    };
  }
  if (outcome.kind === 'not_applicable') {
    return { ...base, status: 'not_applicable', statusReason: outcome.reason, counts, findings: [], evidence: [] };
  }
  if (outcome.kind === 'error') {
    return { ...base, status: 'error', statusReason: outcome.reason, incomplete: true, counts: { ...counts, error: 1 }, findings: [], evidence: [] };
  }

  const { evidence, ref } = outcome;
  const labels = new Map<string, string | undefined>();
  const label = (key: string) => {
    if (!labels.has(key)) labels.set(key, collector ? fieldAt(collector.resource, key.split('.'))?.label : undefined);
    return labels.get(key);
  };
  const unreported = (key: string): UnreportedField => {
    const info = collector ? fieldAt(collector.resource, key.split('.')) : undefined;
    const revealing = revealedBy(collector, key);
    return { label: info?.label, yesNo: info?.kind === 'boolean', permissions: revealing ? [revealing] : collector?.permissions ?? [] };
  };
  const source = sourceName(collector?.source);
  const mayBeUnreported = (key: string) => revealedBy(collector, key) !== undefined;
  const gapsByResource = new Map<string, string[]>();
  for (const g of evidence.gaps) {
    if (!g.resource) continue;
    const list = gapsByResource.get(g.resource);
    if (list) list.push(g.message);
    else gapsByResource.set(g.resource, [g.message]);
  }
  const findings: Finding[] = [];
  // Passing resources are counted, not kept: results.json and every report show them as a count
  // with the evidence file that lists them, and a population can hold 200,000 of them.
  let passed = 0;
  let resources = 0;
  const seenWithGaps = new Set<string>();
  const whereIs = (r: CollectedResource<Record<string, unknown>>) => {
    const location = resourceLocation(collector, r.data);
    return { resource: r.id, resourceType: r.type, region: r.region, account: r.account, evidence: ref.file, ...(location ? { location } : {}) };
  };
  for (const r of evidence.resources) {
    resources++;
    const gaps = gapsByResource.get(r.id);
    if (gaps) seenWithGaps.add(r.id);
    if (r.notApplicable) {
      findings.push({ ...whereIs(r), status: 'not_applicable', message: `${resourceName(r)}: not applicable — ${r.notApplicable}` });
    } else if (gaps) {
      findings.push({ ...whereIs(r), status: 'error', message: gaps.join(' ') });
    } else {
      const out = evaluateAssertion(control.assert, r.data, { mayBeUnreported, now });
      if (out.verdict === 'pass') passed++;
      else if (out.verdict === 'fail') findings.push({ ...whereIs(r), status: 'fail', message: findingMessage(resourceName(r), out.failures, label), ...occurrencesOf(out.failures, r.data, collector, label) });
      else findings.push({ ...whereIs(r), status: 'error', message: unreportedMessage(resourceName(r), source, out.failures, unreported) });
    }
  }
  for (const [resource, messages] of gapsByResource) {
    if (!seenWithGaps.has(resource)) findings.push({ resource, status: 'error', message: messages.join(' '), evidence: ref.file });
  }
  const globalGaps = evidence.gaps.filter((g) => !g.resource);

  applyExceptions(control.id, findings, exceptions, today);
  findings.sort(compareFindings);
  for (const f of findings) {
    counts[f.status === 'not_applicable' ? 'notApplicable' : f.status]++;
  }
  counts.pass += passed;
  counts.resources = resources;

  const verdict = decideVerdict({ counts, findings, globalProblems: globalGaps.map((g) => g.message), evidenceComplete: evidence.complete, whenEmpty: control.whenEmptyResolved });
  return {
    ...base,
    status: verdict.status,
    statusReason: verdict.statusReason,
    ...(verdict.incomplete ? { incomplete: true } : {}),
    counts,
    findings,
    evidence: [ref],
  };
}

export interface VerdictInput {
  counts: ControlResult['counts'];
  /** Every finding, in the order of compareFindings. */
  findings: readonly Finding[];
  /** Messages of the gaps that concern no one resource, in the order the evidence lists them. */
  globalProblems: readonly string[];
  /** Whether the collector reported its evidence complete. */
  evidenceComplete: boolean;
  whenEmpty: 'not_applicable' | 'fail' | 'error';
}

/**
 * The status of an automated control from its findings: fail before error, then excepted, then
 * what an empty population means, then pass. One rule for a run and for `soc2 merge`, which joins
 * the findings of shards and decides again.
 */
export function decideVerdict(v: VerdictInput): { status: ControlResult['status']; statusReason: string; incomplete: boolean } {
  const { counts, findings } = v;
  const problems = [...v.globalProblems, ...findings.filter((f) => f.status === 'error').map((f) => f.message)];
  const incomplete = !v.evidenceComplete || problems.length > 0;
  const result = (status: ControlResult['status'], statusReason: string) => ({ status, statusReason, incomplete });
  const incompleteness = () => {
    const first = problems[0] ?? 'the collector reported its evidence as incomplete.';
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    return `${first}${more}`;
  };

  // Fail before error: a known deviation is reported as one even when other evidence is missing.
  if (counts.fail) {
    const failing = `${counts.fail} of ${counts.resources - counts.notApplicable} resource${counts.resources === 1 ? '' : 's'} fail${counts.fail === 1 ? 's' : ''}: ${findings.find((f) => f.status === 'fail')!.message}`;
    return result('fail', incomplete ? `${failing} The evidence is also incomplete, so more may fail: ${incompleteness()}` : failing);
  }
  if (incomplete) return result('error', `Evidence is incomplete: ${incompleteness()}`);
  if (counts.excepted) {
    return result('excepted', `${counts.excepted} failing resource${counts.excepted === 1 ? ' is' : 's are'} covered by an approved exception; nothing else fails.`);
  }
  const evaluated = counts.pass;
  if (evaluated === 0) {
    const why = counts.resources === 0 ? 'the collector found no resources' : 'every resource found is out of scope';
    switch (v.whenEmpty) {
      case 'not_applicable':
        return result('not_applicable', `Nothing to check: ${why}.`);
      case 'fail':
        return result('fail', `Nothing to check: ${why}, and this control requires at least one.`);
      default:
        return result('error', `Nothing to check: ${why}; an empty population is not evidence, so the control cannot pass. Check the scope and permissions.`);
    }
  }
  return result('pass', `No deviations detected by automated test: ${evaluated} of ${evaluated} resource${evaluated === 1 ? '' : 's'} meet the requirement.`);
}

/** The order findings are reported in: failures first, then errors, exceptions, passes; by resource within each. */
export function compareFindings(a: Finding, b: Finding): number {
  return STATUS_RANK[a.status] - STATUS_RANK[b.status] || byResource.compare(a.resource, b.resource);
}

/** A resource as a sentence names it: AWS resources carry their type, region and account. */
export function resourceName(r: { id: string; label?: string; type?: string; region?: string; account?: string }): string {
  const name = r.label ?? r.id;
  const where = [r.type, r.region, r.account && `account ${r.account}`].filter(Boolean);
  return where.length ? `${name} (${where.join(', ')})` : name;
}

const STATUS_RANK: Record<Finding['status'], number> = { fail: 0, error: 1, excepted: 2, pass: 3, not_applicable: 4 };
/** The order localeCompare gives, without building a collator for every comparison. */
const byResource = new Intl.Collator();

/** The permission that reveals a key an API may leave out: the entry for the key or for the object that holds it. */
function revealedBy(collector: AnyCollector | undefined, key: string): string | undefined {
  const map = collector?.revealedBy;
  if (!map) return undefined;
  const segs = key.split('.');
  for (let n = segs.length; n > 0; n--) {
    const hit = map[segs.slice(0, n).join('.')];
    if (hit) return hit;
  }
  return undefined;
}
