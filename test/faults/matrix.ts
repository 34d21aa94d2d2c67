/**
 * The fault matrix: every collector that reads AWS Config or GitHub, run the way the engine runs
 * them (collectAll: shared reads under a run signal, per-collector timeouts) against the fake
 * servers with one fault injected at a time, each outcome compared with the run without faults.
 * Renders the matrix as Markdown for docs/fault-matrix.md and as a detailed text artefact.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectors, loadCollector, type CollectorId } from '../../src/collectors/index.js';
import type { AnyCollector, ApiCall, Evidence } from '../../src/collectors/types.js';
import type { AwsContext } from '../../src/collectors/aws/client.js';
import type { GitHubContext } from '../../src/collectors/github/client.js';
import { loadControls } from '../../src/controls/load.js';
import type { Control } from '../../src/controls/schema.js';
import { collectAll, type CallOutcome } from '../../src/engine/collect.js';
import { evaluateControl } from '../../src/engine/evaluate.js';
import { planCollection, type PlannedCall } from '../../src/engine/plan.js';
import type { AwsSettings } from '../../src/config/schema.js';
import type { EvidenceRef } from '../../src/results.js';
import { DEMO_NOW, DEMO_PERIOD } from '../../src/sandbox/estate/github.js';
import type { AwsHarness } from '../fakes/aws-harness.js';
import type { Harness } from '../fakes/github-context.js';
import { GENEROUS_TIMEOUT_MS, type FaultCase } from './cases.js';

export type Source = 'aws' | 'github';

/** One row of the matrix: a collector, with the parameters and the control of its own example. */
export interface Row {
  /** 'aws.config-rules', or 'aws.config-rules (aggregator)'. */
  label: string;
  source: Source;
  /** Which client setup the row runs with. */
  group: 'aws' | 'aws-aggregator' | 'github';
  call: PlannedCall;
  control: Control;
}

export type Outcome =
  /** The same evidence as the run without the fault. */
  | 'same'
  /** Incomplete evidence, or the collector stopped (timeout). */
  | 'error'
  /** Complete evidence that differs from the run without the fault: a silent wrong answer. */
  | 'wrong';

export interface Cell {
  row: string;
  fault: string;
  outcome: Outcome;
  /** Whether the fault can reach the collector at all (judged from its calls without the fault). */
  reached: boolean;
  /** Gap kinds of incomplete evidence, or 'timeout' / 'failed' when the collector stopped. */
  kinds: string[];
  /** The gaps' messages or the collector's error: what a person reading the report sees. */
  reason: string;
  /** The row's control evaluated on this evidence, and on the evidence without the fault. */
  status: string;
  baselineStatus: string;
}

const GROUPS: Record<Row['group'], { source: Source; aws?: Partial<AwsSettings> }> = {
  aws: { source: 'aws' },
  'aws-aggregator': { source: 'aws', aws: { aggregator: 'northwind-org' } },
  github: { source: 'github' },
};

/** A control file for a collector's own example, so the matrix can evaluate what the engine would. */
function exampleControl(collector: AnyCollector, n: number): string {
  return [
    `id: FLT-${String(n).padStart(3, '0')}`,
    `title: Fault matrix probe for ${collector.id}`,
    'criteria: [CC7.1]',
    'severity: low',
    `description: The example control of ${collector.id}, evaluated under every fault.`,
    'remediation: None; a test fixture.',
    collector.example,
    '',
  ].join('\n');
}

