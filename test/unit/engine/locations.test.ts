import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { evaluateControl, type CollectionOutcome } from '../../../src/engine/evaluate.js';
import type { Control } from '../../../src/controls/schema.js';
import type { AnyCollector, Evidence } from '../../../src/collectors/types.js';
import { MAX_OCCURRENCES, type EvidenceRef } from '../../../src/results.js';
import { collector as workflows } from '../../../src/collectors/repo/workflows.js';
import { collector as secrets } from '../../../src/collectors/repo/secrets.js';
import { collector as lockfile } from '../../../src/collectors/repo/lockfile.js';
import { collector as codeowners } from '../../../src/collectors/repo/codeowners.js';
import { collector as dependencyUpdates } from '../../../src/collectors/repo/dependency-updates.js';

const ref: EvidenceRef = { file: 'evidence/repo/x.json', sha256: 'a'.repeat(64), collector: 'repo.x', params: {}, collectedAt: '2026-06-30T00:00:00.000Z', finishedAt: '2026-06-30T00:00:01.000Z', complete: true, resourceCount: 1, calls: [], gaps: [] };

function control(over: Partial<Control>): Control {
  return {
    id: 'REPO-900', title: 't', criteria: ['CC8.1'], severity: 'high', type: 'automated', description: 'd', remediation: 'r', params: {},
    file: '/x/controls/REPO-900.yaml', source: 'controls/REPO-900.yaml', builtin: false, resolvedParams: {}, whenEmptyResolved: 'error', ...over,
  } as Control;
}

function ev(resources: Evidence<Record<string, unknown>>['resources']): CollectionOutcome {
  return { kind: 'evidence', evidence: { resources, complete: true, gaps: [], calls: [] }, ref };
}

const today = '2026-06-30';

