/**
 * The shipped controls that hold the thresholds the GitHub collectors used to apply: the
 * collector (against the fake GitHub) reports facts, the control YAML judges them, the run's
 * clock dates them.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadControls } from '../../../src/controls/load.js';
import type { Control } from '../../../src/controls/schema.js';
import { loadCollector, type CollectorId } from '../../../src/collectors/index.js';
import { evaluateControl } from '../../../src/engine/evaluate.js';
import type { ExceptionEntry } from '../../../src/engine/exceptions.js';
import type { ControlResult, EvidenceRef } from '../../../src/results.js';
import { DEMO_NOW, demoGitHubEstate, type GitHubEstate } from '../../../src/sandbox/estate/github.js';
import { startHarness, type Harness, type HarnessOptions } from '../../fakes/github-context.js';
import { rewritingFetch, type Rewrite } from '../../fakes/github-rewrite.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let controls: Control[];
beforeAll(async () => {
  controls = await loadControls({ paths: ['builtin'] });
});

const ref: EvidenceRef = { file: 'evidence/github/x.json', sha256: 'a'.repeat(64), collector: 'x', params: {}, collectedAt: DEMO_NOW, finishedAt: DEMO_NOW, complete: true, resourceCount: 0, calls: [], gaps: [] };

async function judge(id: string, opts: { estate?: GitHubEstate; harness?: HarnessOptions; rewrite?: Rewrite; now?: string; exceptions?: ExceptionEntry[] } = {}): Promise<ControlResult> {
  const control = controls.find((c) => c.id === id)!;
  const collector = await loadCollector(control.collector as CollectorId);
  h = await startHarness(opts.estate ?? demoGitHubEstate(), opts.harness ?? {});
  const evidence = await collector.collect(h.ctx(await h.github(opts.rewrite ? { fetch: rewritingFetch(opts.rewrite) } : {})), control.resolvedParams);
  collected = new Set(evidence.resources.map((r) => r.id));
  const now = new Date(opts.now ?? DEMO_NOW);
  return evaluateControl(control, { kind: 'evidence', evidence, ref }, collector, opts.exceptions ?? [], now.toISOString().slice(0, 10), now);
}

const finding = (r: ControlResult, resource: string) => r.findings.find((f) => f.resource === resource);
/** The resources the last judge() collected: a passing one is counted and not listed among the findings. */
let collected = new Set<string>();
const passed = (r: ControlResult, resource: string) => collected.has(resource) && finding(r, resource) === undefined;

/** GitHub's GraphQL alert without its severity (securityVulnerability null), for the numbered alerts of data-pipeline. */
const withoutSeverity = (...numbers: number[]): Rewrite => (body, x) => {
  if (x.path !== '/graphql' || !x.request?.query?.includes('RepoFacts')) return undefined;
  for (const repo of Object.values((body as { data: Record<string, { nameWithOwner?: string; vulnerabilityAlerts?: { nodes: Array<Record<string, unknown>> } } | null> }).data)) {
    if (repo?.nameWithOwner === 'northwind-analytics/data-pipeline') for (const a of repo.vulnerabilityAlerts!.nodes) if (numbers.includes(a['number'] as number)) a['securityVulnerability'] = null;
  }
  return body;
};

