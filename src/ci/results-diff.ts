/**
 * What changed between two runs: failures that are new, fixed or still there, and controls that
 * newly ended in error. A failure is keyed by control id and resource (with its region and account,
 * which tell apart two AWS resources of the same name), so the same deviation is recognised across
 * runs whatever its message says today. Pure: two ResultsViews in, one ResultsDiff out.
 */
import type { ControlView, FindingView, ResultsView } from './results-reader.js';

export interface FailingResource {
  controlId: string;
  title: string;
  severity: string;
  /** null when the control fails as a whole without naming a failing resource. */
  resource: string | null;
  region?: string;
  account?: string;
  /** The failing findings' messages for this resource (a resource can fail several checks). */
  messages: string[];
}

export interface FixedResource extends FailingResource {
  /** How it stopped failing: it passes (or is gone), an exception now covers it, or it no longer applies. */
  now: 'passes' | 'excepted' | 'not_applicable';
}

export interface UncheckedResource extends FailingResource {
  /** Why the new run cannot say whether it still fails. */
  why: string;
}

export interface ControlError {
  controlId: string;
  title: string;
  severity: string;
  reason: string;
}

export interface ControlChange {
  id: string;
  title: string;
  severity: string;
  /** Status in the old and the new run; null when the control is not in that run. */
  old: string | null;
  new: string | null;
  newFailures: number;
  fixed: number;
  stillFailing: number;
  notChecked: number;
}

export interface ResultsDiff {
  old: RunRef;
  new: RunRef;
  newFailures: FailingResource[];
  fixed: FixedResource[];
  stillFailing: FailingResource[];
  /** Failing in the old run; the new run could not check them (control in error, resource unread, control gone). */
  notChecked: UncheckedResource[];
  /** Controls in error now that were not in error before (or did not exist). */
  newErrors: ControlError[];
  /** Controls in error in both runs. */
  stillErroring: ControlError[];
  /** Every control that fails, errs or changed status in either run. */
  controls: ControlChange[];
}

