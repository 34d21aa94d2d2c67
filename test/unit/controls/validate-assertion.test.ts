import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateAssertion } from '../../../src/controls/validate-assertion.js';
import { loadControls } from '../../../src/controls/load.js';
import { ControlDefinitionError, formatIssue } from '../../../src/errors.js';
import { tempTree } from '../../helpers/tmp.js';

const resource = z.object({
  name: z.string(),
  approvals: z.number().int(),
  enabled: z.boolean(),
  createdAt: z.string().describe('created at'),
  alerts: z.array(z.object({ severity: z.enum(['critical', 'high']).nullable().describe('severity'), createdAt: z.string(), summary: z.string() })).describe('open alerts'),
  tags: z.array(z.string()),
  settings: z.object({ level: z.string() }),
  extra: z.unknown(),
});

const late = { all: [{ key: 'severity', op: 'eq', value: 'critical' }, { key: 'createdAt', op: 'older-than', value: '7d' }] };

const valid: unknown[] = [
  { key: 'createdAt', op: 'older-than', value: '365d' },
  { key: 'createdAt', op: 'newer-than', value: '48h' },
  { not: { key: 'createdAt', op: 'older-than', value: '2w' } },
  { count: { key: 'alerts', where: late, label: 'critical alerts open longer than 7 days' }, op: 'eq', value: 0, message: 'none' },
  { count: { key: 'tags' }, op: 'lte', value: 3 },
  { count: { key: 'alerts' }, op: 'in', value: [0, 1] },
  { all: [{ key: 'enabled', op: 'eq', value: true }, { not: { count: { key: 'alerts', where: { key: 'severity', op: 'present' } }, op: 'gt', value: 0 } }] },
  // below an unknown every path is accepted, and so is counting it
  { count: { key: 'extra', where: { key: 'anything.at.all', op: 'eq', value: 1 } }, op: 'eq', value: 0 },
];