describe('controls/GH-024 (remediation deadlines in the control)', () => {
  it('names each late alert, per severity deadline', async () => {
    const r = await judge('GH-024');
    expect(r.status).toBe('fail');
    expect(finding(r, 'northwind-analytics/data-pipeline')).toMatchObject({
      status: 'fail',
      message: 'northwind-analytics/data-pipeline: critical alerts open longer than 7 days: 2 — Dependabot #3 critical apache-airflow (GHSA-1111-2222-3333) opened 2026-01-05, Dependabot #5 critical requests (GHSA-7777-8888-9999) opened 2026-02-01; required: none.',
    });
    expect(finding(r, 'northwind-analytics/billing-service')?.message).toBe('northwind-analytics/billing-service: high alerts open longer than 30 days: 1 — code scanning #7 high js/sql-injection opened 2026-01-10; required: none.');
    expect(passed(r, 'northwind-analytics/api')).toBe(true); // a medium alert 12 days old
  });

  it('measures ages from the run\'s clock: a week after #5 was opened, only #3 is late', async () => {
    const r = await judge('GH-024', { now: '2026-02-08T09:00:00Z' });
    expect(finding(r, 'northwind-analytics/data-pipeline')?.message).toMatch(/critical alerts open longer than 7 days: 1 — Dependabot #3 /);
  });

  it('cannot tell whether an alert without a severity is late while it is within the longest deadline, and says which alert and field', async () => {
    const r = await judge('GH-024', { rewrite: withoutSeverity(3, 5) });
    expect(finding(r, 'northwind-analytics/data-pipeline')).toMatchObject({
      status: 'error',
      message: 'northwind-analytics/data-pipeline: could not tell critical alerts open longer than 7 days or high alerts open longer than 30 days: GitHub did not report severity (alerts.severity) of Dependabot #3 severity unknown (GHSA-1111-2222-3333) opened 2026-01-05, Dependabot #5 severity unknown (GHSA-7777-8888-9999) opened 2026-02-01; reading it needs github:dependabot_alerts:read.',
    });
    expect(r.status).toBe('fail'); // billing-service is still known to be late
  });

  it('fails an alert without a severity once it is older than the longest deadline (180 days)', async () => {
    const r = await judge('GH-024', { rewrite: withoutSeverity(3), now: '2026-07-10T09:00:00Z' });
    expect(finding(r, 'northwind-analytics/data-pipeline')).toMatchObject({ status: 'fail', message: expect.stringContaining('alerts of any severity open longer than 180 days: 1 — Dependabot #3 severity unknown (GHSA-1111-2222-3333) opened 2026-01-05') });
  });

  it('does not pass an alert GitHub sent without its opening time: its age could not be told (it used to read as on time)', async () => {
    const noTime: Rewrite = (body, x) => {
      if (!x.path.endsWith('/billing-service/code-scanning/alerts') || x.status !== 200) return undefined;
      for (const a of body as Array<Record<string, unknown>>) if (a['number'] === 7) delete a['created_at'];
      return body;
    };
    const r = await judge('GH-024', { rewrite: noTime });
    expect(finding(r, 'northwind-analytics/billing-service')?.status).toBe('error');
  });
});

describe('controls/GH-017 (rotation age in the control)', () => {
  it('names the key older than 365 days and passes the younger one', async () => {
    const r = await judge('GH-017');
    expect(finding(r, 'northwind-analytics/data-pipeline')).toMatchObject({ status: 'fail', message: 'northwind-analytics/data-pipeline: deploy keys older than 365 days: 1 — “airflow deploy (write)” added 2024-03-01; required: none.' });
    expect(passed(r, 'northwind-analytics/api')).toBe(true); // added 2025-06-01
  });

  it('measures the age from the run\'s clock: a year and a day after it was added, the younger key is old too', async () => {
    const r = await judge('GH-017', { now: '2026-06-02T10:00:01Z' });
    expect(finding(r, 'northwind-analytics/api')).toMatchObject({ status: 'fail', message: expect.stringContaining('“ci read-only” added 2025-06-01') });
  });
});

describe('controls/GH-015 (approved outside writers are exceptions)', () => {
  it('names who can push, and takes an approval as an exception for that repository only', async () => {
    const approval: ExceptionEntry = { control: 'GH-015', resources: ['northwind-analytics/web-app'], justification: 'The design agency ships the marketing pages under contract 2026-07.', approvedBy: 'cto@northwind.example', expires: '2026-12-31' };
    const r = await judge('GH-015', { exceptions: [approval] });
    expect(finding(r, 'northwind-analytics/web-app')).toMatchObject({ status: 'excepted', message: 'northwind-analytics/web-app: outside collaborators who can push: 1 — design-agency (write); required: none.' });
    expect(finding(r, 'northwind-analytics/data-pipeline')).toMatchObject({ status: 'fail', message: 'northwind-analytics/data-pipeline: outside collaborators who can push: 1 — freelance-oscar (admin); required: none.' });
    expect(r.status).toBe('fail');
  });
});

describe('controls/GH-028 and GH-029 (the change population\'s deviations in the controls)', () => {
  it('fails the changes without a person\'s approval on the final commit, and those without passing checks', async () => {
    const review = await judge('GH-028');
    const failing = review.findings.filter((f) => f.status === 'fail').map((f) => f.resource);
    expect(failing).toEqual(expect.arrayContaining(['northwind-analytics/billing-service#330', 'northwind-analytics/billing-service#332', 'northwind-analytics/data-pipeline#210']));
    expect(failing).not.toContain('northwind-analytics/api#101');
    await h!.close();
    h = undefined;
    const checks = await judge('GH-029');
    expect(checks.findings.filter((f) => f.status === 'fail').map((f) => f.resource)).toEqual(expect.arrayContaining([expect.stringMatching(/^northwind-analytics\/data-pipeline@/), 'northwind-analytics/data-pipeline#210']));
  });
});
