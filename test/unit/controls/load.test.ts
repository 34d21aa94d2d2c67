import { describe, expect, it } from 'vitest';
import { loadControls } from '../../../src/controls/load.js';
import { ControlDefinitionError, formatIssue } from '../../../src/errors.js';
import { tempTree } from '../../helpers/tmp.js';

const good = (id: string, extra = '') => `id: ${id}
title: A security policy tells people how to report vulnerabilities
criteria: [CC2.3, CC7.3]
severity: medium
description: The repository has a security policy with a contact.
collector: repo.security-policy
assert:
  all:
    - { key: securityPolicyPresent, op: eq, value: true }
remediation: Add SECURITY.md with a contact address.
${extra}`;

async function problems(files: Record<string, string>): Promise<string[]> {
  const dir = tempTree(files);
  try {
    await loadControls({ paths: ['controls'], cwd: dir });
  } catch (e) {
    if (e instanceof ControlDefinitionError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

describe('controls/load', () => {
  it('loads a valid control with collector defaults applied', async () => {
    const dir = tempTree({ 'controls/SEC-001.yaml': good('SEC-001') });
    const [c] = await loadControls({ paths: ['controls'], cwd: dir });
    expect(c).toMatchObject({ id: 'SEC-001', type: 'automated', whenEmptyResolved: 'error', resolvedParams: {} });
  });

  it('names an unknown key with its line and column and suggests the right one', async () => {
    const out = await problems({ 'controls/SEC-001.yaml': good('SEC-001').replace('severity: medium', 'severty: medium') });
    expect(out).toContain('controls/SEC-001.yaml:4:1 severty: unknown key "severty". Did you mean "severity"?');
    expect(out).toContain('controls/SEC-001.yaml:1:1 severity: missing required key "severity": expected one of critical, high, medium, low.');
  });

  it('reports every problem at once across files, each located', async () => {
    const bad = `id: SEC-002
title: Broken
criteria: [CC6.1, CC99.9]
severity: extreme
description: d
collector: repo.securty-policy
assert: { key: x, op: eq, value: 1 }
remediation: r
`;
    const badAssert = good('SEC-003').replace('{ key: securityPolicyPresent, op: eq, value: true }', '{ key: securityPolicyPresnt, op: eqq, value: true }');
    const out = await problems({ 'controls/SEC-002.yaml': bad, 'controls/SEC-003.yaml': badAssert, 'controls/SEC-004.yaml': 'id: SEC-004\ntitle: [unclosed\n' });
    expect(out).toEqual(expect.arrayContaining([
      expect.stringMatching(/^controls\/SEC-002\.yaml:3:19 criteria\[1\]: "CC99\.9" is not a 2017 Trust Services Criteria id\./),
      'controls/SEC-002.yaml:4:11 severity: "extreme" is not allowed: expected one of critical, high, medium, low.',
      expect.stringMatching(/^controls\/SEC-002\.yaml:6:12 collector: unknown collector "repo\.securty-policy"\. Did you mean "repo\.security-policy"\?/),
      expect.stringMatching(/^controls\/SEC-003\.yaml:9:40 assert\.all\[0\]\.op: unknown operator "eqq"\. Did you mean "eq"\?/),
      expect.stringMatching(/^controls\/SEC-004\.yaml:\d+:\d+ YAML syntax error/),
    ]));
  });

  it('rejects an assertion key that the collector\'s resource does not have, with a suggestion', async () => {
    const out = await problems({ 'controls/SEC-001.yaml': good('SEC-001').replace('key: securityPolicyPresent', 'key: securityPolicyPresnt') });
    expect(out).toEqual(['controls/SEC-001.yaml:9:14 assert.all[0].key: "securityPolicyPresnt" is not a field of this collector\'s resources. Did you mean "securityPolicyPresent"?']);
  });

  it('rejects a value that can never match the field type', async () => {
    const out = await problems({ 'controls/SEC-001.yaml': good('SEC-001').replace('value: true', 'value: "yes"') });
    expect(out).toEqual(['controls/SEC-001.yaml:9:52 assert.all[0].value: securityPolicyPresent is true or false; "yes" can never match.']);
  });

  it('rejects params that do not fit the collector schema', async () => {
    const out = await problems({ 'controls/SEC-001.yaml': good('SEC-001', 'params: { depth: 3 }\n') });
    expect(out).toEqual([expect.stringMatching(/^controls\/SEC-001\.yaml:11:11 params\.depth: unknown key "depth"\./)]);
  });

  it('rejects duplicate ids across files and names both places', async () => {
    const out = await problems({ 'controls/SEC-001.yaml': good('SEC-001'), 'more/SEC-001.yaml': good('SEC-001') });
    expect(out).toEqual([]);
    const dir = tempTree({ 'a/SEC-001.yaml': good('SEC-001'), 'b/SEC-001.yaml': good('SEC-001') });
    await expect(loadControls({ paths: ['a', 'b'], cwd: dir })).rejects.toThrow(/b\/SEC-001\.yaml:1:5 id: duplicate control id "SEC-001": also defined at a\/SEC-001\.yaml:1:5/);
  });

  it('requires the file name to equal the id', async () => {
    const out = await problems({ 'controls/SEC-009.yaml': good('SEC-001') });
    expect(out).toEqual(['controls/SEC-009.yaml:1:5 id: id "SEC-001" does not match the file name "SEC-009.yaml"; name the file SEC-001.yaml.']);
  });

  it('requires evidenceRequired on manual controls and rejects a collector there', async () => {
    const manual = `id: POL-001
title: Security policy approved by management
criteria: [CC1.1]
severity: high
type: manual
description: d
collector: repo.security-policy
remediation: r
`;
    const out = await problems({ 'controls/POL-001.yaml': manual });
    expect(out).toEqual([
      expect.stringContaining('manual control needs "evidenceRequired"'),
      'controls/POL-001.yaml:7:1 collector: "collector" has no meaning on a manual control; remove it or set type: automated.',
    ]);
  });

  it('reports a matches pattern RE2 cannot run (a backreference) at its value, when loading', async () => {
    const out = await problems({ 'controls/SEC-001.yaml': good('SEC-001').replace('{ key: securityPolicyPresent, op: eq, value: true }', "{ key: securityPolicyPath, op: matches, value: '(SECURITY)\\.md\\1' }") });
    expect(out).toEqual([expect.stringMatching(/^controls\/SEC-001\.yaml:9:54 assert\.all\[0\]\.value: invalid regular expression: invalid escape sequence: `\\1`\. soc2 matches with RE2/)]);
  });

  it('lists a control file it cannot read among the other problems instead of stopping at it', async () => {
    const dir = tempTree({ 'controls/SEC-001.yaml': good('SEC-001').replace('severity: medium', 'severity: urgent'), 'controls/SEC-002.yaml/README': 'a directory named like a control' });
    await expect(loadControls({ paths: ['controls'], cwd: dir })).rejects.toSatisfy((e: unknown) => {
      const out = (e as ControlDefinitionError).issues.map(formatIssue);
      return out.length === 2 && out[0]!.startsWith('controls/SEC-001.yaml:4:11 severity:')
        && out[1] === 'controls/SEC-002.yaml: is a directory, not a regular file; soc2 reads a control file only from a regular file.';
    });
  });

  it('points at a missing path', async () => {
    const dir = tempTree({});
    await expect(loadControls({ paths: ['nope'], cwd: dir })).rejects.toThrow(/nope: no such file or directory/);
  });
});
