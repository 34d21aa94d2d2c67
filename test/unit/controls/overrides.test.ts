import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { loadConfiguredControls } from '../../../src/controls/load.js';
import { ConfigError, ControlDefinitionError, formatIssue } from '../../../src/errors.js';
import { tempTree } from '../../helpers/tmp.js';

const today = new Date('2026-06-30T12:00:00Z');

const secretsControl = (id: string, params = '{ maxFileBytes: 32768, exclude: ["vendor/**"] }', severity = 'high') => `id: ${id}
title: No secrets are committed
criteria: [CC6.1]
severity: ${severity}
description: Tracked files hold no credentials.
collector: repo.secrets
params: ${params}
assert:
  all:
    - { key: secrets, op: empty }
remediation: Rotate the credential and remove it from the repository.
`;

const manualControl = (id: string) => `id: ${id}
title: Staff sign the security policy
criteria: [CC1.4]
severity: medium
type: manual
description: Every employee signed the security policy.
evidenceRequired: [Signed acknowledgements]
remediation: Collect the signatures.
`;

function load(files: Record<string, string>) {
  const dir = tempTree(files);
  return loadConfiguredControls(loadConfig({ cwd: dir, today }));
}

async function problems(files: Record<string, string>): Promise<string[]> {
  try {
    await load(files);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ControlDefinitionError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

describe('controls/overrides', () => {
  it('replaces only the params the configuration gives, validates the result and records what changed', async () => {
    const controls = await load({
      'soc2.config.yaml': 'controls:\n  paths: [controls]\n  params:\n    SEC-001: { exclude: ["test/**", "docs/**"] }\n  severity:\n    SEC-001: low\n',
      'controls/SEC-001.yaml': secretsControl('SEC-001'),
      'controls/SEC-002.yaml': secretsControl('SEC-002'),
    });
    const [tuned, untouched] = controls;
    expect(tuned).toMatchObject({
      id: 'SEC-001',
      severity: 'low',
      params: { maxFileBytes: 32768, exclude: ['test/**', 'docs/**'] },
      resolvedParams: { maxFileBytes: 32768, exclude: ['test/**', 'docs/**'] },
      overrides: {
        params: { exclude: { defined: ['vendor/**'], configured: ['test/**', 'docs/**'] } },
        severity: { defined: 'high', configured: 'low' },
      },
    });
    expect(untouched).toMatchObject({ id: 'SEC-002', severity: 'high', resolvedParams: { exclude: ['vendor/**'] } });
    expect(untouched!.overrides).toBeUndefined();
  });

  it('tunes a built-in control without a copy, recording the collector default it replaced', async () => {
    const controls = await load({ 'soc2.config.yaml': 'controls:\n  params:\n    REPO-008: { maxFileBytes: 65536 }\n  severity: { GH-017: low }\n' });
    const repo8 = controls.find((c) => c.id === 'REPO-008')!;
    expect(repo8.builtin).toBe(true);
    expect((repo8.resolvedParams as { maxFileBytes: number }).maxFileBytes).toBe(65536);
    expect(repo8.overrides?.params?.maxFileBytes?.configured).toBe(65536);
    expect(typeof repo8.overrides?.params?.maxFileBytes?.defined).toBe('number');
    const gh17 = controls.find((c) => c.id === 'GH-017')!;
    expect(gh17.severity).toBe('low');
    expect(gh17.overrides?.severity?.configured).toBe('low');
    expect(gh17.overrides?.params).toBeUndefined();
  });

  it('names an override of an unknown control id with its line and the closest ids', async () => {
    expect(await problems({ 'soc2.config.yaml': 'controls:\n  params:\n    REPO-08: { exclude: [] }\n  severity:\n    GH-17: low\n' })).toEqual([
      expect.stringMatching(/^soc2\.config\.yaml:3:5 controls\.params\.REPO-08: no control "REPO-08" is loaded\. Did you mean "REPO-008"( or "[^"]+")*\? Overrides name the id of a control from controls\.paths; `soc2 controls list` shows them\.$/),
      expect.stringMatching(/^soc2\.config\.yaml:5:5 controls\.severity\.GH-17: no control "GH-17" is loaded\. Did you mean "GH-017".*\?/),
    ]);
  });

  it('reports a param of the wrong type and an unknown param at their file:line:col, against the collector schema', async () => {
    const out = await problems({
      'soc2.config.yaml': 'controls:\n  paths: [controls]\n  params:\n    SEC-001:\n      exclude: "test/**"\n      maxFileBytez: 1\n',
      'controls/SEC-001.yaml': secretsControl('SEC-001'),
    });
    expect(out).toEqual([
      'soc2.config.yaml:5:16 controls.params.SEC-001.exclude: expected a list, got the text "test/**".',
      'soc2.config.yaml:6:7 controls.params.SEC-001.maxFileBytez: unknown key "maxFileBytez". Did you mean "maxFileBytes"?',
    ]);
  });

  it('checks the merged params: a value the collector refuses is located in the configuration', async () => {
    expect(await problems({ 'soc2.config.yaml': 'controls:\n  params:\n    REPO-008: { maxFileBytes: 10 }\n' })).toEqual([
      expect.stringMatching(/^soc2\.config\.yaml:3:31 controls\.params\.REPO-008\.maxFileBytes: Too small/),
    ]);
  });

  it('refuses an override of a control that controls.exclude leaves out, and params on a manual control', async () => {
    const out = await problems({
      'soc2.config.yaml': 'controls:\n  paths: [controls]\n  exclude: [SEC-001]\n  params:\n    SEC-001: { exclude: [] }\n    MAN-101: { x: 1 }\n  severity: { MAN-101: low }\n',
      'controls/SEC-001.yaml': secretsControl('SEC-001'),
      'controls/MAN-101.yaml': manualControl('MAN-101'),
    });
    expect(out).toEqual([
      'soc2.config.yaml:5:5 controls.params.SEC-001: SEC-001 is left out by controls.exclude, so this override would change nothing; remove the override, or take SEC-001 out of controls.exclude.',
      'soc2.config.yaml:6:5 controls.params.MAN-101: MAN-101 is a manual control: it has no collector parameters to change.',
    ]);
  });

  it('rejects a severity that is not one of the four, with a suggestion', async () => {
    expect(await problems({ 'soc2.config.yaml': 'controls:\n  severity: { GH-017: hgh }\n' })).toEqual([
      'soc2.config.yaml:2:23 controls.severity.GH-017: "hgh" is not allowed: expected one of critical, high, medium, low. Did you mean "high"?',
    ]);
  });

  it('runs a copy of a built-in control under the same id when controls.exclude names it, in either path order', async () => {
    const copy = secretsControl('REPO-008', '{ exclude: ["fixtures/**"] }', 'low');
    for (const paths of ['[builtin, controls]', '[controls, builtin]']) {
      const controls = await load({ 'soc2.config.yaml': `controls:\n  paths: ${paths}\n  exclude: [REPO-008]\n`, 'controls/REPO-008.yaml': copy });
      const repo8 = controls.filter((c) => c.id === 'REPO-008');
      expect(repo8).toHaveLength(1);
      expect(repo8[0]).toMatchObject({ builtin: false, source: 'controls/REPO-008.yaml', severity: 'low', resolvedParams: { exclude: ['fixtures/**'] } });
    }
  });

  it('applies overrides to the copy that replaced a built-in control', async () => {
    const controls = await load({
      'soc2.config.yaml': 'controls:\n  paths: [builtin, controls]\n  exclude: [REPO-008]\n  severity: { REPO-008: critical }\n',
      'controls/REPO-008.yaml': secretsControl('REPO-008'),
    });
    expect(controls.find((c) => c.id === 'REPO-008')).toMatchObject({ builtin: false, severity: 'critical', overrides: { severity: { defined: 'high', configured: 'critical' } } });
  });

  it('says how to replace or tune a built-in control when a copy has its id and is not excluded', async () => {
    expect(await problems({ 'soc2.config.yaml': 'controls:\n  paths: [builtin, controls]\n', 'controls/REPO-008.yaml': secretsControl('REPO-008') })).toEqual([
      'controls/REPO-008.yaml:1:5 id: control id "REPO-008" is also a built-in control (controls/REPO-008.yaml). To run your file instead, add REPO-008 to controls.exclude in soc2.config.yaml (the built-in one is then left out); to change only its params or severity, delete the copy and set controls.params or controls.severity for REPO-008.',
    ]);
  });

  it('still refuses two of the user\'s own files with one id, excluded or not', async () => {
    const out = await problems({
      'soc2.config.yaml': 'controls:\n  paths: [a, b]\n  exclude: [SEC-001]\n',
      'a/SEC-001.yaml': secretsControl('SEC-001'),
      'b/SEC-001.yaml': secretsControl('SEC-001'),
    });
    expect(out).toEqual(['b/SEC-001.yaml:1:5 id: duplicate control id "SEC-001": also defined at a/SEC-001.yaml:1:5. Ids must be unique across all control files.']);
  });

  it('leaves a control out when controls.exclude names it and nothing replaces it', async () => {
    const controls = await load({ 'soc2.config.yaml': 'controls:\n  exclude: [REPO-008]\n' });
    expect(controls.some((c) => c.id === 'REPO-008')).toBe(false);
    expect(controls.some((c) => c.id === 'REPO-007')).toBe(true);
  });
});

describe('config/init-template — the tuning example', () => {
  it('loads once uncommented, and tunes the controls it names', async () => {
    const { STARTER_CONFIG } = await import('../../../src/config/init-template.js');
    const text = STARTER_CONFIG.replace(/^  # (params:|severity:)$/gm, '  $1').replace(/^  #   (REPO-008|GH-017)/gm, '    $1');
    expect(text).not.toBe(STARTER_CONFIG);
    const controls = await load({ 'soc2.config.yaml': text });
    expect(controls.find((c) => c.id === 'REPO-008')?.overrides?.params?.exclude?.configured).toEqual(['test/fixtures/**', 'docs/examples/**']);
    expect(controls.find((c) => c.id === 'GH-017')?.overrides?.severity?.configured).toBe('low');
  });
});
