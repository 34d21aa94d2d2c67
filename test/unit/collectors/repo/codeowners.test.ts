import { describe, expect, it } from 'vitest';
import { collector, isValidOwner, parseCodeowners } from '../../../../src/collectors/repo/codeowners.js';
import { makeCtx, makeRepo } from './helpers.js';

describe('collectors/repo/codeowners', () => {
  it('reports a valid CODEOWNERS with a catch-all rule and its owners', async () => {
    const dir = await makeRepo({
      '.github/CODEOWNERS': `# Default owners
*       @acme/platform
/infra/ @acme/sre ops@acme.example   # inline comment
docs/**  @jane-doe
`,
    });
    const ev = await collector.collect(makeCtx(dir), {});
    expect(ev.complete).toBe(true);
    expect(ev.resources).toHaveLength(1);
    const r = ev.resources[0]!;
    expect(r.id).toBe('acme-api');
    expect(r.data).toMatchObject({
      codeownersPresent: true,
      codeownersPath: '.github/CODEOWNERS',
      ruleCount: 3,
      invalidLines: [],
      invalidLineCount: 0,
      hasCatchAllRule: true,
      catchAllLine: 2,
      catchAllOwners: ['@acme/platform'],
      owners: ['@acme/platform', '@acme/sre', '@jane-doe', 'ops@acme.example'],
    });
    expect(ev.calls.map((c) => c.operation)).toContain('read-file');
    expect(ev.calls.find((c) => c.operation === 'read-file')?.params).toEqual({ path: '.github/CODEOWNERS' });
  });

  it('reports invalid lines with their line numbers and reasons', async () => {
    const dir = await makeRepo({
      CODEOWNERS: ['*.js @acme/web', '/api/ platform-team', '!generated/ @acme/web', '/lib/[a-c]*/ @acme/lib', '/ops/ @bad_user!'].join('\n'),
    });
    const r = (await collector.collect(makeCtx(dir), {})).resources[0]!;
    expect(r.data.codeownersPath).toBe('CODEOWNERS');
    expect(r.data.invalidLines.map((l) => l.line)).toEqual([2, 3, 4, 5]);
    expect(r.data.invalidLines[0]).toEqual({
      summary: 'line 2: "platform-team" is not @user, @org/team or an email address',
      line: 2,
      text: '/api/ platform-team',
      reason: '"platform-team" is not @user, @org/team or an email address',
    });
    expect(r.data.invalidLines[1]?.reason).toContain('negated');
    expect(r.data.invalidLines[2]?.reason).toContain('character ranges');
    expect(r.data.invalidLineCount).toBe(4);
    expect(r.data.hasCatchAllRule).toBe(false);
    expect(r.data.ruleCount).toBe(1);
  });

  it('lists patterns without owners apart from invalid lines', () => {
    const parsed = parseCodeowners('* @acme/all\n/vendor/\n');
    expect(parsed.invalidLines).toEqual([]);
    expect(parsed.linesWithoutOwners).toEqual([{ summary: 'line 2: /vendor/', line: 2, pattern: '/vendor/' }]);
  });

  it('uses the last catch-all rule, as GitHub applies the last matching rule', () => {
    const parsed = parseCodeowners('* @acme/old\n/src/ @acme/src\n/** @acme/new\n');
    expect(parsed.catchAll).toEqual({ line: 3, owners: ['@acme/new'] });
  });

  it('prefers .github/CODEOWNERS and lists the files GitHub ignores', async () => {
    const dir = await makeRepo({
      CODEOWNERS: '* @acme/root\n',
      'docs/CODEOWNERS': '* @acme/docs\n',
      '.github/CODEOWNERS': '* @acme/github\n',
    });
    const r = (await collector.collect(makeCtx(dir), {})).resources[0]!;
    expect(r.data.codeownersPath).toBe('.github/CODEOWNERS');
    expect(r.data.ignoredCodeownersFiles).toEqual(['CODEOWNERS', 'docs/CODEOWNERS']);
    expect(r.data.catchAllOwners).toEqual(['@acme/github']);
  });

  it('reports an absent CODEOWNERS as a resource with present false, not as an empty population', async () => {
    const dir = await makeRepo({ 'README.md': '# acme', 'src/CODEOWNERS': '* @acme/x\n' });
    const ev = await collector.collect(makeCtx(dir), {});
    expect(ev.complete).toBe(true);
    expect(ev.resources).toHaveLength(1);
    expect(ev.resources[0]!.data).toMatchObject({ codeownersPresent: false, codeownersPath: null, hasCatchAllRule: false });
  });

  it('ignores a CODEOWNERS file that git does not track and names the repository after the origin remote', async () => {
    const dir = await makeRepo({ 'README.md': '# acme' }, {
      git: true,
      remote: 'git@github.com:acme/api-server.git',
      untracked: { '.github/CODEOWNERS': '* @acme/x\n' },
    });
    const ev = await collector.collect(makeCtx(dir), {});
    expect(ev.facts).toMatchObject({ fileListMethod: 'git' });
    expect(ev.resources[0]!.id).toBe('acme/api-server');
    expect(ev.resources[0]!.data.codeownersPresent).toBe(false);
  });

  it('accepts users, teams and emails, and rejects other owner forms', () => {
    for (const ok of ['@octocat', '@a-b', '@acme/team_name', '@acme/Team.Name', 'dev@acme.example', '@octocat_acme']) expect(isValidOwner(ok), ok).toBe(true);
    for (const bad of ['octocat', '@-octocat', '@octocat-', '@', '@acme/', 'dev@acme', '@octo!cat', '@acme/team/sub']) expect(isValidOwner(bad), bad).toBe(false);
  });

  describe('catch-all rules and owners by GitHub\'s matching (issue 13)', () => {
    it('does not call /* a catch-all: it gives top-level files an owner, not nested ones', async () => {
      const dir = await makeRepo({
        '.github/CODEOWNERS': '# Root files belong to the platform team\n/*            @acme/platform\n/services/api/ @acme/api\n',
        'README.md': '# api\n',
        'package.json': '{}\n',
        'services/api/server.ts': 'export {};\n',
        'services/worker/job.ts': 'export {};\n',
        'libs/auth/token.ts': 'export {};\n',
      }, { git: true });
      const r = (await collector.collect(makeCtx(dir), {})).resources[0]!;
      expect(r.data).toMatchObject({ hasCatchAllRule: false, catchAllLine: null, filesWithoutOwnerCount: 3 });
      expect(r.data.filesWithoutOwner).toEqual(['.github/CODEOWNERS', 'libs/auth/token.ts', 'services/worker/job.ts']);
    });

    it('finds /** and **/* catch-alls, and files a later rule without owners leaves unowned', async () => {
      const dir = await makeRepo({
        CODEOWNERS: '/**  @acme/platform\n**/*.md  @acme/docs\n/vendor/\n',
        'a.ts': '',
        'vendor/lib.go': '',
        'vendor/README.md': '',
      }, { git: true });
      const r = (await collector.collect(makeCtx(dir), {})).resources[0]!;
      expect(r.data).toMatchObject({ hasCatchAllRule: true, catchAllLine: 1, catchAllOwners: ['@acme/platform'], filesWithoutOwner: ['vendor/README.md', 'vendor/lib.go'], filesWithoutOwnerCount: 2 });
      expect(r.data.linesWithoutOwners).toEqual([{ summary: 'line 3: /vendor/', line: 3, pattern: '/vendor/' }]);
    });

    it('counts every file as unowned when there is no CODEOWNERS file', async () => {
      const dir = await makeRepo({ 'a.ts': '', 'b/c.ts': '' }, { git: true });
      const r = (await collector.collect(makeCtx(dir), {})).resources[0]!;
      expect(r.data).toMatchObject({ codeownersPresent: false, filesWithoutOwner: ['a.ts', 'b/c.ts'], filesWithoutOwnerCount: 2 });
    });
  });
});
