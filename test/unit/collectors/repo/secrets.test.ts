import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collector, DEFAULT_EXCLUDE, redact, scanText } from '../../../../src/collectors/repo/secrets.js';
import { loadControls } from '../../../../src/controls/load.js';
import { evaluateControl } from '../../../../src/engine/evaluate.js';
import type { CollectContext, Evidence } from '../../../../src/collectors/types.js';
import { packageRoot } from '../../../../src/paths.js';
import { fake, git, makeCtx, makeRepo, tempDir } from './helpers.js';

/** REPO-008 as shipped, collected and evaluated the way a run does: its status and why. */
async function repo008(ctx: CollectContext<'repo'>): Promise<{ status: string; statusReason: string }> {
  const control = (await loadControls({ paths: [path.join(packageRoot, 'controls')] })).find((c) => c.id === 'REPO-008')!;
  const evidence = (await collector.collect(ctx, collector.params.parse(control.resolvedParams))) as unknown as Evidence<Record<string, unknown>>;
  const ref = { file: 'evidence/repo.secrets.json', sha256: '0'.repeat(64), collector: collector.id, params: control.resolvedParams, collectedAt: '2026-06-30T00:00:00.000Z', finishedAt: '2026-06-30T00:00:00.000Z', complete: evidence.complete, resourceCount: evidence.resources.length, calls: evidence.calls, gaps: evidence.gaps };
  return evaluateControl(control, { kind: 'evidence', evidence, ref }, collector, [], '2026-06-30');
}

const defaults = { maxFileBytes: 1024 * 1024, exclude: [] as string[], alsoExclude: [] as string[] };

/** Every 8-character window past the public 4-character prefix: none may appear in evidence. */
function fragments(value: string): string[] {
  const out: string[] = [];
  for (let i = 4; i + 8 <= value.length; i++) out.push(value.slice(i, i + 8));
  return out;
}

