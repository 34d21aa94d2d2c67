import { describe, expect, it } from 'vitest';
import { collector, inspectDependabot } from '../../../../src/collectors/repo/dependency-updates.js';
import { makeCtx, makeRepo } from './helpers.js';

const DEPENDABOT = `version: 2
updates:
  - package-ecosystem: npm
    directory: /
    schedule: { interval: weekly }
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: monthly
`;

async function collectFrom(files: Record<string, string>) {
  const dir = await makeRepo(files);
  const ev = await collector.collect(makeCtx(dir), {});
  expect(ev.resources).toHaveLength(1);
  return { ev, data: ev.resources[0]!.data };
}

describe('collectors/repo/dependency-updates', () => {
  it('reports Dependabot configured with its ecosystems', async () => {
    const { ev, data } = await collectFrom({ '.github/dependabot.yml': DEPENDABOT });
    expect(ev.complete).toBe(true);
    expect(data).toEqual({
      dependencyUpdateToolConfigured: true,
      tools: ['dependabot'],
      dependabotConfigPath: '.github/dependabot.yml',
      dependabotEcosystems: ['github-actions', 'npm'],
      dependabotUpdateCount: 2,
      renovateConfigPath: null,
      problems: [],
    });
  });

  it('reports nothing configured when neither tool has a config file', async () => {
    const { data } = await collectFrom({ 'package.json': '{"name":"x"}', 'dependabot.yml': DEPENDABOT });
    expect(data.dependencyUpdateToolConfigured).toBe(false);
    expect(data.tools).toEqual([]);
  });

  it('does not count a Dependabot file with no updates, and says why with the line', async () => {
    const { data } = await collectFrom({ '.github/dependabot.yaml': 'version: 2\nupdates: []\n' });
    expect(data.dependencyUpdateToolConfigured).toBe(false);
    expect(data.dependabotConfigPath).toBe('.github/dependabot.yaml');
    expect(data.problems).toEqual([
      { summary: '.github/dependabot.yaml:2: has no `updates` entries', file: '.github/dependabot.yaml', line: 2, message: 'has no `updates` entries' },
    ]);
  });

  it('reports entries Dependabot would reject and a wrong version', () => {
    const r = inspectDependabot('.github/dependabot.yml', `version: 1
updates:
  - package-ecosystem: npm
    directory: /
  - directory: /
    schedule: { interval: daily }
`);
    expect(r.updates).toBe(0);
    expect(r.problems.map((p) => p.summary)).toEqual([
      '.github/dependabot.yml:1: version must be 2 (found 1)',
      '.github/dependabot.yml:3: updates[0] lacks schedule.interval, so Dependabot rejects it',
      '.github/dependabot.yml:5: updates[1] lacks package-ecosystem, so Dependabot rejects it',
    ]);
  });

  it('counts no updates when one entry is invalid, as Dependabot rejects the whole file', async () => {
    const { data } = await collectFrom({
      '.github/dependabot.yml': DEPENDABOT + '  - package-ecosystem: pip\n    directory: /\n',
    });
    expect(data.dependencyUpdateToolConfigured).toBe(false);
    expect(data.dependabotUpdateCount).toBe(0);
    expect(data.problems.map((p) => p.summary)).toEqual(['.github/dependabot.yml:10: updates[2] lacks schedule.interval, so Dependabot rejects it']);
  });

  it('records a Dependabot file that does not parse as a problem, not a crash', async () => {
    const { data } = await collectFrom({ '.github/dependabot.yml': 'version: 2\nupdates:\n  - [\n' });
    expect(data.dependencyUpdateToolConfigured).toBe(false);
    expect(data.problems[0]?.message).toMatch(/^does not parse as YAML/);
    expect(data.problems[0]?.line).toBeGreaterThan(0);
  });

  it('finds Renovate in each of its config files', async () => {
    for (const file of ['renovate.json', '.github/renovate.json5', '.renovaterc', '.renovaterc.json']) {
      const { data } = await collectFrom({ [file]: '{ "extends": ["config:recommended"] }' });
      expect(data.renovateConfigPath, file).toBe(file);
      expect(data.tools, file).toEqual(['renovate']);
      expect(data.dependencyUpdateToolConfigured, file).toBe(true);
    }
  });

  it('finds Renovate configured in package.json', async () => {
    const { data } = await collectFrom({ 'package.json': JSON.stringify({ name: 'x', renovate: { extends: ['config:base'] } }) });
    expect(data.renovateConfigPath).toBe('package.json#renovate');
    expect(data.tools).toEqual(['renovate']);
  });

  it('does not count Renovate turned off or a config that does not parse', async () => {
    const off = await collectFrom({ 'renovate.json': '{\n  "enabled": false\n}' });
    expect(off.data.dependencyUpdateToolConfigured).toBe(false);
    expect(off.data.problems).toEqual([
      { summary: 'renovate.json:2: sets "enabled": false at the top level, which turns Renovate off', file: 'renovate.json', line: 2, message: 'sets "enabled": false at the top level, which turns Renovate off' },
    ]);

    const broken = await collectFrom({ 'renovate.json': '{\n  "extends": [\n}' });
    expect(broken.data.dependencyUpdateToolConfigured).toBe(false);
    expect(broken.data.problems[0]).toMatchObject({ file: 'renovate.json', line: 3, message: expect.stringMatching(/^does not parse as JSON5, so Renovate cannot read it: invalid character '}' at 3:1/) });
  });

  describe('Renovate configurations as real repositories write them (issue 13)', () => {
    // A monorepo's .github/renovate.json5: comments, unquoted keys, trailing commas, and rules that
    // switch off updates for some packages with `enabled: false` — Renovate itself stays on.
    const MONOREPO_JSON5 = `{
  $schema: 'https://docs.renovatebot.com/renovate-schema.json',
  extends: ['config:recommended', ':disableDependencyDashboard'],
  // Group the toolchain, and keep examples on what they document.
  rangeStrategy: 'bump',
  packageRules: [
    {
      groupName: 'toolchain',
      matchPackageNames: ['typescript', 'vitest', '/^@types\\//'],
    },
    {
      // Examples pin what the docs show; updating them is a docs change.
      matchFileNames: ['examples/**/package.json'],
      enabled: false,
    },
    {
      matchDepTypes: ['peerDependencies'],
      'enabled': false,
    },
  ],
  ignorePaths: ['**/fixtures/**',],
}
`;

    it('does not take enabled: false inside packageRules for Renovate turned off', async () => {
      const { data } = await collectFrom({ '.github/renovate.json5': MONOREPO_JSON5 });
      expect(data).toMatchObject({ dependencyUpdateToolConfigured: true, tools: ['renovate'], renovateConfigPath: '.github/renovate.json5', problems: [] });
    });

    it('reads a .json config with comments as Renovate does, and finds the top-level switch on its line', async () => {
      const text = '{\n  // paused while we migrate to Dependabot\n  "packageRules": [{ "matchPackageNames": ["x"], "enabled": false }],\n  enabled: false,\n}\n';
      const { data } = await collectFrom({ 'renovate.json': text });
      expect(data.dependencyUpdateToolConfigured).toBe(false);
      expect(data.problems).toEqual([expect.objectContaining({ file: 'renovate.json', line: 4 })]);
    });

    it('reads the renovate key of package.json, with the same top-level rule and its line', async () => {
      const on = await collectFrom({ 'package.json': JSON.stringify({ name: 'x', renovate: { packageRules: [{ matchPackageNames: ['y'], enabled: false }] } }, null, 2) });
      expect(on.data).toMatchObject({ tools: ['renovate'], renovateConfigPath: 'package.json#renovate', problems: [] });
      const off = await collectFrom({ 'package.json': JSON.stringify({ name: 'x', enabled: true, renovate: { extends: ['config:base'], enabled: false } }, null, 2) });
      expect(off.data.tools).toEqual([]);
      expect(off.data.problems).toEqual([
        { summary: 'package.json:8: the "renovate" key sets "enabled": false at the top level, which turns Renovate off', file: 'package.json', line: 8, message: 'the "renovate" key sets "enabled": false at the top level, which turns Renovate off' },
      ]);
    });

    it('finds the .jsonc config files Renovate also reads', async () => {
      const { data } = await collectFrom({ '.renovaterc.jsonc': '{ /* shared */ "extends": ["local>acme/renovate-config"] }' });
      expect(data).toMatchObject({ tools: ['renovate'], renovateConfigPath: '.renovaterc.jsonc' });
    });
  });

  it('reports both tools when both are configured', async () => {
    const { data } = await collectFrom({ '.github/dependabot.yml': DEPENDABOT, 'renovate.json': '{}' });
    expect(data.tools).toEqual(['dependabot', 'renovate']);
  });
});