/** Rows for every AWS and GitHub collector in the registry; AWS collectors also through the aggregator. */
export async function matrixRows(): Promise<Row[]> {
  const ids = (Object.keys(collectors) as CollectorId[]).filter((id) => id.startsWith('aws.') || id.startsWith('github.')).sort();
  const dir = mkdtempSync(join(tmpdir(), 'soc2-fault-controls-'));
  try {
    const loaded = await Promise.all(ids.map(loadCollector));
    loaded.forEach((c, i) => writeFileSync(join(dir, `FLT-${String(i + 1).padStart(3, '0')}.yaml`), exampleControl(c, i + 1)));
    const controls = await loadControls({ paths: [dir], cwd: dir });
    const rows: Row[] = [];
    for (const call of planCollection(controls)) {
      const control = call.controls[0]!;
      if (call.collectorId.startsWith('aws.')) {
        rows.push({ label: call.collectorId, source: 'aws', group: 'aws', call, control });
        rows.push({ label: `${call.collectorId} (aggregator)`, source: 'aws', group: 'aws-aggregator', call, control });
      } else rows.push({ label: call.collectorId, source: 'github', group: 'github', call, control });
    }
    return rows.sort((a, b) => a.label.localeCompare(b.label));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Servers {
  aws: AwsHarness;
  github: Harness;
}

/**
 * Runs a group's rows once, as `soc2 run` would: fresh clients (no retry budget, rate limiter or
 * ETag cache carried over), then the fault set on the server, then every row collected together
 * so shared reads are shared; the run's signal is aborted at the end, as the engine does.
 */
async function runGroup(servers: Servers, group: Row['group'], rows: readonly Row[], fault: FaultCase | undefined): Promise<Map<string, CallOutcome>> {
  const { source, aws: awsSettings } = GROUPS[group];
  let aws: AwsContext | undefined;
  let github: GitHubContext | undefined;
  const cacheDir = mkdtempSync(join(tmpdir(), 'soc2-fault-cache-'));
  if (source === 'aws') aws = await servers.aws.newContext(awsSettings);
  else github = await servers.github.github({ cacheDir });
  // After the clients are set up: GitHub's capability probe is not what is under test.
  servers.aws.server.setFaults(fault?.source === 'aws' ? fault.faults : []);
  servers.github.server.setFaults(fault?.source === 'github' ? fault.faults : []);
  const run = new AbortController();
  const timeoutMs = fault?.timeoutMs ?? GENEROUS_TIMEOUT_MS;
  try {
    return await collectAll(rows.map((r) => r.call), {
      concurrency: 4,
      timeoutMs,
      now: () => new Date(DEMO_NOW),
      signal: run.signal,
      contextFor: async () => ({ ok: true, ctx: { repoRoot: '.', period: { ...DEMO_PERIOD }, now: () => new Date(DEMO_NOW), progress: () => {}, ...(aws ? { aws } : {}), ...(github ? { github } : {}) } }),
      // A collector's own timeout (change-population allows 30 minutes) would outlast the test.
      load: async (id) => ({ ...(await loadCollector(id as CollectorId)), timeoutMs }),
    });
  } finally {
    run.abort(new Error('The run is over.'));
    servers.aws.server.setFaults([]);
    servers.github.server.setFaults([]);
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** Outcomes of every row under one fault (or none), by row label. */
export async function runRows(servers: Servers, rows: readonly Row[], fault?: FaultCase): Promise<Map<string, CallOutcome>> {
  const out = new Map<string, CallOutcome>();
  const groups = [...new Set(rows.map((r) => r.group))].filter((g) => !fault || GROUPS[g].source === fault.source);
  // One group at a time: the fault counts per route would otherwise be shared between two runs.
  for (const group of groups) {
    const mine = rows.filter((r) => r.group === group);
    const outcomes = await runGroup(servers, group, mine, fault);
    for (const r of mine) out.set(r.label, outcomes.get(r.call.key)!);
  }
  return out;
}

/** JSON with sorted keys: evidence compared by content, not by the order things were collected in. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** What the evidence says, leaving out how it was fetched (calls, request ids, attempts). */
function content(e: Evidence<Record<string, unknown>>): string {
  const gaps = [...e.gaps].map(stable).sort();
  return stable({ resources: [...e.resources].map(stable).sort(), facts: e.facts ?? {}, complete: e.complete, gaps, attachments: e.attachments ?? {} });
}

const DUMMY_REF: EvidenceRef = {
  file: 'evidence/fault-matrix.json', sha256: '0'.repeat(64), collector: 'fault-matrix', params: {}, collectedAt: DEMO_NOW, finishedAt: DEMO_NOW,
  complete: true, resourceCount: 0, calls: [], gaps: [],
};

function statusOf(row: Row, outcome: CallOutcome): string {
  const today = DEMO_NOW.slice(0, 10);
  if (outcome.kind === 'evidence') {
    const e = outcome.evidence;
    return evaluateControl(row.control, { kind: 'evidence', evidence: e, ref: { ...DUMMY_REF, complete: e.complete, gaps: e.gaps, resourceCount: e.resources.length } }, outcome.collector, [], today).status;
  }
  return evaluateControl(row.control, outcome.kind === 'error' ? { kind: 'error', reason: outcome.reason } : { kind: 'not_applicable', reason: outcome.reason }, outcome.collector, [], today).status;
}

export function callsOf(outcome: CallOutcome | undefined): ApiCall[] {
  return outcome?.kind === 'evidence' ? outcome.evidence.calls : [];
}

export function classify(row: Row, fault: FaultCase, baseline: CallOutcome, got: CallOutcome): Cell {
  const reached = fault.reaches ? fault.reaches(callsOf(baseline)) : true;
  const cell = { row: row.label, fault: fault.id, reached, status: statusOf(row, got), baselineStatus: statusOf(row, baseline) };
  if (got.kind !== 'evidence') {
    return { ...cell, outcome: 'error', kinds: [/did not finish within/.test(got.reason) ? 'timeout' : 'failed'], reason: got.reason };
  }
  if (baseline.kind === 'evidence' && content(got.evidence) === content(baseline.evidence)) return { ...cell, outcome: 'same', kinds: [], reason: '' };
  const reason = got.evidence.gaps.map((g) => g.message).join(' | ');
  if (!got.evidence.complete) return { ...cell, outcome: 'error', kinds: [...new Set(got.evidence.gaps.map((g) => g.kind))].sort(), reason };
  return { ...cell, outcome: 'wrong', kinds: [], reason: `complete evidence that differs from the run without the fault${reason ? ` (gaps: ${reason})` : ''}` };
}

/** A cell as the Markdown matrix shows it. */
export function mark(cell: Cell): string {
  if (!cell.reached && cell.outcome === 'same') return '—';
  if (cell.outcome === 'same') return '✓';
  if (cell.outcome === 'wrong') return '**WRONG**';
  return `error (${cell.kinds.join(', ')})`;
}

export function renderMarkdown(rows: readonly Row[], faults: readonly FaultCase[], cells: readonly Cell[]): string {
  const at = (row: string, fault: string) => cells.find((c) => c.row === row && c.fault === fault);
  const out: string[] = [
    '# Fault matrix',
    '',
    '<!-- Generated by test/faults/fault-matrix.test.ts; refresh with `SOC2_FAULT_MATRIX=write npx vitest run test/faults/fault-matrix.test.ts`. -->',
    '',
    'Every collector that reads AWS Config or GitHub, run the way `soc2 run` runs it against the',
    'sandbox\'s fake servers (`src/sandbox/`) with one fault injected at a time, and compared with the',
    'same run without the fault. AWS collectors run per region and through an aggregator.',
    '',
    '- **✓** — the evidence is exactly what the run without the fault collected: the client retried.',
    '- **error (kinds)** — the evidence is incomplete (the kinds of its gaps are shown), or the',
    '  collector was stopped at its timeout: every control on it ends in `error` (or `fail`, when a',
    '  resource it did read fails), with a reason that names the fault. Never `pass`.',
    '- **—** — the fault cannot reach the collector: it makes no such request.',
    '',
    '"×1" fails the first request of each route or operation; "always" fails every one.',
  ];
  for (const source of ['aws', 'github'] as const) {
    const cols = rows.filter((r) => r.source === source);
    const mine = faults.filter((f) => f.source === source);
    out.push('', `## ${source === 'aws' ? 'AWS Config' : 'GitHub'}`, '');
    out.push(`| fault | ${cols.map((r) => `\`${r.label}\``).join(' | ')} |`);
    out.push(`|---|${cols.map(() => '---').join('|')}|`);
    for (const f of mine) out.push(`| ${f.id} | ${cols.map((r) => { const c = at(r.label, f.id); return c ? mark(c) : '?'; }).join(' | ')} |`);
    out.push('', '| fault | what the fake server does |', '|---|---|');
    for (const f of mine) out.push(`| ${f.id} | ${f.label.replace(/\|/g, '\\|')} |`);
  }
  return `${out.join('\n')}\n`;
}

/** The detailed artefact: every cell with its control status and the reason a reader would see. */
export function renderDetails(cells: readonly Cell[]): string {
  return cells
    .map((c) => `${c.fault} × ${c.row}: ${c.outcome}${c.reached ? '' : ' (not reached)'}; control ${c.baselineStatus} → ${c.status}${c.kinds.length ? ` [${c.kinds.join(', ')}]` : ''}${c.reason ? `\n    ${c.reason.replace(/\s+/g, ' ').slice(0, 600)}` : ''}`)
    .join('\n');
}
