import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { evaluateControl, type CollectionOutcome } from '../../../src/engine/evaluate.js';
import type { Control } from '../../../src/controls/schema.js';
import type { AnyCollector, Evidence } from '../../../src/collectors/types.js';
import type { EvidenceRef } from '../../../src/results.js';

const resource = z.object({ requiredApprovals: z.number().describe('required approving reviews'), archived: z.boolean().optional() });
const collector = { id: 'github.branch-rules', source: 'github', resource, permissions: ['github:metadata:read', 'github:administration:read'] } as unknown as AnyCollector;

const orgResource = z.object({
  membersCanDeleteRepositories: z.boolean().nullable().describe('members can delete or transfer repositories'),
  twoFactorRequirementEnabled: z.boolean().nullable().describe('two-factor authentication required for everyone'),
  defaultRepositoryPermission: z.string().nullable().describe('base repository permission of members'),
  securityAndAnalysis: z.object({ secretScanning: z.boolean().nullable().describe('secret scanning') }).nullable(),
  ownerCount: z.number().describe('number of organisation owners'),
});
const orgCollector = {
  id: 'github.org-settings', source: 'github', resource: orgResource, permissions: ['github:org_administration:read', 'github:org_members:read'],
  revealedBy: { membersCanDeleteRepositories: 'github:org_administration:read', twoFactorRequirementEnabled: 'github:org_administration:read', defaultRepositoryPermission: 'github:org_administration:read', securityAndAnalysis: 'github:administration:read' },
} as unknown as AnyCollector;
const orgControl = (assert: Control['assert'], id = 'GH-030') => control({ id, collector: 'github.org-settings', assert });
const org = (data: Record<string, unknown>) => ev({ resources: [{ id: 'acme', data: { membersCanDeleteRepositories: false, twoFactorRequirementEnabled: true, defaultRepositoryPermission: 'read', securityAndAnalysis: { secretScanning: true }, ownerCount: 3, ...data } }] });

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
    // Passing resources are counted, not kept one by one: the evidence file lists them.
    expect(r.findings).toEqual([]);
    expect(r.counts).toMatchObject({ resources: 1, pass: 1, fail: 0, error: 0 });
  });

  it('keeps no finding per passing resource, however many pass: memory does not grow with them', () => {
    const resources = Array.from({ length: 20_000 }, (_, i) => ({ id: `nw/r${i}`, data: { requiredApprovals: i === 777 ? 0 : 2 } }));
    const r = evaluateControl(control(), ev({ resources }), collector, [], today);
    expect(r.status).toBe('fail');
    expect(r.counts).toMatchObject({ resources: 20_000, pass: 19_999, fail: 1 });
    expect(r.findings.map((f) => f.resource)).toEqual(['nw/r777']);
  });

  it('fails with a sentence naming the resource, what was found and what is required', () => {
    const r = evaluateControl(control(), ev({ resources: [{ id: 'nw/api', data: { requiredApprovals: 0 } }, { id: 'nw/web', data: { requiredApprovals: 1 } }] }), collector, [], today);
    expect(r.status).toBe('fail');
    expect(r.findings[0]).toMatchObject({ resource: 'nw/api', status: 'fail', message: 'nw/api: required approving reviews is 0; required: at least 1.', evidence: ref.file });
    expect(r.counts).toMatchObject({ resources: 2, pass: 1, fail: 1 });
  });

  it('reports a missing field as "could not tell" (error), never as a failure', () => {
    const r = evaluateControl(control(), ev({ resources: [{ id: 'nw/api', data: {} }] }), collector, [], today);
    expect(r.status).toBe('error');
    expect(r.incomplete).toBe(true);
    expect(r.findings[0]).toMatchObject({ status: 'error', message: 'nw/api: GitHub did not report required approving reviews (requiredApprovals); reading it needs github:metadata:read and github:administration:read.' });
  });

  describe('absent or null: the source did not say', () => {
    it.each([
      ['eq false on null (GH-030 passed on no information)', { key: 'membersCanDeleteRepositories', op: 'eq', value: false }, { membersCanDeleteRepositories: null },
        'acme: GitHub did not say whether members can delete or transfer repositories (membersCanDeleteRepositories); reading it needs github:org_administration:read.'],
      ['eq true on null (GH-001 failed on no information)', { key: 'twoFactorRequirementEnabled', op: 'eq', value: true }, { twoFactorRequirementEnabled: null },
        'acme: GitHub did not say whether two-factor authentication required for everyone (twoFactorRequirementEnabled); reading it needs github:org_administration:read.'],
      ['in on an absent key', { key: 'defaultRepositoryPermission', op: 'in', value: ['read', 'none'] }, { defaultRepositoryPermission: undefined },
        'acme: GitHub did not report base repository permission of members (defaultRepositoryPermission); reading it needs github:org_administration:read.'],
      ['a nested key under a null object takes the object\'s permission', { key: 'securityAndAnalysis.secretScanning', op: 'eq', value: true }, { securityAndAnalysis: null },
        'acme: GitHub did not say whether secret scanning (securityAndAnalysis.secretScanning); reading it needs github:administration:read.'],
      ['a field without revealedBy names the collector\'s permissions', { key: 'ownerCount', op: 'gte', value: 2 }, { ownerCount: null },
        'acme: GitHub did not report number of organisation owners (ownerCount); reading it needs github:org_administration:read and github:org_members:read.'],
      ['present on a field an API may leave out', { key: 'twoFactorRequirementEnabled', op: 'present' }, { twoFactorRequirementEnabled: null },
        'acme: GitHub did not say whether two-factor authentication required for everyone (twoFactorRequirementEnabled); reading it needs github:org_administration:read.'],
      ['two fields revealed by one permission share a clause', { all: [{ key: 'membersCanDeleteRepositories', op: 'eq', value: false }, { key: 'twoFactorRequirementEnabled', op: 'eq', value: true }] },
        { membersCanDeleteRepositories: null, twoFactorRequirementEnabled: null },
        'acme: GitHub did not say whether members can delete or transfer repositories (membersCanDeleteRepositories) or whether two-factor authentication required for everyone (twoFactorRequirementEnabled); reading them needs github:org_administration:read.'],
    ] as Array<[string, NonNullable<Control['assert']>, Record<string, unknown>, string]>)('%s → error', (_name, assert, data, message) => {
      const r = evaluateControl(orgControl(assert), org(data), orgCollector, [], today);
      expect(r.findings).toEqual([expect.objectContaining({ resource: 'acme', status: 'error', message })]);
      expect(r.status).toBe('error');
      expect(r.counts).toMatchObject({ error: 1, pass: 0, fail: 0 });
      expect(r.statusReason).toBe(`Evidence is incomplete: ${message}`);
    });

    it('still fails a resource whose known fields already fail, naming only what fails', () => {
      const r = evaluateControl(orgControl({ all: [{ key: 'ownerCount', op: 'gte', value: 5 }, { key: 'twoFactorRequirementEnabled', op: 'eq', value: true }] }), org({ twoFactorRequirementEnabled: null }), orgCollector, [], today);
      expect(r.status).toBe('fail');
      expect(r.findings[0]).toMatchObject({ status: 'fail', message: 'acme: number of organisation owners is 3; required: at least 5.' });
    });

    it('passes on a value that is present, false included', () => {
      expect(evaluateControl(orgControl({ key: 'membersCanDeleteRepositories', op: 'eq', value: false }), org({}), orgCollector, [], today).status).toBe('pass');
      expect(evaluateControl(orgControl({ key: 'membersCanDeleteRepositories', op: 'eq', value: false }), org({ membersCanDeleteRepositories: true }), orgCollector, [], today).status).toBe('fail');
    });
  });

  describe('fail before error', () => {
    const failing = { id: 'nw/api', data: { requiredApprovals: 0 } };
    const passing = { id: 'nw/web', data: { requiredApprovals: 2 } };
    const gap = { kind: 'precondition' as const, message: 'us-west-2: the AWS Config recorder is stopped, so its evaluations cannot be trusted.' };
    it.each([
      ['a global gap', { resources: [failing, passing], gaps: [gap], complete: false }, 1, 0],
      ['evidence marked incomplete without a gap', { resources: [failing, passing], complete: false }, 1, 0],
      ['a gap on another resource', { resources: [failing, passing], gaps: [{ kind: 'permission' as const, resource: 'nw/docs', message: 'nw/docs: 403 on branch protection.' }] }, 1, 1],
      ['a resource the source did not say enough about', { resources: [failing, { id: 'nw/ops', data: {} }] }, 1, 1],
    ] as Array<[string, Partial<Evidence<Record<string, unknown>>>, number, number]>)('a failing resource makes the control fail despite %s, and the incompleteness stays shown', (_name, evidence, fail, error) => {
      const r = evaluateControl(control(), ev(evidence), collector, [], today);
      expect(r.status).toBe('fail');
      expect(r.incomplete).toBe(true);
      expect(r.counts).toMatchObject({ fail, error });
      expect(r.statusReason).toMatch(/^1 of \d resources fails: nw\/api: required approving reviews is 0; required: at least 1\. The evidence is also incomplete, so more may fail: /);
    });

    it('keeps the gaps of a failing control in its evidence', () => {
      const r = evaluateControl(control(), { kind: 'evidence', evidence: { resources: [failing], complete: false, gaps: [gap], calls: [] }, ref: { ...ref, complete: false, gaps: [gap] } }, collector, [], today);
      expect(r.status).toBe('fail');
      expect(r.statusReason).toContain(gap.message);
      expect(r.evidence[0]!.gaps).toEqual([gap]);
    });

    it.each([
      ['every resource seen passes', { resources: [passing], gaps: [gap], complete: false }],
      ['nothing was found', { resources: [], gaps: [gap], complete: false }],
      ['the only failure is excepted', { resources: [failing], gaps: [gap], complete: false }],
    ] as Array<[string, Partial<Evidence<Record<string, unknown>>>]>)('without a failing resource, incomplete evidence is error: %s', (_name, evidence) => {
      const exceptions = [{ control: 'GH-002', justification: 'Frozen until the migration.', approvedBy: 'cto', expires: '2026-12-31' }];
      const r = evaluateControl(control({ whenEmptyResolved: 'fail' }), ev(evidence), collector, exceptions, today);
      expect(r.status).toBe('error');
      expect(r.incomplete).toBe(true);
      expect(r.statusReason).toBe(`Evidence is incomplete: ${gap.message}`);
    });

    it('does not mark complete evidence as incomplete', () => {
      const r = evaluateControl(control(), ev({ resources: [failing, passing] }), collector, [], today);
      expect(r.status).toBe('fail');
      expect(r).not.toHaveProperty('incomplete');
    });
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

  describe('exceptions: expiry, renewal, overlap', () => {
    const data = ev({ resources: [{ id: 'nw/api', data: { requiredApprovals: 0 } }, { id: 'nw/web', data: { requiredApprovals: 0 } }] });
    const expired = { control: 'GH-002', resources: ['nw/api'], justification: 'Frozen until the migration.', approvedBy: 'cto', expires: '2026-03-31', at: 'exceptions.yaml:2' };
    const renewal = { control: 'GH-002', resources: ['nw/api'], justification: 'Migration moved to Q4; still frozen.', approvedBy: 'ciso', expires: '2026-12-31', at: 'exceptions.yaml:8' };
    const wide = { control: 'GH-002', justification: 'Every repository is frozen this quarter.', approvedBy: 'cto', expires: '2026-09-30', at: 'exceptions.yaml:14' };
    const api = (r: ReturnType<typeof evaluateControl>) => r.findings.find((f) => f.resource === 'nw/api')!;

    it.each([
      ['expired first, renewal second', [expired, renewal]],
      ['renewal first, expired second', [renewal, expired]],
    ])('applies a valid renewal of an expired exception (%s)', (_name, entries) => {
      const f = api(evaluateControl(control(), data, collector, entries, today));
      expect(f.status).toBe('excepted');
      expect(f.exception).toBe('Migration moved to Q4; still frozen. — approved by ciso, expires 2026-12-31');
      expect(f.message).not.toContain('expired');
    });

    it('says when every exception for a finding has expired, naming the latest expiry', () => {
      const f = api(evaluateControl(control(), data, collector, [expired, { ...expired, expires: '2026-05-31' }], today));
      expect(f.status).toBe('fail');
      expect(f.message).toContain('(An exception for this expired on 2026-05-31; it no longer applies.)');
    });

    it('applies the exception that expires last when two valid ones overlap, and names the other in the finding', () => {
      const r = evaluateControl(control(), data, collector, [wide, renewal], today);
      expect(api(r).exception).toBe('Migration moved to Q4; still frozen. — approved by ciso, expires 2026-12-31. Overlapping exceptions: exceptions.yaml:14 (expires 2026-09-30) also covers this; the one that expires last applies');
      expect(r.findings.find((f) => f.resource === 'nw/web')!.exception).toBe('Every repository is frozen this quarter. — approved by cto, expires 2026-09-30');
      expect(r.status).toBe('excepted');
    });

    it('is valid through its expiry date', () => {
      expect(api(evaluateControl(control(), data, collector, [{ ...renewal, expires: today }], today)).status).toBe('excepted');
    });
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
