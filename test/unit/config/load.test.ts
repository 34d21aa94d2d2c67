import { describe, expect, it } from 'vitest';
import { loadConfig, defaultPeriod } from '../../../src/config/load.js';
import { ConfigError, UsageError, formatIssue } from '../../../src/errors.js';
import { STARTER_CONFIG } from '../../../src/config/init-template.js';
import { tempTree } from '../../helpers/tmp.js';

const today = new Date('2026-06-30T12:00:00Z');

function issues(text: string): string[] {
  const dir = tempTree({ 'soc2.config.yaml': text });
  try {
    loadConfig({ cwd: dir, today });
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

describe('config/load', () => {
  it('uses defaults when there is no config file: only the local checkout in scope, 90-day period', () => {
    const dir = tempTree({});
    const loaded = loadConfig({ cwd: dir, today });
    expect(loaded.file).toBeNull();
    expect(loaded.config.aws).toBeUndefined();
    expect(loaded.config.github).toBeUndefined();
    expect(loaded.config.controls.paths).toEqual(['builtin']);
    expect(loaded.period).toEqual({ start: '2026-04-01', end: '2026-06-29' });
  });

  it('computes the default period as the 90 days before today', () => {
    expect(defaultPeriod(new Date('2026-03-01T23:59:00Z'))).toEqual({ start: '2025-12-01', end: '2026-02-28' });
  });

  it('names an unknown key with its line and a suggestion', () => {
    expect(issues('github:\n  org: acme\n  repoz: { include: ["*"] }\n')).toEqual(['soc2.config.yaml:3:3 github.repoz: unknown key "repoz". Did you mean "repos"?']);
  });

  it('rejects a bad region and a period that ends before it starts', () => {
    expect(issues('aws:\n  regions: [us-east1]\n')).toEqual(['soc2.config.yaml:2:13 aws.regions[0]: expected an AWS region such as us-east-1.']);
    expect(issues('period: { start: 2026-03-31, end: 2026-01-01 }\n')).toEqual(['soc2.config.yaml:1:35 period.end: the period ends (2026-01-01) before it starts (2026-03-31).']);
    expect(issues('period: { start: 2026-02-31, end: 2026-03-01 }\n')).toEqual(['soc2.config.yaml:1:18 period.start: "2026-02-31" is not a calendar date.']);
  });

  it('reports YAML syntax errors with a location', () => {
    expect(issues('aws: [\n')[0]).toMatch(/^soc2\.config\.yaml:\d+:\d+ YAML syntax error/);
  });

  it('fails with a usage error when an explicit --config file does not exist', () => {
    const dir = tempTree({});
    expect(() => loadConfig({ cwd: dir, file: 'missing.yaml', today })).toThrow(UsageError);
  });

  it('accepts the starter configuration that `soc2 init` writes', () => {
    expect(issues(STARTER_CONFIG)).toEqual([]);
  });

  it('hashes the bytes it parsed, and refuses a directory given as the configuration with exit 2', async () => {
    const dir = tempTree({ 'soc2.config.yaml': 'controls: { paths: [builtin] }\n', 'conf.yaml/x': '' });
    const { createHash } = await import('node:crypto');
    expect(loadConfig({ cwd: dir, today }).sha256).toBe(createHash('sha256').update('controls: { paths: [builtin] }\n').digest('hex'));
    const { InputFileError } = await import('../../../src/input-file.js');
    expect(() => loadConfig({ cwd: dir, file: 'conf.yaml', today })).toThrow(InputFileError);
    expect(() => loadConfig({ cwd: dir, file: 'conf.yaml', today })).toThrow('conf.yaml: is a directory, not a regular file; soc2 reads a configuration file only from a regular file.');
  });
});
