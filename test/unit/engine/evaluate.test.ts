import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { evaluateControl, type CollectionOutcome } from '../../../src/engine/evaluate.js';
import type { Control } from '../../../src/controls/schema.js';
import type { AnyCollector, Evidence } from '../../../src/collectors/types.js';
import type { EvidenceRef } from '../../../src/results.js';

const resource = z.object({ requiredApprovals: z.number().describe('required approving reviews'), archived: z.boolean().optional() });
const collector = { id: 'github.branch-rules', resource } as unknown as AnyCollector;

function control(over: Partial<Control> = {}): Control {
  return {
    id: 'GH-002', title: 'Default branches require review', criteria: ['CC8.1'], severity: 'high', type: 'automated',
    description: 'd', remediation: 'r', collector: 'github.branch-rules', params: {},
    assert: { key: 'requiredApprovals', op: 'gte', value: 1 },
    file: '/x/controls/GH-002.yaml', source: 'controls/GH-002.yaml', builtin: false, resolvedParams: {}, whenEmptyResolved: 'error', ...over,
  };
}

const ref: EvidenceRef = { file: 'evidence/github/x.json', sha256: 'a'.repeat(64), collector: 'github.branch-rules', params: {}, collectedAt: '2026-06-30T00:00:00.000Z', finishedAt: '2026-06-30T00:00:01.000Z', complete: true, resourceCount: 0, calls: [], gaps: [] };

function ev(e: Partial<Evidence<Record<string, unknown>>>): CollectionOutcome {
  return { kind: 'evidence', evidence: { resources: [], complete: true, gaps: [], calls: [], ...e }, ref };
}

const today = '2026-06-30';

describe('engine/evaluate', () => {
  it('passes when every resource meets the assertion, and says so without claiming compliance', () => {
    const r = evaluateControl(control(), ev({ resources: [{ id: 'nw/api', data: { requiredApprovals: 2 } }] }), collector, [], today);
    expect(r.status).toBe('pass');
    expect(r.statusReason).toMatch(/No deviations detected by automated test/);
    expect(r.findings[0]!.message).toBe('nw/api: meets the requirement (required approving reviews is 2).');
  });

  it('fails with a sentence naming the resource, what was found and what is required', () => {
    const r = evaluateControl(control(), ev({ resources: [{ id: 'nw/api', data: { requiredApprovals: 0 } }, { id: 'nw/web', data: { requiredApprovals: 1 } }] }), collector, [], today);
    expect(r.status).toBe('fail');
    expect(r.findings[0]).toMatchObject({ resource: 'nw/api', status: 'fail', message: 'nw/api: required approving reviews is 0; required: at least 1.', evidence: ref.file });
    expect(r.counts).toMatchObject({ resources: 2, pass: 1, fail: 1 });
  });

  it('names a missing field instead of passing or throwing', () => {
    const r = evaluateControl(control(), ev({ resources: [{ id: 'nw/api', data: {} }] }), collector, [], today);
    expect(r.status).toBe('fail');
    expect(r.findings[0]!.message).toContain('required approving reviews (requiredApprovals) was not reported');
  });

  it('ends in error when the evidence is incomplete, even if every resource seen passes', () => {
    const r = evaluateControl(control(), ev({ complete: false, resources: [{ id: 'nw/api', data: { requiredApprovals: 2 } }], gaps: [{ kind: 'permission', message: 'token lacks administration:read for nw/web.', resource: 'nw/web' }] }), collector, [], today);
    expect(r.status).toBe('error');
    expect(r.statusReason).toContain('token lacks administration:read');
    expect(r.findings.find((f) => f.resource === 'nw/web')!.status).toBe('error');
  });

  it('ends in error on a global gap without a resource', () => {
    const r = evaluateControl(control(), ev({ complete: false, gaps: [{ kind: 'rate-limit', message: 'throttled past retries.' }] }), collector, [], today);
    expect(r.status).toBe('error');
    expect(r.statusReason).toContain('throttled past retries');
  });

  it('marks the resource of a gap as error even when the collector claims completeness', () => {
    const r = evaluateControl(control(), ev({ resources: [{ id: 'nw/api', data: { requiredApprovals: 2 } }], gaps: [{ kind: 'permission', message: 'nw/api: 403.', resource: 'nw/api' }] }), collector, [], today);
    expect(r.status).toBe('error');
    expect(r.findings[0]!.status).toBe('error');
  });

  it.each([
    ['not_applicable', 'not_applicable'],
    ['fail', 'fail'],
    ['error', 'error'],
  ] as const)('applies whenEmpty=%s to an empty population', (whenEmpty, status) => {
    const r = evaluateControl(control({ whenEmptyResolved: whenEmpty }), ev({}), collector, [], today);
    expect(r.status).toBe(status);
    expect(r.statusReason).toMatch(/Nothing to check/);
  });

  it('reports not-applicable resources (archived) with the reason and never counts them as passes', () => {
    const r = evaluateControl(control({ whenEmptyResolved: 'error' }), ev({ resources: [{ id: 'nw/old', data: { requiredApprovals: 0 }, notApplicable: 'the repository is archived' }] }), collector, [], today);
    expect(r.findings[0]).toMatchObject({ status: 'not_applicable', message: 'nw/old: not applicable — the repository is archived' });
    expect(r.status).toBe('error');
  });

  it('turns covered failures into excepted, and ignores expired exceptions', () => {
    const data = ev({ resources: [{ id: 'nw/api', data: { requiredApprovals: 0 } }] });
    const ok = evaluateControl(control(), data, collector, [{ control: 'GH-002', justification: 'Legacy repo, frozen until migration.', approvedBy: 'cto@northwind.example', expires: '2026-12-31' }], today);
    expect(ok.status).toBe('excepted');
    expect(ok.findings[0]!.exception).toContain('approved by cto@northwind.example');
    const expired = evaluateControl(control(), data, collector, [{ control: 'GH-002', justification: 'Legacy repo, frozen until migration.', approvedBy: 'cto', expires: '2026-01-31' }], today);
    expect(expired.status).toBe('fail');
    expect(expired.findings[0]!.message).toContain('expired on 2026-01-31');
  });

  it('reports manual controls with the evidence a person must attach', () => {
    const r = evaluateControl(control({ type: 'manual', collector: undefined, assert: undefined, evidenceRequired: ['Signed security policy', 'Training records'] }), undefined, undefined, [], today);
    expect(r.status).toBe('manual');
    expect(r.evidenceRequired).toEqual(['Signed security policy', 'Training records']);
  });

  it('passes through not-applicable and error outcomes with their reasons', () => {
    expect(evaluateControl(control(), { kind: 'not_applicable', reason: 'GitHub is not in scope.' }, collector, [], today)).toMatchObject({ status: 'not_applicable', statusReason: 'GitHub is not in scope.' });
    expect(evaluateControl(control(), { kind: 'error', reason: 'No token found.' }, collector, [], today)).toMatchObject({ status: 'error', statusReason: 'No token found.' });
  });

  it('never reports an automated control without evidence as anything but error', () => {
    expect(evaluateControl(control(), undefined, collector, [], today).status).toBe('error');
  });
});
