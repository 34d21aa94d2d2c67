/**
 * Controls AWS-029 to AWS-034 read managed rules that AWS's SOC 2 conformance pack does not deploy.
 * Each is run here the way the engine runs it — the real config-rules collector and SDK client
 * against the fake AWS Config, then the engine's evaluation — on an estate that passes, one with a
 * single failing resource, and one where a rule was never deployed beside the pack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collector } from '../../../src/collectors/aws/config-rules.js';
import type { Evidence } from '../../../src/collectors/types.js';
import { loadControls } from '../../../src/controls/load.js';
import type { Control } from '../../../src/controls/schema.js';
import { evaluateControl } from '../../../src/engine/evaluate.js';
import { packageRoot } from '../../../src/paths.js';
import type { ControlResult, EvidenceRef } from '../../../src/results.js';
import { RULE_CATALOG, ruleNameOf } from '../../../src/sandbox/aws-rule-catalog.js';
import type { ResourceCompliance, RuleSpec } from '../../../src/sandbox/estate/aws.js';
import { startAwsHarness, type AwsHarness } from '../../fakes/aws-harness.js';
import { ACCOUNT, NOW, estate, region, rule } from '../../fakes/aws-estates.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
/** Identifiers of the managed rules beyond the pack that the library names (data/aws-config-rules-beyond-pack.tsv). */
const BEYOND = new Set(readFileSync(join(packageRoot, 'data', 'aws-config-rules-beyond-pack.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[1]!));

interface Case {
  control: string;
  /** The rule, resource and AWS Config annotation of the one failing result in the failing estate. */
  failing: { rule: string; resource: string; annotation: string };
}

const CASES: Case[] = [
  { control: 'AWS-029', failing: { rule: 'DYNAMODB_THROUGHPUT_LIMIT_CHECK', resource: ACCOUNT, annotation: 'Provisioned read capacity is 86% of the account limit in this region.' } },
  { control: 'AWS-030', failing: { rule: 'INSPECTOR_EC2_SCAN_ENABLED', resource: ACCOUNT, annotation: 'Amazon Inspector EC2 scanning is not activated.' } },
  { control: 'AWS-031', failing: { rule: 'S3_VERSION_LIFECYCLE_POLICY_CHECK', resource: 'res-s3-bucket-1', annotation: 'The versioned bucket has no lifecycle policy.' } },
  { control: 'AWS-032', failing: { rule: 'RDS_LAST_BACKUP_RECOVERY_POINT_CREATED', resource: 'res-rds-dbinstance-1', annotation: 'No recovery point was created in the last 1 days.' } },
  { control: 'AWS-033', failing: { rule: 'EFS_MEETS_RESTORE_TIME_TARGET', resource: 'res-efs-filesystem-1', annotation: 'The latest restore took 410 minutes (maximum 240).' } },
  { control: 'AWS-034', failing: { rule: 'RDS_MULTI_AZ_SUPPORT', resource: 'res-rds-dbinstance-1', annotation: 'The DB instance has no Multi-AZ standby.' } },
];

/** One resource per resource type the rule reports on: the account itself for account-level rules. */
function resourcesOf(identifier: string): RuleSpec['resources'] {
  return RULE_CATALOG[identifier]!.resourceTypes.map((t) => ({
    resourceType: t,
    resourceId: t === 'AWS::::Account' ? ACCOUNT : `res-${t.split('::').slice(1).join('-').toLowerCase()}-1`,
  }));
}

/** Every rule of the control deployed in every region (but `missing`), each resource COMPLIANT but `failing`. */
function estateFor(rules: readonly string[], opts: { failing?: Case['failing']; missing?: { rule: string; region: string } } = {}) {
  const regions = Object.fromEntries(REGIONS.map((name) => [name, region(ACCOUNT, name, rules
    .filter((identifier) => !(opts.missing?.rule === identifier && opts.missing.region === name))
    .map((identifier) => {
      const outcomes: Record<string, { compliance: ResourceCompliance; annotation?: string }> = {};
      const f = opts.failing;
      if (f && f.rule === identifier && name === 'us-east-1') outcomes[f.resource] = { compliance: 'NON_COMPLIANT', annotation: f.annotation };
      return rule(ACCOUNT, name, { identifier, resources: resourcesOf(identifier), outcomes });
    }))]));
  return estate([{ id: ACCOUNT, regions }]);
}

let library: Control[];
let harness: AwsHarness | undefined;
beforeAll(async () => {
  library = await loadControls({ paths: ['builtin'] });
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function controlOf(id: string): Control & { resolvedParams: { rules: string[] } } {
  const control = library.find((c) => c.id === id);
  if (!control) throw new Error(`${id} is not in the shipped library`);
  return control as Control & { resolvedParams: { rules: string[] } };
}

/** Collects the control's evidence from the fake AWS Config and evaluates it as the engine does. */
async function run(control: Control, e: ReturnType<typeof estate>): Promise<ControlResult> {
  harness = await startAwsHarness(e);
  const ev = await collector.collect(harness.ctx(), collector.params.parse(control.resolvedParams));
  const ref: EvidenceRef = {
    file: 'evidence/aws/x.json', sha256: 'a'.repeat(64), collector: collector.id, params: control.resolvedParams, collectedAt: NOW, finishedAt: NOW,
    complete: ev.complete, resourceCount: ev.resources.length, calls: [], gaps: ev.gaps,
  };
  return evaluateControl(control, { kind: 'evidence', evidence: ev as Evidence<Record<string, unknown>>, ref }, collector, [], NOW.slice(0, 10));
}

describe('controls AWS-029 to AWS-034 (managed rules beyond the SOC 2 pack)', () => {
  it('has a case for every control whose rules reach beyond the pack', () => {
    const beyond = library.filter((c) => c.collector === 'aws.config-rules' && (c.resolvedParams as { rules: string[] }).rules.some((r) => BEYOND.has(r)));
    expect(BEYOND.size).toBeGreaterThan(0);
    expect(beyond.map((c) => c.id).sort()).toEqual(CASES.map((c) => c.control));
  });

  describe.each(CASES)('$control', ({ control: id, failing }) => {
    it('passes when every rule is deployed in every region and finds every resource compliant', async () => {
      const control = controlOf(id);
      const result = await run(control, estateFor(control.resolvedParams.rules));
      expect(result.statusReason).not.toMatch(/error|could not/i);
      expect(result.status).toBe('pass');
      expect(result.counts.pass).toBe(control.resolvedParams.rules.reduce((n, r) => n + resourcesOf(r).length * REGIONS.length, 0));
    });

    it(`fails on the one resource ${failing.rule} finds non-compliant, naming the rule and Config's explanation`, async () => {
      const control = controlOf(id);
      expect(control.resolvedParams.rules).toContain(failing.rule);
      const result = await run(control, estateFor(control.resolvedParams.rules, { failing }));
      expect(result.status).toBe('fail');
      const failures = result.findings.filter((f) => f.status === 'fail');
      expect(failures.map((f) => [f.resource, f.region])).toEqual([[failing.resource, 'us-east-1']]);
      expect(failures[0]!.message).toContain(ruleNameOf(failing.rule));
      expect(failures[0]!.message).toContain(failing.annotation);
    });

    it('ends in error, never in pass, when one of its rules was not deployed beside the pack in one region', async () => {
      const control = controlOf(id);
      const missing = { rule: control.resolvedParams.rules.at(-1)!, region: 'eu-west-1' };
      const result = await run(control, estateFor(control.resolvedParams.rules, { missing }));
      expect(result.status).toBe('error');
      expect(result.statusReason).toContain(missing.rule);
      expect(result.statusReason).toContain('eu-west-1');
    });
  });
});
