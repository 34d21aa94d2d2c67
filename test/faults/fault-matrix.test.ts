/**
 * The fault matrix (issue 8): every collector that reads AWS Config or GitHub, under every fault
 * the fake servers can inject, run the way the engine runs it. Asserts that a retry recovers the
 * very evidence of a run without the fault where a retry is right, that anything else ends
 * incomplete with a reason naming the fault (never `pass`, never complete-but-different), and that
 * each run ends (a never-ending answer meets a small collector timeout). The matrix is the
 * artefact: written under the test's temp dir, printed at the end, and kept in docs/fault-matrix.md
 * (`SOC2_FAULT_MATRIX=write` refreshes it; otherwise the test checks it is current).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallOutcome } from '../../src/engine/collect.js';
import { packageRoot } from '../../src/paths.js';
import { demoAwsEstate } from '../../src/sandbox/estate/aws.js';
import { startAwsHarness } from '../fakes/aws-harness.js';
import { startHarness } from '../fakes/github-context.js';
import { FAULT_CASES, type FaultCase } from './cases.js';
import { faultGitHubEstate } from './estate.js';
import { classify, renderDetails, renderMarkdown, runRows, matrixRows, type Cell, type Row, type Servers } from './matrix.js';

const DOC = join(packageRoot, 'docs', 'fault-matrix.md');
/** A guard against a hang, far above what a case takes: the matrix itself never bounds time. */
const CASE_GUARD_MS = 600_000;

describe('faults: every AWS and GitHub collector under every fault', () => {
  let servers: Servers;
  let rows: Row[];
  let baseline: Map<string, CallOutcome>;
  const cells: Cell[] = [];
  const artefactDir = mkdtempSync(join(tmpdir(), 'soc2-fault-matrix-'));

  beforeAll(async () => {
    servers = {
      aws: await startAwsHarness(demoAwsEstate()),
      // waitUnitMs: a second of retry-after, backoff or GraphQL spacing lasts a millisecond.
      github: await startHarness(faultGitHubEstate(), { waitUnitMs: 1 }),
    };
    rows = await matrixRows();
    baseline = await runRows(servers, rows);
  }, CASE_GUARD_MS);

  afterAll(async () => {
    if (rows && cells.length) {
      const markdown = renderMarkdown(rows, FAULT_CASES, cells);
      const file = join(artefactDir, 'fault-matrix.md');
      writeFileSync(file, `${markdown}\n## Every cell\n\n\`\`\`\n${renderDetails(cells)}\n\`\`\`\n`);
      console.log(`${markdown}\n(the matrix with every reason: ${file})`);
    }
    await Promise.all([servers?.aws.close(), servers?.github.close()]);
  });

  it('covers every AWS and GitHub collector, and each collects without faults', () => {
    expect(rows.map((r) => r.label)).toEqual(expect.arrayContaining(['aws.config-recorder', 'aws.config-rules (aggregator)', 'github.change-population', 'github.webhooks']));
    for (const r of rows) {
      const o = baseline.get(r.label);
      expect(o?.kind, r.label).toBe('evidence');
      // Without faults the only gaps are the demo estate's own story: a conformance pack deployed in
      // one region of three, an aggregator source that stopped reporting.
      if (o?.kind === 'evidence') expect(o.evidence.gaps.filter((g) => g.kind !== 'precondition' && g.kind !== 'not-found'), r.label).toEqual([]);
    }
  });

  it.each(FAULT_CASES.map((f) => [`${f.source}: ${f.id}`, f] as const))('%s', async (_name, fault: FaultCase) => {
    const mine = rows.filter((r) => r.source === fault.source);
    const outcomes = await runRows(servers, mine, fault);
    const problems: string[] = [];
    for (const row of mine) {
      const cell = classify(row, fault, baseline.get(row.label)!, outcomes.get(row.label)!);
      cells.push(cell);
      const where = `${row.label}: `;
      if (cell.outcome === 'wrong') problems.push(`${where}${cell.reason}`);
      if (cell.outcome === 'error' && cell.status === 'pass') problems.push(`${where}the control passed on incomplete evidence`);
      if (cell.outcome === 'error' && !fault.names.test(cell.reason)) problems.push(`${where}the reason does not name the fault (${fault.names}): ${cell.reason}`);
      if (!cell.reached && cell.outcome !== 'same') problems.push(`${where}a fault that cannot reach it changed its evidence (${cell.outcome}: ${cell.reason})`);
      if (cell.reached && fault.expect === 'recovers' && cell.outcome !== 'same') problems.push(`${where}expected the retry to recover the evidence, got ${cell.outcome}: ${cell.reason}`);
      if (cell.reached && fault.expect === 'error' && cell.outcome !== 'error') problems.push(`${where}expected incomplete evidence naming the fault, got ${cell.outcome}`);
    }
    expect(problems).toEqual([]);
  }, CASE_GUARD_MS);

  it('keeps docs/fault-matrix.md current (SOC2_FAULT_MATRIX=write refreshes it)', () => {
    expect(cells.length).toBe(FAULT_CASES.reduce((n, f) => n + rows.filter((r) => r.source === f.source).length, 0));
    const markdown = renderMarkdown(rows, FAULT_CASES, cells);
    if (process.env['SOC2_FAULT_MATRIX'] === 'write') writeFileSync(DOC, markdown);
    expect(readFileSync(DOC, 'utf8'), 'docs/fault-matrix.md is not the current matrix: review the change, then refresh it with SOC2_FAULT_MATRIX=write npx vitest run test/faults/fault-matrix.test.ts').toBe(markdown);
  });
});