describe('collectors/repo/secrets', () => {
  it('finds each kind of secret with file, line and column, and never returns the value', async () => {
    const aws = fake.awsKeyId();
    const ghp = fake.githubToken();
    const pat = fake.githubFineGrained();
    const slack = fake.slackToken();
    const key = fake.privateKey();
    const dir = await makeRepo({
      'config/settings.yaml': `region: eu-west-1\naws:\n  access_key_id: ${aws}\n`,
      'scripts/release.sh': `#!/bin/sh\nexport GH_TOKEN=${ghp}\ncurl -H "Authorization: token ${pat}" https://api.github.com\n`,
      'ops/notify.py': `SLACK = "${slack}"\n`,
      'deploy/id_rsa': key + '\n',
      'README.md': '# nothing here\n',
    });
    const ev = await collector.collect(makeCtx(dir), defaults);
    expect(ev.complete).toBe(true);
    const data = ev.resources[0]!.data;
    expect(data.secretCount).toBe(5);
    expect(data.secrets.map(({ summary, why, ...rest }) => rest)).toEqual([
      { file: 'config/settings.yaml', line: 3, column: 18, kind: 'aws-access-key-id', redacted: `${aws.slice(0, 4)}…(20 chars)` },
      { file: 'deploy/id_rsa', line: 1, column: 1, kind: 'private-key', redacted: 'RSA private key block (contents not shown)' },
      { file: 'ops/notify.py', line: 1, column: 10, kind: 'slack-token', redacted: `xoxb…(${slack.length} chars)` },
      { file: 'scripts/release.sh', line: 2, column: 17, kind: 'github-token', redacted: 'ghp_…(40 chars)' },
      { file: 'scripts/release.sh', line: 3, column: 31, kind: 'github-fine-grained-token', redacted: 'gith…(93 chars)' },
    ]);
    expect(data.secrets[0]?.summary).toBe('config/settings.yaml:3: aws-access-key-id AKIA…(20 chars)');
    expect(data.secrets[0]?.why).toMatch(/^it matches AKIA or ASIA and 16 capital letters or digits; \d\.\d bits of entropy per character, as a random value has; no example or placeholder text$/);
    expect(data.secrets[1]?.why).toMatch(/^it is a private key header followed by base64 key material, \d\.\d bits of entropy per character, as a random value has, not cut short and without example text$/);
    expect(data.filesScanned).toBe(5);

    const serialized = JSON.stringify(ev);
    for (const value of [aws, ghp, pat, slack]) {
      expect(serialized).not.toContain(value);
      for (const f of fragments(value)) expect(serialized).not.toContain(f);
    }
    for (const bodyLine of key.split('\n').slice(1, -1)) expect(serialized).not.toContain(bodyLine.slice(0, 16));
  });

  it('ignores the AWS documentation example key and a key header without key material', () => {
    const example = ['AK', 'IA'].join('') + 'IOSFODNN7' + 'EXAMPLE';
    const header = fake.privateKey().split('\n')[0]!;
    expect(scanText('README.md', `aws_access_key_id = ${example}\nA key starts with ${header} and is never committed.\n`)).toEqual([]);
  });

  it('finds a private key embedded in JSON with escaped newlines', () => {
    const key = fake.privateKey('').replace(/\n/g, '\\n');
    const hits = scanText('sa.json', `{\n  "type": "service_account",\n  "private_key": "${key}"\n}\n`);
    expect(hits).toEqual([
      {
        summary: 'sa.json:3: private-key private key block (contents not shown)',
        file: 'sa.json',
        line: 3,
        column: 19,
        kind: 'private-key',
        redacted: 'private key block (contents not shown)',
        why: expect.stringMatching(/^it is a private key header followed by base64 key material/),
      },
    ]);
  });

  it('does not match tokens embedded in longer identifiers', () => {
    const aws = fake.awsKeyId();
    expect(scanText('x', `id=X${aws}\nid=${aws}9\n`)).toEqual([]);
  });

  it('scans binary files and files over maxFileBytes (in pieces), and honours exclude globs', async () => {
    const aws = fake.awsKeyId();
    const dir = await makeRepo({
      'assets/logo.png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]), Buffer.from(aws)]),
      'data/dump.sql': 'x'.repeat(40_000) + `\n-- ${aws}\n`,
      'test/fixtures/creds.env': `AWS_ACCESS_KEY_ID=${aws}\n`,
      'src/app.ts': 'export const ok = true;\n',
    });
    const ev = await collector.collect(makeCtx(dir), { maxFileBytes: 16_384, exclude: ['test/fixtures/**'], alsoExclude: [] });
    expect(ev.complete).toBe(true);
    const data = ev.resources[0]!.data;
    expect(data.secrets.map((s) => [s.file, s.line, s.column])).toEqual([
      ['assets/logo.png', 1, 6],
      ['data/dump.sql', 2, 4],
    ]);
    expect(data).toMatchObject({ filesScanned: 3, binaryFilesScanned: 1, filesScannedInPieces: 1, excludedFileCount: 1, filesNotScanned: [], filesNotScannedCount: 0 });
    expect(ev.attachments?.['scanned-files.txt']).toBe('assets/logo.png\ndata/dump.sql\nsrc/app.ts\n');
    expect(ev.calls.at(-1)).toMatchObject({ source: 'local', operation: 'scan-files', items: 3, params: { files: 3, maxFileBytes: 16_384, exclude: ['test/fixtures/**'] } });
  });

  it('refuses a piece size too small to carry a secret across the boundary', () => {
    expect(collector.params.safeParse({ maxFileBytes: 1000 }).success).toBe(false);
  });

  it('scans only files tracked by git in a git work tree', async () => {
    const ghp = fake.githubToken();
    const dir = await makeRepo({ 'app/config.js': `module.exports = { token: '${ghp}' };\n` }, {
      git: true,
      untracked: { '.env': `GITHUB_TOKEN=${ghp}\n` },
    });
    const ev = await collector.collect(makeCtx(dir), defaults);
    const data = ev.resources[0]!.data;
    expect(data.fileListMethod).toBe('git');
    expect(data.secrets.map((s) => s.file)).toEqual(['app/config.js']);
  });

  it('walks the directory when it is not a git work tree, skipping dependency and build folders', async () => {
    const ghp = fake.githubToken();
    const dir = await makeRepo({
      'app.js': `const t = '${ghp}';\n`,
      'node_modules/x/index.js': `const t = '${ghp}';\n`,
      'dist/app.js': `const t = '${ghp}';\n`,
    });
    const ev = await collector.collect(makeCtx(dir), defaults);
    expect(ev.resources[0]!.data.fileListMethod).toBe('walk');
    expect(ev.resources[0]!.data.secrets.map((s) => s.file)).toEqual(['app.js']);
    expect(ev.facts).toMatchObject({ fileListMethod: 'walk', fileListNote: 'not a git work tree' });
  });

  it('scans a tracked symbolic link as the path it holds and never follows it out of the checkout', async () => {
    const outside = await tempDir();
    await fs.writeFile(path.join(outside, 'secret.txt'), `token ${fake.githubToken()}\n`);
    const dir = await makeRepo({ 'README.md': '# x\n' });
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(dir, 'linked.txt'));
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    const ev = await collector.collect(makeCtx(dir), defaults);
    expect(ev.complete).toBe(true);
    const data = ev.resources[0]!.data;
    expect(data.fileListMethod).toBe('git');
    expect(data).toMatchObject({ secretCount: 0, filesScanned: 2, linksScanned: 1, filesNotScanned: [] });
  });

  it('redacts to the public prefix and the length', () => {
    expect(redact('abcdefghijklmnop')).toBe('abcd…(16 chars)');
  });

  it('applies defaults to an empty params object', () => {
    expect(collector.params.parse({})).toEqual({ maxFileBytes: 1024 * 1024, exclude: [...DEFAULT_EXCLUDE], alsoExclude: [] });
  });

  describe('default exclusions and example values (issue 13)', () => {
    /** A checkout where every fake key sits where projects keep fakes, and one real-looking key does not. */
    async function monorepo(): Promise<{ dir: string; aws: string }> {
      const aws = fake.awsKeyId();
      const ghp = fake.githubToken();
      const dir = await makeRepo({
        'src/deploy/settings.py': `AWS_ACCESS_KEY_ID = "${aws}"\n`,
        'test/fixtures/creds.env': `TOKEN=${ghp}\n`,
        'pkg/detectors/github/github_test.go': `const sample = "${ghp}"\n`,
        'web/src/api.spec.ts': `const t = '${ghp}';\n`,
        'internal/scan/testdata/leak.txt': `${aws}\n`,
        'docs/setup.md': `Set \`GITHUB_TOKEN=${ghp}\`\n`,
        'examples/basic/config.yaml': `token: ${ghp}\n`,
        'vendor/github.com/lib/client.go': `// ${ghp}\n`,
        'third_party/sdk/keys.json': `{"k": "${aws}"}\n`,
        'README.md': `aws_access_key_id = ${['AK', 'IA'].join('')}IOSFODNN7EXAMPLE\nGH_TOKEN=${['gh', 'p_'].join('')}${'x'.repeat(36)}\n`,
      }, { git: true, remote: 'git@github.com:acme/scanner.git' });
      return { dir, aws };
    }

    it('excludes test fixtures, tests, documentation examples and vendored code by default, counted per pattern', async () => {
      const { dir } = await monorepo();
      const ev = await collector.collect(makeCtx(dir), collector.params.parse({}));
      expect(ev.complete).toBe(true);
      const data = ev.resources[0]!.data;
      expect(data.secrets.map((s) => [s.file, s.line, s.kind])).toEqual([['src/deploy/settings.py', 1, 'aws-access-key-id']]);
      expect(data.secrets[0]?.why).toMatch(/; src\/deploy\/settings\.py matches none of the 29 exclude patterns$/);
      expect(data.excludedFileCount).toBe(9);
      expect(data.excludedByPattern.filter((p) => p.files > 0)).toEqual([
        { pattern: '**/fixtures/**', files: 1 },
        { pattern: '**/testdata/**', files: 1 },
        { pattern: '**/*_test.*', files: 1 },
        { pattern: '**/*.spec.*', files: 1 },
        { pattern: '**/docs/**', files: 1 },
        { pattern: '**/examples/**', files: 1 },
        { pattern: '**/*.md', files: 1 },
        { pattern: '**/vendor/**', files: 1 },
        { pattern: '**/third_party/**', files: 1 },
      ]);
      expect(data.excludedByPattern).toHaveLength(DEFAULT_EXCLUDE.length);
      expect(data.filesScanned).toBe(1);
      expect(ev.facts).toMatchObject({ excludedFileCount: 9 });
      expect(ev.calls.at(-1)?.params).toMatchObject({ exclude: [...DEFAULT_EXCLUDE] });
    });

    it('lists documented example values apart, with why, so a checkout with only examples passes REPO-008', async () => {
      const dir = await makeRepo({
        'deploy/aws.env.template': `aws_access_key_id = ${['AK', 'IA'].join('')}IOSFODNN7EXAMPLE\nGH_TOKEN=${['gh', 'p_'].join('')}${'x'.repeat(36)}\n`,
        'src/app.ts': 'export {};\n',
      }, { git: true, remote: 'https://github.com/acme/app.git' });
      const ctx = makeCtx(dir);
      const ev = await collector.collect(ctx, collector.params.parse({}));
      const data = ev.resources[0]!.data;
      expect(data.secretCount).toBe(0);
      expect(data.exampleValueCount).toBe(2);
      expect(data.exampleValues.map((e) => e.summary)).toEqual([
        'deploy/aws.env.template:1: aws-access-key-id set aside: it contains example or placeholder text ("EXAMPLE")',
        'deploy/aws.env.template:2: github-token set aside: it contains example or placeholder text ("xxxxx")',
      ]);
      expect(JSON.stringify(ev)).not.toContain('IOSFODNN7');
      expect((await repo008(ctx)).status).toBe('pass');
    });

    it('scans everything with exclude: [] and keeps the default list with alsoExclude', async () => {
      const { dir } = await monorepo();
      const all = await collector.collect(makeCtx(dir), collector.params.parse({ exclude: [] }));
      expect(all.resources[0]!.data.secretCount).toBe(9);
      expect(all.resources[0]!.data.exampleValueCount).toBe(2);
      expect(all.resources[0]!.data.excludedFileCount).toBe(0);
      const more = await collector.collect(makeCtx(dir), collector.params.parse({ alsoExclude: ['src/deploy/**'] }));
      expect(more.resources[0]!.data.secretCount).toBe(0);
      expect(more.resources[0]!.data.excludedByPattern.at(-1)).toEqual({ pattern: 'src/deploy/**', files: 1 });
    });

    it('reports a secret once when a tracked symbolic link points at the file that holds it', async () => {
      const ghp = fake.githubToken();
      const dir = await makeRepo({ 'config/prod.env': `GITHUB_TOKEN=${ghp}\n` });
      await fs.symlink('config/prod.env', path.join(dir, '.env'));
      git(dir, 'init', '-q');
      git(dir, 'add', '-A');
      const data = (await collector.collect(makeCtx(dir), collector.params.parse({}))).resources[0]!.data;
      expect(data.secrets.map((s) => s.file)).toEqual(['config/prod.env']);
      expect(data).toMatchObject({ filesScanned: 2, linksScanned: 1 });
    });

    it('keeps the evidence incomplete for files outside a sparse checkout, and REPO-008 in error, never passing', async () => {
      const dir = await makeRepo({ 'app/main.ts': 'export {};\n', 'ops/keys.env': 'nothing to see\n', 'README.md': '# app\n' }, { git: true, remote: 'https://github.com/acme/app.git' });
      git(dir, 'commit', '-q', '-m', 'initial');
      git(dir, 'sparse-checkout', 'set', '--no-cone', '/app/', '/README.md');
      const ctx = makeCtx(dir);
      const ev = await collector.collect(ctx, collector.params.parse({}));
      expect(ev.complete).toBe(false);
      expect(ev.resources[0]!.data.filesNotScanned).toEqual([{ path: 'ops/keys.env', reason: 'ops/keys.env is outside the sparse checkout (git marks it skip-worktree), so it was not scanned' }]);
      expect(ev.gaps[0]?.message).toContain('1 of them is outside the sparse checkout: run soc2 on a full checkout (git sparse-checkout disable)');
      const result = await repo008(ctx);
      expect(result.status).toBe('error');
      expect(result.statusReason).not.toMatch(/No deviations detected/);
    });
  });
});