// [assertion, path of the problem, message]
const invalid: Array<[unknown, string, RegExp]> = [
  [{ key: 'createdAt', op: 'older-than', value: '1y' }, 'value', /^operator "older-than" takes a duration: whole hours, days or weeks such as 48h, 365d or 2w; got "1y"\. Months and years have no fixed length: write the days, e\.g\. 365d\.$/],
  [{ key: 'createdAt', op: 'older-than', value: 365 }, 'value', /got 365\. Say the unit: 365d for days\.$/],
  [{ key: 'createdAt', op: 'newer-than', value: 'P30D' }, 'value', /takes a duration/],
  [{ key: 'createdAt', op: 'older-than' }, '', /operator "older-than" needs a "value"/],
  [{ key: 'approvals', op: 'older-than', value: '1d' }, 'key', /^operator "older-than" measures the age of a date-time; approvals is a number\.$/],
  [{ key: 'alerts.severity', op: 'eq', value: 'critical' }, 'key', /^"alerts\.severity" reaches into the list "alerts", which has one value per item; test its items with count: \{ key: alerts, where: \{ key: severity, … \} \}\.$/],
  [{ count: { key: 'name' }, op: 'eq', value: 0 }, 'count.key', /^"count" counts the items of a list; name is text\.$/],
  [{ count: { key: 'alert' }, op: 'eq', value: 0 }, 'count.key', /^"alert" is not a field of this collector's resources\. Did you mean "alerts"\?$/],
  [{ count: { key: 'alerts', where: { key: 'severty', op: 'eq', value: 'high' } }, op: 'eq', value: 0 }, 'count.where.key', /^"severty" is not a field of the items of "alerts"\. Did you mean "severity"\?$/],
  [{ count: { key: 'alerts', where: { key: 'severity', op: 'eq', value: 'moderate' } }, op: 'eq', value: 0 }, 'count.where.value', /^severity is one of "critical", "high"; "moderate" can never match\.$/],
  [{ count: { key: 'alerts', where: { key: 'createdAt', op: 'older-than', value: '1 year' } }, op: 'eq', value: 0 }, 'count.where.value', /takes a duration/],
  [{ count: { key: 'alerts', where: { all: [] } }, op: 'eq', value: 0 }, 'count.where.all', /"all" takes a non-empty list/],
  [{ count: { key: 'alerts' }, op: 'contains', value: 0 }, 'op', /^a count compares a number; operator "contains" does not\. Use one of eq, ne, gt, gte, lt, lte, in, not-in\./],
  [{ count: { key: 'alerts' }, value: 0 }, '', /^missing "op": one of eq, ne/],
  [{ count: { key: 'alerts' }, op: 'eq' }, '', /^a count needs a "value"/],
  [{ count: { key: 'alerts' }, op: 'eq', value: -1 }, 'value', /^a count is a whole number of items; "value" must be one \(0, 1, 2, …\), got -1\.$/],
  [{ count: { key: 'alerts' }, op: 'eq', value: 'none' }, 'value', /got "none"/],
  [{ count: { key: 'alerts' }, op: 'in', value: 1 }, 'value', /must be a list of such numbers/],
  [{ count: { key: 'alerts', lable: 'x' }, op: 'eq', value: 0 }, 'count.lable', /^unknown key "lable" in "count": it takes key, where and label\. Did you mean "label"\?$/],
  [{ count: { key: 'alerts', label: 3 }, op: 'eq', value: 0 }, 'count.label', /"label" is text/],
  [{ count: { where: late }, op: 'eq', value: 0 }, 'count', /^missing "key" in "count"/],
  [{ count: 'alerts', op: 'eq', value: 0 }, 'count', /^"count" takes a mapping/],
  [{ count: { key: 'alerts' }, key: 'alerts', op: 'eq', value: 0 }, 'key', /^unexpected key "key" beside "count": a count takes count, op, value and message\./],
  [{ count: { key: 'tags.name' }, op: 'eq', value: 0 }, 'count.key', /^"tags.name" is not a field/],
];

const pathText = (p: Array<string | number>) => p.slice(1).join('.');

describe('controls/validate-assertion', () => {
  it.each(valid.map((a) => [JSON.stringify(a), a] as const))('accepts %s', (_label, assertion) => {
    expect(validateAssertion(assertion, resource)).toEqual([]);
  });

  it.each(invalid.map(([a, p, m]) => [JSON.stringify(a), a, p, m] as const))('refuses %s', (_label, assertion, path, message) => {
    const problems = validateAssertion(assertion, resource);
    expect(problems).toEqual([expect.objectContaining({ message: expect.stringMatching(message) })]);
    expect(pathText(problems[0]!.path)).toBe(path);
  });

  it('points at the line and column of a problem inside a count\'s where, when controls load', async () => {
    const dir = tempTree({
      'controls/SEC-001.yaml': `id: SEC-001
title: Deploy keys are rotated
criteria: [CC6.1]
severity: low
description: No deploy key is older than a year.
collector: github.deploy-keys
assert:
  count:
    key: keys
    where: { key: createdAt, op: older-than, value: 1y }
  op: eq
  value: 0
remediation: Rotate the key.
`,
    });
    const issues = await loadControls({ paths: ['controls'], cwd: dir }).then(() => [], (e: unknown) => (e instanceof ControlDefinitionError ? e.issues.map(formatIssue) : Promise.reject(e)));
    expect(issues).toEqual([expect.stringMatching(/^controls\/SEC-001\.yaml:10:53 assert\.count\.where\.value: operator "older-than" takes a duration/)]);
  });

  it('names where an old threshold param went, when controls load', async () => {
    const dir = tempTree({
      'controls/SEC-001.yaml': `id: SEC-001
title: Deploy keys are rotated
criteria: [CC6.1]
severity: low
description: No deploy key is older than a year.
collector: github.deploy-keys
params: { maxAgeDays: 365 }
assert: { key: writeKeyCount, op: eq, value: 0 }
remediation: Rotate the key.
`,
    });
    const issues = await loadControls({ paths: ['controls'], cwd: dir }).then(() => [], (e: unknown) => (e instanceof ControlDefinitionError ? e.issues.map(formatIssue) : Promise.reject(e)));
    expect(issues).toEqual([expect.stringMatching(/^controls\/SEC-001\.yaml:7:\d+ params\.maxAgeDays: no longer read: the rotation age belongs in the assertion/)]);
  });
});
