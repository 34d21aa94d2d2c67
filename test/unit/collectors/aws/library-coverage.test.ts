import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { collector as configRules } from '../../../../src/collectors/aws/config-rules.js';
import { packageRoot } from '../../../../src/paths.js';
import { RULE_CATALOG } from '../../../../src/sandbox/aws-rule-catalog.js';

interface PackRule { name: string; identifier: string; criteria: string[] }
interface ControlYaml { id: string; criteria: string[]; collector?: string; params?: { rules?: string[]; global?: boolean }; rationale?: string; remediation?: string; description?: string }

function readTsv(file: string): Array<Record<string, string>> {
  const [header, ...rows] = readFileSync(join(packageRoot, 'data', file), 'utf8').trim().split('\n').map((l) => l.split('\t'));
  return rows.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i] ?? ''])));
}

const pack: PackRule[] = readTsv('aws-soc2-conformance-pack.tsv').map((r) => ({
  name: r.config_rule_name!, identifier: r.source_identifier!, criteria: r.soc2_criteria!.split(','),
}));
/** Managed rules outside the pack that controls name, each checked against its page in AWS's managed-rule list. */
const beyond = readTsv('aws-config-rules-beyond-pack.tsv').map((r) => ({
  name: r.config_rule_name!, identifier: r.source_identifier!, resourceTypes: r.resource_types!.split(','), trigger: r.trigger!, reference: r.reference!,
}));
const tsc = new Set(readTsv('tsc-2017.tsv').map((r) => r.id!));
const files = readdirSync(join(packageRoot, 'controls')).filter((f) => /^AWS-\d{3}\.yaml$/.test(f)).sort();
const controls = files.map((f) => ({ file: f, control: parse(readFileSync(join(packageRoot, 'controls', f), 'utf8')) as ControlYaml }));
const ruleControls = controls.filter((c) => c.control.collector === 'aws.config-rules');

describe('controls/AWS-* (library coverage of the SOC 2 conformance pack, and the managed rules beyond it)', () => {
  it('reads the 115 managed rules of the pack from data/', () => {
    expect(pack).toHaveLength(115);
    expect(new Set(pack.map((r) => r.identifier)).size).toBe(115);
  });

  it('covers every rule of the pack exactly once, and names no rule that is neither in the pack nor in the verified list beyond it', () => {
    const named = ruleControls.flatMap((c) => c.control.params?.rules ?? []);
    const uncovered = pack.map((r) => r.identifier).filter((id) => !named.includes(id));
    expect(uncovered).toEqual([]);
    const known = new Set([...pack, ...beyond].map((r) => r.identifier));
    expect(named.filter((id) => !known.has(id))).toEqual([]);
    expect(named.length).toBe(new Set(named).size);
  });

  it('lists beyond the pack only managed rules that a control uses, none of the pack\'s, each under the name and page AWS gives it', () => {
    const named = new Set(ruleControls.flatMap((c) => c.control.params?.rules ?? []));
    expect(beyond.length).toBeGreaterThan(0);
    expect(beyond.filter((r) => !named.has(r.identifier)).map((r) => r.identifier)).toEqual([]);
    expect(beyond.filter((r) => pack.some((p) => p.identifier === r.identifier)).map((r) => r.identifier)).toEqual([]);
    for (const r of beyond) {
      expect(r.identifier, r.name).toMatch(/^[A-Z0-9]+(_[A-Z0-9]+)+$/);
      expect(r.name, r.identifier).toBe(r.identifier.toLowerCase().replace(/_/g, '-'));
      expect(r.reference, r.identifier).toBe(`https://docs.aws.amazon.com/config/latest/developerguide/${r.name}.html`);
      expect(['periodic', 'configuration changes'], r.identifier).toContain(r.trigger);
    }
  });

  it('gives the sandbox every rule the library names, with the resource types and trigger AWS documents', () => {
    for (const r of beyond) {
      expect(RULE_CATALOG[r.identifier], r.identifier).toMatchObject({ resourceTypes: r.resourceTypes });
      expect(Boolean(RULE_CATALOG[r.identifier]!.periodic), r.identifier).toBe(r.trigger === 'periodic');
    }
    for (const r of pack) expect(RULE_CATALOG[r.identifier], r.identifier).toBeDefined();
  });

  it('groups rules into auditor-sized controls rather than one control per rule', () => {
    expect(ruleControls.length).toBeLessThanOrEqual(pack.length / 3);
    expect(ruleControls.filter((c) => (c.control.params?.rules ?? []).length >= 3).length).toBeGreaterThan(ruleControls.length / 2);
  });

  it('maps each control to at least the criteria the pack gives its rules, all of them real 2017 TSC ids', () => {
    for (const { control } of ruleControls) {
      const expected = new Set((control.params?.rules ?? []).flatMap((id) => pack.find((r) => r.identifier === id)?.criteria ?? []));
      expect([...expected].filter((c) => !control.criteria.includes(c)), control.id).toEqual([]);
    }
    for (const { control } of controls) expect(control.criteria.filter((c) => !tsc.has(c)), control.id).toEqual([]);
  });

  it('says, for a control with rules beyond the pack, that they must be deployed beside it', () => {
    for (const { control } of ruleControls) {
      if (!(control.params?.rules ?? []).some((id) => beyond.some((r) => r.identifier === id))) continue;
      expect(control.remediation, control.id).toMatch(/not part of AWS's SOC 2 conformance pack: deploy them beside it/);
    }
  });

  it('names each file after its id and explains what, why and how to fix', () => {
    for (const { file, control } of controls) {
      expect(file).toBe(`${control.id}.yaml`);
      expect(control.description?.length, control.id).toBeGreaterThan(40);
      expect(control.rationale?.length, control.id).toBeGreaterThan(40);
      expect(control.remediation, control.id).toMatch(/console|aws /i);
    }
  });

  it('gives every control params the collector accepts', () => {
    for (const { control } of ruleControls) expect(configRules.params.safeParse(control.params).success, control.id).toBe(true);
  });

  it('includes the recorder precondition control', () => {
    expect(controls.some((c) => c.control.collector === 'aws.config-recorder')).toBe(true);
  });
});
