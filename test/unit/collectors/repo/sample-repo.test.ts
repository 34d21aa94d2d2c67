import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCollector, type CollectorId } from '../../../../src/collectors/index.js';
import type { CollectContext, Evidence } from '../../../../src/collectors/types.js';
import { loadControls } from '../../../../src/controls/load.js';
import { evaluateControl } from '../../../../src/engine/evaluate.js';
import { packageRoot } from '../../../../src/paths.js';
import type { EvidenceRef } from '../../../../src/results.js';
import { sampleAwsKeyId, sampleFixtureToken, samplePrivateKey, writeSampleRepo } from '../../../../src/sandbox/estate/sample-repo.js';
import { collector as codeowners } from '../../../../src/collectors/repo/codeowners.js';
import { collector as dependencyUpdates } from '../../../../src/collectors/repo/dependency-updates.js';
import { collector as lockfile } from '../../../../src/collectors/repo/lockfile.js';
import { collector as secrets } from '../../../../src/collectors/repo/secrets.js';
import { collector as securityPolicy } from '../../../../src/collectors/repo/security-policy.js';
import { collector as workflows } from '../../../../src/collectors/repo/workflows.js';
import { makeCtx, tempDir } from './helpers.js';

async function sample(git: boolean): Promise<CollectContext<'repo', 'github'>> {
  const dir = path.join(await tempDir(), 'data-api');
  await writeSampleRepo(dir, { git });
  return makeCtx(dir);
}

describe('sandbox/estate/sample-repo', () => {
  for (const git of [false, true]) {
    const mode = git ? 'as a git work tree' : 'as a plain directory';

    it(`seeds every repo.* problem and the good practice beside it (${mode})`, async () => {
      const ctx = await sample(git);
      const repo = git ? 'northwind-analytics/data-api' : 'data-api';

      const owners = await codeowners.collect(ctx, {});
      expect(owners.resources[0]?.id).toBe(repo);
      expect(owners.resources[0]?.data).toMatchObject({ codeownersPresent: true, hasCatchAllRule: true, invalidLineCount: 1 });
      expect(owners.resources[0]?.data.invalidLines[0]).toMatchObject({ line: 6, text: '/infra/                 northwind-analytics/sre' });

      const policy = await securityPolicy.collect(ctx, {});
      expect(policy.resources[0]?.data).toMatchObject({ securityPolicyPresent: true, securityPolicyHasContact: true });

      const updates = await dependencyUpdates.collect(ctx, {});
      expect(updates.resources[0]?.data).toMatchObject({ dependencyUpdateToolConfigured: true, dependabotEcosystems: ['github-actions', 'gomod', 'npm'] });

      const wf = await workflows.collect(ctx, {});
      const byFile = Object.fromEntries(wf.resources.map((r) => [path.basename(r.id), r.data]));
      expect(Object.keys(byFile).sort()).toEqual(['ci.yml', 'codeql.yml', 'preview.yml', 'release.yml']);
      expect(byFile['ci.yml']?.unpinnedActions?.map((a) => a.uses)).toEqual(['actions/setup-node@v4']);
      expect(byFile['release.yml']).toMatchObject({ writeAll: true, unpinnedActionCount: 0 });
      expect(byFile['preview.yml']).toMatchObject({ permissionsDeclared: false, privilegedTriggers: ['pull_request_target'], untrustedCheckoutCount: 1 });
      expect(byFile['codeql.yml']).toMatchObject({ unpinnedActionCount: 0, permissionsDeclared: true, writeAll: false, topLevelWriteScopes: [], untrustedCheckoutCount: 0 });

      const locks = await lockfile.collect(ctx, { exclude: [] });
      expect(locks.resources[0]?.data.manifestsWithoutLockfile).toEqual(['tools/loadtest/package.json']);
      expect(locks.resources[0]?.data.manifestCount).toBe(5);

      const found = await secrets.collect(ctx, secrets.params.parse({}));
      expect(found.resources[0]?.data.secrets.map((s) => [s.file, s.kind])).toEqual([
        ['config/production.yaml', 'aws-access-key-id'],
        ['deploy/keys/etl-deploy.pem', 'private-key'],
      ]);
      expect(found.resources[0]?.data.excludedByPattern.filter((p) => p.files > 0)).toEqual([
        { pattern: '**/fixtures/**', files: 1 },
        { pattern: '**/docs/**', files: 2 },
        { pattern: '**/*.md', files: 2 },
      ]);
      // Searched anyway, the fixture's token is found and the documented example is set aside.
      const everything = await secrets.collect(ctx, secrets.params.parse({ exclude: [] }));
      expect(everything.resources[0]?.data.secrets.map((s) => s.file)).toEqual(['config/production.yaml', 'deploy/keys/etl-deploy.pem', 'packages/api/test/fixtures/webhook-config.json']);
      expect(everything.resources[0]?.data.exampleValues.map((e) => e.file)).toEqual(['docs/local-development.md']);
      expect(JSON.stringify(everything)).not.toContain(sampleFixtureToken().slice(5));
      const serialized = JSON.stringify(found);
      expect(serialized).not.toContain(sampleAwsKeyId());
      expect(serialized).not.toContain(sampleAwsKeyId().slice(4));
      expect(serialized).not.toContain(samplePrivateKey().split('\n')[1]!.slice(0, 20));
    });
  }

  it('makes the REPO controls fail exactly where problems were seeded', async () => {
    const ctx = await sample(true);
    const controls = (await loadControls({ paths: [path.join(packageRoot, 'controls')] })).filter((c) => c.id.startsWith('REPO-'));
    expect(controls.map((c) => c.id)).toEqual(['REPO-001', 'REPO-002', 'REPO-003', 'REPO-004', 'REPO-005', 'REPO-006', 'REPO-007', 'REPO-008']);
    const statuses: Record<string, string> = {};
    const failing: Record<string, string[]> = {};
    for (const control of controls) {
      const c = await loadCollector(control.collector as CollectorId);
      const evidence = (await c.collect(ctx, control.resolvedParams)) as Evidence<Record<string, unknown>>;
      const ref: EvidenceRef = {
        file: `evidence/${control.collector}.json`,
        sha256: '0'.repeat(64),
        collector: c.id,
        params: control.resolvedParams,
        collectedAt: '2026-06-30T00:00:00.000Z',
        finishedAt: '2026-06-30T00:00:00.000Z',
        complete: evidence.complete,
        resourceCount: evidence.resources.length,
        calls: evidence.calls,
        gaps: evidence.gaps,
      };
      const result = evaluateControl(control, { kind: 'evidence', evidence, ref }, c, [], '2026-06-30');
      statuses[control.id] = result.status;
      failing[control.id] = result.findings.filter((f) => f.status === 'fail').map((f) => f.resource);
      for (const f of result.findings.filter((x) => x.status === 'fail')) expect(f.message.startsWith(`${f.resource}: `)).toBe(true);
    }
    expect(statuses).toEqual({
      'REPO-001': 'fail',
      'REPO-002': 'pass',
      'REPO-003': 'pass',
      'REPO-004': 'fail',
      'REPO-005': 'fail',
      'REPO-006': 'fail',
      'REPO-007': 'fail',
      'REPO-008': 'fail',
    });
    expect(failing['REPO-004']).toEqual(['.github/workflows/ci.yml']);
    expect(failing['REPO-005']?.sort()).toEqual(['.github/workflows/preview.yml', '.github/workflows/release.yml']);
    expect(failing['REPO-006']).toEqual(['.github/workflows/preview.yml']);
    expect(failing['REPO-008']).toEqual(['northwind-analytics/data-api']);
  });
});
