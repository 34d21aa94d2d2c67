import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadExceptions } from '../../../src/engine/exceptions.js';
import { ConfigError, formatIssue } from '../../../src/errors.js';
import { tempTree } from '../../helpers/tmp.js';

function problems(text: string): string[] {
  const dir = tempTree({ 'waivers.yaml': text });
  try {
    loadExceptions(join(dir, 'waivers.yaml'), 'waivers.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

const entry = (over = '') => `exceptions:\n  - control: REPO-001\n    justification: Legacy service, frozen until the Q3 migration.\n    approvedBy: cto@northwind.example\n    expires: 2026-12-31\n${over}`;

describe('engine/exceptions', () => {
  it('loads a valid file', () => {
    const dir = tempTree({ 'waivers.yaml': entry('    resources: [northwind-analytics/legacy]\n') });
    expect(loadExceptions(join(dir, 'waivers.yaml'))).toEqual([expect.objectContaining({ control: 'REPO-001', resources: ['northwind-analytics/legacy'], expires: '2026-12-31' })]);
  });

  it('names an unknown key and a date that is not on the calendar, with their lines', () => {
    expect(problems(entry('    resource: [x]\n'))).toEqual(['waivers.yaml:6:5 exceptions[0].resource: unknown key "resource". Did you mean "resources"?']);
    expect(problems(entry().replace('2026-12-31', '2026-13-01'))).toEqual(['waivers.yaml:5:14 exceptions[0].expires: "2026-13-01" is not a calendar date.']);
  });

  it('says so when the named file does not exist', () => {
    const dir = tempTree({});
    expect(() => loadExceptions(join(dir, 'missing.yaml'), 'missing.yaml')).toThrow(/does not exist/);
  });
});
