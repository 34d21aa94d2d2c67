/**
 * Pure: (Control, collection outcome, exceptions, now) → ControlResult. No I/O, no clock.
 * Incomplete evidence can only end in `error`; no path through here reaches `pass` without every
 * resource having passed its assertion.
 */
import type { Control, Assertion } from '../controls/schema.js';
import type { AnyCollector, Evidence } from '../collectors/types.js';
import type { ControlResult, EvidenceRef, Finding } from '../results.js';
import type { ExceptionEntry } from './exceptions.js';
import { evaluateAssertion, getPath } from './assert.js';
import { findingMessage, formatValue } from './messages.js';
import { fieldAt } from '../schema-walk.js';
import { assertionKeys } from '../controls/validate-assertion.js';

export type CollectionOutcome =
  | { kind: 'evidence'; evidence: Evidence<Record<string, unknown>>; ref: EvidenceRef }
  | { kind: 'not_applicable'; reason: string }
  | { kind: 'error'; reason: string };

export function evaluateControl(
  control: Control,
  outcome: CollectionOutcome | undefined,
  collector: AnyCollector | undefined,
  exceptions: readonly ExceptionEntry[],
  today: string,
): ControlResult {
  const base = {
    id: control.id,
    title: control.title,
    criteria: control.criteria,
    severity: control.severity,
    type: control.type,
    description: control.description.trim(),
    rationale: control.rationale?.trim(),
    remediation: control.remediation.trim(),
    references: control.references ?? [],
    source: control.source,
    builtin: control.builtin,
    collector: control.collector,
    params: control.type === 'automated' ? control.resolvedParams : undefined,
  };
  const counts = { resources: 0, pass: 0, fail: 0, error: 0, excepted: 0, notApplicable: 0 };

  if (control.type === 'automated' && (!outcome || !control.assert)) {
    // Cannot happen through the engine; if it ever does, it must not read as anything but an error.
    return { ...base, status: 'error', statusReason: 'No evidence was collected for this control. This is a bug in soc2; please report it.', counts: { ...counts, error: 1 }, findings: [], evidence: [] };
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
    return { ...base, status: 'error', statusReason: outcome.reason, counts: { ...counts, error: 1 }, findings: [], evidence: [] };
  }

  const { evidence, ref } = outcome;
  const label = (key: string) => (collector ? fieldAt(collector.resource, key.split('.'))?.label : undefined);
  const gapsByResource = new Map<string, string[]>();
  for (const g of evidence.gaps) {
    if (g.resource) gapsByResource.set(g.resource, [...(gapsByResource.get(g.resource) ?? []), g.message]);
  }
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const r of evidence.resources) {
    seen.add(r.id);
    const where = { resource: r.id, resourceType: r.type, region: r.region, account: r.account, evidence: ref.file };
    const name = resourceName(r);
    const gaps = gapsByResource.get(r.id);
    if (r.notApplicable) {
      findings.push({ ...where, status: 'not_applicable', message: `${name}: not applicable — ${r.notApplicable}` });
    } else if (gaps) {
      findings.push({ ...where, status: 'error', message: gaps.join(' ') });
    } else {
      const out = evaluateAssertion(control.assert, r.data);
      if (out.verdict === 'pass') findings.push({ ...where, status: 'pass', message: passMessage(name, control.assert, r.data, label) });
      else findings.push({ ...where, status: 'fail', message: findingMessage(name, out.failures, label) });
    }
  }
  for (const [resource, messages] of gapsByResource) {
    if (!seen.has(resource)) findings.push({ resource, status: 'error', message: messages.join(' '), evidence: ref.file });
  }
  const globalGaps = evidence.gaps.filter((g) => !g.resource);

  applyExceptions(control.id, findings, exceptions, today);
  findings.sort((a, b) => statusRank(a.status) - statusRank(b.status) || a.resource.localeCompare(b.resource));
  for (const f of findings) {
    counts[f.status === 'not_applicable' ? 'notApplicable' : f.status]++;
  }
  counts.resources = evidence.resources.length;

  const result = (status: ControlResult['status'], statusReason: string): ControlResult => ({
    ...base,
    status,
    statusReason,
    counts,
    findings,
    evidence: [ref],
  });

  if (!evidence.complete || globalGaps.length || counts.error) {
    const reasons = [...globalGaps.map((g) => g.message), ...findings.filter((f) => f.status === 'error').map((f) => f.message)];
    const first = reasons[0] ?? 'the collector reported its evidence as incomplete.';
    const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more problem${reasons.length > 2 ? 's' : ''})` : '';
    const failNote = counts.fail ? ` ${counts.fail} resource${counts.fail === 1 ? '' : 's'} already fail${counts.fail === 1 ? 's' : ''}.` : '';
    return result('error', `Evidence is incomplete: ${first}${more}${failNote}`);
  }
  if (counts.fail) {
    return result('fail', `${counts.fail} of ${counts.resources - counts.notApplicable} resource${counts.resources === 1 ? '' : 's'} fail${counts.fail === 1 ? 's' : ''}: ${findings.find((f) => f.status === 'fail')!.message}`);
  }
  if (counts.excepted) {
    return result('excepted', `${counts.excepted} failing resource${counts.excepted === 1 ? ' is' : 's are'} covered by an approved exception; nothing else fails.`);
  }
  const evaluated = counts.pass;
  if (evaluated === 0) {
    const why = counts.resources === 0 ? 'the collector found no resources' : 'every resource found is out of scope';
    switch (control.whenEmptyResolved) {
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

/** A resource as a sentence names it: AWS resources carry their type, region and account. */
export function resourceName(r: { id: string; label?: string; type?: string; region?: string; account?: string }): string {
  const name = r.label ?? r.id;
  const where = [r.type, r.region, r.account && `account ${r.account}`].filter(Boolean);
  return where.length ? `${name} (${where.join(', ')})` : name;
}

function statusRank(s: Finding['status']): number {
  return { fail: 0, error: 1, excepted: 2, pass: 3, not_applicable: 4 }[s];
}

function passMessage(resource: string, a: Assertion, data: unknown, label: (k: string) => string | undefined): string {
  const keys = [...new Set(assertionKeys(a))];
  const facts = keys.slice(0, 4).map((k) => `${label(k) ?? k} is ${formatValue(getPath(data, k))}`);
  return `${resource}: meets the requirement (${facts.join('; ')}${keys.length > 4 ? '; …' : ''}).`;
}

function applyExceptions(controlId: string, findings: Finding[], exceptions: readonly ExceptionEntry[], today: string): void {
  for (const f of findings) {
    if (f.status !== 'fail') continue;
    const match = exceptions.find((e) => e.control === controlId && (!e.resources || e.resources.includes(f.resource)));
    if (!match) continue;
    if (match.expires < today) {
      f.message += ` (An exception for this expired on ${match.expires}; it no longer applies.)`;
      continue;
    }
    f.status = 'excepted';
    f.exception = `${match.justification} — approved by ${match.approvedBy}, expires ${match.expires}`;
  }
}