export interface RunRef {
  file: string;
  runId?: string;
  finishedAt?: string;
  sample: boolean;
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export function severityRank(severity: string): number {
  return SEVERITY_RANK[severity] ?? Object.keys(SEVERITY_RANK).length;
}

/** The stable identity of a failure within its control. */
function resourceKey(f: Pick<FindingView, 'resource' | 'region' | 'account'> | null): string {
  return f === null ? '' : JSON.stringify([f.resource, f.region ?? '', f.account ?? '']);
}

/** Failing resources of one control, keyed; a failing control that names none fails as a whole. */
function failingResources(c: ControlView): Map<string, FailingResource> {
  const out = new Map<string, FailingResource>();
  if (c.status !== 'fail') return out;
  const base = { controlId: c.id, title: c.title, severity: c.severity };
  for (const f of c.findings) {
    if (f.status !== 'fail') continue;
    const key = resourceKey(f);
    const known = out.get(key);
    if (known) known.messages.push(f.message);
    else out.set(key, { ...base, resource: f.resource, ...(f.region ? { region: f.region } : {}), ...(f.account ? { account: f.account } : {}), messages: [f.message] });
  }
  if (out.size === 0) out.set(resourceKey(null), { ...base, resource: null, messages: [c.statusReason] });
  return out;
}

/** What the new run says about a resource that failed in the old one. */
function afterwards(was: FailingResource, now: ControlView | undefined): { fixed: FixedResource['now'] } | { why: string } {
  if (!now) return { why: 'the control is not in the new run' };
  if (now.status === 'error') return { why: `the control could not be evaluated: ${now.statusReason}` };
  if (now.status === 'manual') return { why: 'the control now needs evidence attached by a person' };
  if (now.status === 'not_applicable') return { fixed: 'not_applicable' };
  const key = resourceKey(was.resource === null ? null : { resource: was.resource, region: was.region, account: was.account });
  const findings = now.findings.filter((f) => resourceKey(f) === key);
  if (findings.some((f) => f.status === 'error')) return { why: 'the resource could not be read in the new run' };
  if (findings.some((f) => f.status === 'excepted') || now.status === 'excepted') return { fixed: 'excepted' };
  // Not in the new evidence at all: gone, or in the part of the estate the new run could not read.
  if (findings.length === 0 && now.incomplete) return { why: 'it is not in the new evidence, which is incomplete' };
  if (findings.length > 0 && findings.every((f) => f.status === 'not_applicable')) return { fixed: 'not_applicable' };
  return { fixed: 'passes' };
}

function byImportance(a: { severity: string; controlId: string; resource?: string | null }, b: typeof a): number {
  return severityRank(a.severity) - severityRank(b.severity)
    || compare(a.controlId, b.controlId)
    || compare(a.resource ?? '', b.resource ?? '');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function errorOf(c: ControlView): ControlError {
  return { controlId: c.id, title: c.title, severity: c.severity, reason: c.statusReason };
}

export function diffResults(oldRun: ResultsView, newRun: ResultsView): ResultsDiff {
  const oldControls = new Map(oldRun.controls.map((c) => [c.id, c]));
  const newControls = new Map(newRun.controls.map((c) => [c.id, c]));
  const diff: ResultsDiff = {
    old: refOf(oldRun),
    new: refOf(newRun),
    newFailures: [], fixed: [], stillFailing: [], notChecked: [], newErrors: [], stillErroring: [], controls: [],
  };
  const changes = new Map<string, ControlChange>();
  const change = (c: ControlView): ControlChange => {
    let entry = changes.get(c.id);
    if (!entry) {
      entry = { id: c.id, title: c.title, severity: c.severity, old: oldControls.get(c.id)?.status ?? null, new: newControls.get(c.id)?.status ?? null, newFailures: 0, fixed: 0, stillFailing: 0, notChecked: 0 };
      changes.set(c.id, entry);
    }
    return entry;
  };

  for (const c of newRun.controls) {
    const before = oldControls.get(c.id);
    const wasFailing = before ? failingResources(before) : new Map<string, FailingResource>();
    for (const [key, failure] of failingResources(c)) {
      if (wasFailing.has(key)) {
        diff.stillFailing.push(failure);
        change(c).stillFailing++;
      } else {
        diff.newFailures.push(failure);
        change(c).newFailures++;
      }
    }
    if (c.status === 'error') {
      if (before?.status === 'error') diff.stillErroring.push(errorOf(c));
      else diff.newErrors.push(errorOf(c));
      change(c);
    }
    if (before && before.status !== c.status) change(c);
  }
  for (const c of oldRun.controls) {
    const now = newControls.get(c.id);
    const stillFailing = now ? failingResources(now) : new Map<string, FailingResource>();
    for (const [key, failure] of failingResources(c)) {
      if (stillFailing.has(key)) continue;
      const after = afterwards(failure, now);
      if ('fixed' in after) {
        diff.fixed.push({ ...failure, now: after.fixed });
        change(c).fixed++;
      } else {
        diff.notChecked.push({ ...failure, why: after.why });
        change(c).notChecked++;
      }
    }
    if (!now) change(c);
  }
  for (const list of [diff.newFailures, diff.fixed, diff.stillFailing, diff.notChecked]) list.sort(byImportance);
  for (const list of [diff.newErrors, diff.stillErroring]) list.sort(byImportance);
  diff.controls = [...changes.values()].sort((a, b) => byImportance({ ...a, controlId: a.id }, { ...b, controlId: b.id }));
  return diff;
}

function refOf(v: ResultsView): RunRef {
  return { file: v.shown, ...(v.runId ? { runId: v.runId } : {}), ...(v.finishedAt ? { finishedAt: v.finishedAt } : {}), sample: v.sample };
}

/** "acme/api", "nw-logs (us-east-1, account 1234…)", or "(the control as a whole)". */
export function resourceLabel(f: Pick<FailingResource, 'resource' | 'region' | 'account'>): string {
  if (f.resource === null) return '(the control as a whole)';
  const where = [f.region, f.account ? `account ${f.account}` : undefined].filter(Boolean);
  return where.length ? `${f.resource} (${where.join(', ')})` : f.resource;
}