describe('engine/locations', () => {
  it('points a workflow finding at its file, and each unpinned action at its line', () => {
    const c = control({ collector: 'repo.workflows', assert: { all: [{ key: 'parsed', op: 'eq', value: true }, { key: 'unpinnedActions', op: 'empty' }] } });
    const data = {
      path: '.github/workflows/ci.yml', parsed: true,
      unpinnedActions: [
        { summary: 'line 9: actions/checkout@v4 (job build, step "Checkout")', uses: 'actions/checkout@v4', job: 'build', step: 'Checkout', line: 9 },
        { summary: 'line 14: acme/deploy@main (job build, step "Deploy")', uses: 'acme/deploy@main', job: 'build', step: 'Deploy', line: 14 },
      ],
    };
    const r = evaluateControl(c, ev([{ id: '.github/workflows/ci.yml', data }, { id: '.github/workflows/ok.yml', data: { path: '.github/workflows/ok.yml', parsed: true, unpinnedActions: [] } }]), workflows, [], today);
    const [fail, ...others] = r.findings;
    expect(fail).toMatchObject({
      status: 'fail',
      location: { file: '.github/workflows/ci.yml' },
      occurrences: [
        { field: 'third-party actions not pinned to a full commit SHA (docker:// images: to a sha256 digest)', text: data.unpinnedActions[0]!.summary, location: { file: '.github/workflows/ci.yml', line: 9 } },
        { field: 'third-party actions not pinned to a full commit SHA (docker:// images: to a sha256 digest)', text: data.unpinnedActions[1]!.summary, location: { file: '.github/workflows/ci.yml', line: 14 } },
      ],
    });
    expect(fail!.occurrenceCount).toBeUndefined();
    // A passing resource is counted, not listed: its evidence file lists it.
    expect(others).toEqual([]);
    expect(r.counts).toMatchObject({ resources: 2, fail: 1, pass: 1 });
  });

  it('locates each secret at its own file, line and column; the repository itself has no one file', () => {
    const c = control({ collector: 'repo.secrets', assert: { key: 'secrets', op: 'empty' } });
    const hit = (file: string, line: number, column: number) => ({ summary: `${file}:${line}: aws-access-key-id AKIA…(20 chars)`, file, line, column, kind: 'aws-access-key-id', redacted: 'AKIA…(20 chars)' });
    const r = evaluateControl(c, ev([{ id: 'acme/api', data: { secrets: [hit('config/prod.yaml', 6, 22), hit('deploy/env', 1, 1)] } }]), secrets, [], today);
    expect(r.findings[0]!.location).toBeUndefined();
    expect(r.findings[0]!.occurrences!.map((o) => o.location)).toEqual([
      { file: 'config/prod.yaml', line: 6, column: 22 },
      { file: 'deploy/env', line: 1, column: 1 },
    ]);
  });

  it('locates list entries that are paths through the collector, and keeps entries without a position unlocated', () => {
    const lock = evaluateControl(
      control({ collector: 'repo.lockfile', assert: { key: 'manifestsWithoutLockfile', op: 'empty' } }),
      ev([{ id: 'acme/api', data: { manifestsWithoutLockfile: ['tools/package.json'] } }]),
      lockfile, [], today,
    );
    expect(lock.findings[0]!.occurrences).toEqual([{ field: 'package manifests without a committed lockfile', text: 'tools/package.json', location: { file: 'tools/package.json' } }]);
    const jobs = evaluateControl(
      control({ collector: 'repo.workflows', assert: { key: 'jobsWithoutPermissions', op: 'empty' } }),
      ev([{ id: '.github/workflows/ci.yml', data: { path: '.github/workflows/ci.yml', jobsWithoutPermissions: ['build'] } }]),
      workflows, [], today,
    );
    expect(jobs.findings[0]).toMatchObject({ location: { file: '.github/workflows/ci.yml' }, occurrences: [{ field: 'jobs that inherit the repository default token permissions', text: 'build' }] });
    expect(jobs.findings[0]!.occurrences![0]!.location).toBeUndefined();
  });

  it('drops a line that is not a line (0 for "the whole file"), keeping the file', () => {
    const r = evaluateControl(
      control({ collector: 'repo.codeowners', assert: { key: 'invalidLines', op: 'empty' } }),
      ev([{ id: 'acme/api', data: { codeownersPath: 'CODEOWNERS', invalidLines: [{ summary: 'the file is too large', line: 0, text: '', reason: 'too large' }, { summary: 'line 3: bad', line: 3, text: 'x', reason: 'bad' }] } }]),
      codeowners, [], today,
    );
    expect(r.findings[0]!.location).toEqual({ file: 'CODEOWNERS' });
    expect(r.findings[0]!.occurrences!.map((o) => o.location)).toEqual([undefined, { file: 'CODEOWNERS', line: 3 }]);
  });

  it('keeps at most MAX_OCCURRENCES entries and says how many there were', () => {
    const many = Array.from({ length: MAX_OCCURRENCES + 5 }, (_, i) => `p${i}/package.json`);
    const r = evaluateControl(control({ collector: 'repo.lockfile', assert: { key: 'manifestsWithoutLockfile', op: 'empty' } }), ev([{ id: 'acme/api', data: { manifestsWithoutLockfile: many } }]), lockfile, [], today);
    expect(r.findings[0]!.occurrences).toHaveLength(MAX_OCCURRENCES);
    expect(r.findings[0]!.occurrenceCount).toBe(MAX_OCCURRENCES + 5);
  });

  it('lists entries for a collector without locations too, but never reads its file/line fields as a place', () => {
    const resource = z.object({ keys: z.array(z.object({ file: z.string(), line: z.number() })).describe('deploy keys') });
    const gh = { id: 'github.deploy-keys', source: 'github', resource, permissions: [] } as unknown as AnyCollector;
    const r = evaluateControl(control({ collector: 'github.deploy-keys', assert: { key: 'keys', op: 'empty' } }), ev([{ id: 'acme/api', data: { keys: [{ file: 'x', line: 2 }] } }]), gh, [], today);
    expect(r.findings[0]!.occurrences).toEqual([{ field: 'deploy keys', text: 'x' }]);
    expect(r.findings[0]!.location).toBeUndefined();
  });

  it('marks a finding whose listed entries are the whole deviation, and not one that fails on something else too', () => {
    const assert: Control['assert'] = { all: [{ key: 'invalidLines', op: 'empty' }, { key: 'hasCatchAllRule', op: 'eq', value: true }] };
    const c = control({ collector: 'repo.codeowners', assert });
    const line = { summary: 'line 3: bad', line: 3, text: 'x', reason: 'bad' };
    const only = evaluateControl(c, ev([{ id: 'acme/api', data: { codeownersPath: 'CODEOWNERS', invalidLines: [line], hasCatchAllRule: true } }]), codeowners, [], today);
    expect(only.findings[0]!.entriesOnly).toBe(true);
    const mixed = evaluateControl(c, ev([{ id: 'acme/api', data: { codeownersPath: 'CODEOWNERS', invalidLines: [line], hasCatchAllRule: false } }]), codeowners, [], today);
    expect(mixed.findings[0]!.entriesOnly).toBeUndefined();
    expect(mixed.findings[0]!.occurrences).toHaveLength(1);
  });

  it('points a dependency update finding at the line of the first problem, else at the configuration file', () => {
    const c = control({ collector: 'repo.dependency-updates', assert: { key: 'dependencyUpdateToolConfigured', op: 'eq', value: true } });
    const base = { dependencyUpdateToolConfigured: false, dependabotConfigPath: '.github/dependabot.yml', renovateConfigPath: null };
    const broken = evaluateControl(c, ev([{ id: 'acme/api', data: { ...base, problems: [{ summary: 's', file: '.github/dependabot.yml', line: 4, message: 'm' }] } }]), dependencyUpdates, [], today);
    expect(broken.findings[0]!.location).toEqual({ file: '.github/dependabot.yml', line: 4 });
    const renovate = evaluateControl(c, ev([{ id: 'acme/api', data: { ...base, dependabotConfigPath: null, renovateConfigPath: 'package.json#renovate', problems: [] } }]), dependencyUpdates, [], today);
    expect(renovate.findings[0]!.location).toEqual({ file: 'package.json' });
    const none = evaluateControl(c, ev([{ id: 'acme/api', data: { ...base, dependabotConfigPath: null, problems: [] } }]), dependencyUpdates, [], today);
    expect(none.findings[0]!.location).toBeUndefined();
  });
});
