/**
 * A declarative tester for controls, after ESLint's RuleTester: a case says "these collected
 * resources (or this estate) + this control → this status and these findings", and nothing else.
 *
 * - The control is the shipped YAML, loaded by the real loader, so params defaults, the
 *   assertion-key checks and `whenEmpty` apply exactly as in a run.
 * - Each resource of a case is parsed with its collector's `resource` schema and may carry no key
 *   the schema does not declare, so a case cannot test a shape no collector produces: a misspelt
 *   or mistyped field fails the case, loudly, before anything is evaluated.
 * - An `estate` case runs the real collector instead, against the sandbox fakes on 127.0.0.1 (AWS
 *   Config, GitHub) or a checkout written to a temporary folder (repo), through the engine's own
 *   collection step.
 * - The verdict comes from the real, pure evaluation (src/engine/evaluate.ts) on a fixed day.
 *
 * Cases live in test/controls/<AREA>.test.ts, one `testControl('<ID>', { … })` call per control.
 * test/meta/control-cases.test.ts reads those files and fails when a control in controls/ has no
 * pass, fail and error cases (manual controls: a `manual` case).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { loadControls } from '../../src/controls/load.js';
import type { Control } from '../../src/controls/schema.js';
import { isCollectorId, loadCollector, type CollectorId } from '../../src/collectors/index.js';
import type { AnyCollector, CollectContext, Gap } from '../../src/collectors/types.js';
import { evaluateControl, type CollectionOutcome } from '../../src/engine/evaluate.js';
import { collectAll } from '../../src/engine/collect.js';
import type { ContextBase } from '../../src/engine/memo.js';
import type { ExceptionEntry } from '../../src/engine/exceptions.js';
import { controlResultSchema, type ControlResult, type EvidenceRef, type Finding } from '../../src/results.js';
import { builtinControlsDir } from '../../src/paths.js';
import { fieldAt } from '../../src/schema-walk.js';
import type { AwsEstate } from '../../src/sandbox/estate/aws.js';
import type { GitHubEstate } from '../../src/sandbox/estate/github.js';
import { startAwsHarness } from '../fakes/aws-harness.js';
import { startHarness as startGitHubHarness } from '../fakes/github-context.js';
import { tempTree } from './tmp.js';

/** The day every case is evaluated on unless it says otherwise (the sandbox estates' clock). */
export const TESTER_NOW = '2026-04-01T09:00:00Z';
const TESTER_TODAY = TESTER_NOW.slice(0, 10);

/** Keys of a resource case that place the resource rather than describe it (CollectedResource's own fields). */
const PLACEMENT_KEYS = ['id', 'label', 'type', 'region', 'account', 'notApplicable'] as const;

/**
 * One collected resource: `id` (and optionally how it is placed), then its fields, as the
 * collector's `resource` schema declares them. Fields not given come from the spec's `defaults`.
 */
export type ResourceCase = {
  id: string;
  label?: string;
  /** AWS resource type, e.g. 'AWS::S3::Bucket'. */
  type?: string;
  region?: string;
  account?: string;
  /** Set when the collector marks the resource out of reach, with its reason. */
  notApplicable?: string;
  [field: string]: unknown;
};

/** A finding the case expects: a pattern for its message, or the resource it names and that pattern. */
export type ExpectedFinding = RegExp | { resource: string; message?: RegExp };

/** Where evidence comes from when a case runs the real collector instead of listing resources. */
export type Estate =
  | { aws: AwsEstate }
  | { github: GitHubEstate; /** Token the fake GitHub sees (default: the estate's owner token). */ token?: string }
  | {
      /** Files of the checkout, path → contents, written under a folder named `acme-api`. */
      repo: Record<string, string>;
      /** Symbolic links to create, path → target. */
      links?: Record<string, string>;
      /** Make the folder a git work tree with every file staged (default: a plain folder). */
      git?: boolean;
      /** Files (of `repo`) to delete after staging: tracked by git, missing from the working tree. Needs `git`. */
      deleted?: string[];
    };

export interface ControlCase {
  /** The test's title after the status; by default the case's resources, summarised. */
  name?: string;
  /** The collected resources; `[]` is an empty population. Give either this or `estate`. */
  resources?: ResourceCase[];
  /** Run the real collector against this estate instead. */
  estate?: Estate;
  /** What the collector could not read (with `resources`). Any gap makes the evidence incomplete. */
  gaps?: Gap[];
  /** Whether the collector called its evidence complete (default: true when there are no gaps). */
  complete?: boolean;
  facts?: Record<string, unknown>;
  exceptions?: ExceptionEntry[];
  /** The run's day, YYYY-MM-DD (default: 2026-04-01, clock 09:00Z); exceptions expire against it, ages count to its start. */
  today?: string;
  /**
   * The findings whose status equals the case's status, in the order the result lists them (by
   * resource): exactly this many, each message matching its pattern.
   */
  findings?: ExpectedFinding[];
  /** A pattern the control's statusReason must match. */
  because?: RegExp;
  /** Counts the result must have (only the ones given are compared). */
  counts?: Partial<ControlResult['counts']>;
}

/** Like ESLint's invalid cases, a failing case must say which findings it expects. */
export interface FailCase extends ControlCase {
  findings: ExpectedFinding[];
}

/** An error case must say why the control could not be decided. */
export interface ErrorCase extends ControlCase {
  because: RegExp;
}

export interface ManualCase {
  name?: string;
  because?: RegExp;
}

export interface ControlCases {
  /** Fields every resource of every case starts from; a case lists only what differs. */
  defaults?: Record<string, unknown>;
  pass?: ControlCase[];
  fail?: FailCase[];
  error?: ErrorCase[];
  not_applicable?: ControlCase[];
  excepted?: ControlCase[];
  manual?: ManualCase[];
}

type AutomatedStatus = 'pass' | 'fail' | 'error' | 'not_applicable' | 'excepted';
const AUTOMATED_STATUSES: readonly AutomatedStatus[] = ['pass', 'fail', 'error', 'not_applicable', 'excepted'];
export type CaseStatus = AutomatedStatus | 'manual';
const CASE_STATUSES: readonly CaseStatus[] = [...AUTOMATED_STATUSES, 'manual'];

/** Declares the cases of one shipped control; each case is one test under `controls/<ID>`. */
export function testControl(id: string, cases: ControlCases): void {
  describe(`controls/${id}`, () => {
    // A spec that cannot mean what it says fails every case of the control, before any runs.
    beforeAll(() => controlUnderTest(id, cases));
    for (const status of CASE_STATUSES) {
      for (const c of cases[status] ?? []) {
        const title = status === 'manual' ? (c.name ?? 'needs a person and says which records to attach') : (c.name ?? summarise(c as ControlCase));
        it(`${status}: ${title}`, () => checkControlCase(id, status, c, cases));
      }
    }
  });
}

/**
 * Runs one case and asserts its outcome; returns the control's result. `testControl` calls it for
 * every case; the tester's own tests call it directly to see it refuse bad cases.
 */
export async function checkControlCase(id: string, status: CaseStatus, c: ControlCase | ManualCase, spec: ControlCases = {}): Promise<ControlResult> {
  const { control, collector } = await controlUnderTest(id, { ...spec, [status]: [c] });
  if (status === 'manual') {
    const result = evaluateControl(control, undefined, undefined, [], TESTER_TODAY);
    expect(controlResultSchema.parse(result)).toEqual(result);
    expect(result.status, result.statusReason).toBe('manual');
    expect(result.evidenceRequired).toEqual(control.evidenceRequired);
    expect(result.findings).toEqual([]);
    if (c.because) expect(result.statusReason).toMatch(c.because);
    return result;
  }
  const result = await evaluateCase(control, collector!, spec.defaults ?? {}, c as ControlCase);
  expectOutcome(result, status, c as ControlCase);
  return result;
}

async function controlUnderTest(id: string, cases: ControlCases): Promise<{ control: Control; collector: AnyCollector | undefined }> {
  const control = await loadShippedControl(id);
  const collector = control.type === 'automated' && control.collector && isCollectorId(control.collector) ? await loadCollector(control.collector) : undefined;
  checkSpecFits(control, collector, cases);
  return { control, collector };
}

const shipped = new Map<string, Promise<Control>>();

/** One control of the shipped library, through the real loader (it throws with file:line:col on a bad file). */
export function loadShippedControl(id: string): Promise<Control> {
  let p = shipped.get(id);
  if (!p) {
    p = loadControls({ paths: [join(builtinControlsDir, `${id}.yaml`)] }).then(([c]) => {
      if (!c) throw new Error(`controls/${id}.yaml loaded no control.`);
      return c;
    });
    shipped.set(id, p);
  }
  return p;
}

/** A spec that cannot mean what it says is an error in the test, reported before any case runs. */
function checkSpecFits(control: Control, collector: AnyCollector | undefined, cases: ControlCases): void {
  const automatedCases = AUTOMATED_STATUSES.flatMap((s) => cases[s] ?? []);
  if (control.type === 'manual') {
    if (automatedCases.length || cases.defaults) {
      throw new Error(`${control.id} is a manual control: it collects nothing, so only \`manual\` cases apply.`);
    }
    return;
  }
  if (cases.manual?.length) throw new Error(`${control.id} is automated (collector ${control.collector}); a \`manual\` case cannot apply.`);
  if (!collector) throw new Error(`${control.id} names collector ${control.collector}, which is not in the registry.`);
  const clashes = PLACEMENT_KEYS.filter((k) => fieldAt(collector.resource, [k]) !== undefined);
  if (clashes.length) {
    throw new Error(`${collector.id} declares resource field(s) ${clashes.join(', ')}, which the control tester reads as the resource's placement; rename them in the tester.`);
  }
}

async function evaluateCase(control: Control, collector: AnyCollector, defaults: Record<string, unknown>, c: ControlCase): Promise<ControlResult> {
  if ((c.resources === undefined) === (c.estate === undefined)) {
    throw new Error(`${control.id}: a case gives either \`resources\` (\`[]\` for an empty population) or \`estate\`, not ${c.resources ? 'both' : 'neither'}.`);
  }
  if (c.estate && (c.gaps || c.complete !== undefined || c.facts)) {
    throw new Error(`${control.id}: an estate case gets its gaps and completeness from the collector; drop \`gaps\`, \`complete\` and \`facts\`.`);
  }
  const outcome = c.estate
    ? await collectFromEstate(control, c.estate)
    : evidenceOutcome(control, collector, c.resources!.map((r, i) => collectedResource(control, collector, defaults, r, i)), c);
  // Age operators (older-than) measure from the run's clock: the tester's, or the start of the case's day.
  return evaluateControl(control, outcome, collector, c.exceptions ?? [], c.today ?? TESTER_TODAY, c.today ? undefined : new Date(TESTER_NOW));
}

function expectOutcome(result: ControlResult, status: AutomatedStatus, c: ControlCase): void {
  // Every result a case produces must be one results.json can hold.
  expect(controlResultSchema.parse(result)).toEqual(result);
  const found = result.findings.map((f) => `${f.status} ${f.resource}: ${f.message}`).join('\n');
  expect(result.status, `${result.statusReason}\n${found}`).toBe(status);
  if (c.because) expect(result.statusReason).toMatch(c.because);
  if (c.findings) {
    const mine = result.findings.filter((f) => f.status === status);
    expect(mine.map((f) => ({ resource: f.resource, message: f.message })), found).toEqual(c.findings.map(expectedFinding));
  }
  if (c.counts) expect(result.counts).toMatchObject(c.counts);
  // The verdict rules every case relies on: pass and excepted only with complete evidence, fail only with a failing finding.
  if (status === 'pass' || status === 'excepted') expect(result.incomplete).toBeUndefined();
  if (status === 'fail') expect(result.findings.some((f: Finding) => f.status === 'fail')).toBe(true);
}

function expectedFinding(e: ExpectedFinding): unknown {
  if (e instanceof RegExp) return { resource: expect.any(String), message: expect.stringMatching(e) };
  return { resource: e.resource, message: e.message ? expect.stringMatching(e.message) : expect.any(String) };
}

/** A case's resource as the collector would return it, after checking it against the collector's resource schema. */
function collectedResource(control: Control, collector: AnyCollector, defaults: Record<string, unknown>, r: ResourceCase, index: number) {
  const { id, label, type, region, account, notApplicable, ...fields } = r;
  const data = { ...defaults, ...fields };
  const where = `${control.id}: resource ${index} (${id})`;
  const parsed = collector.resource.safeParse(data);
  if (!parsed.success) {
    throw new Error(`${where} is not a resource ${collector.id} can return:\n${z.prettifyError(parsed.error)}\nFix the case (or its defaults) to the collector's resource schema.`);
  }
  const unknown = undeclaredPaths(data, parsed.data);
  if (unknown.length) {
    throw new Error(`${where} has field(s) ${collector.id} does not declare: ${unknown.join(', ')}. Check the spelling against the collector's resource schema.`);
  }
  return {
    id,
    data: parsed.data as Record<string, unknown>,
    ...(label !== undefined ? { label } : {}),
    ...(type !== undefined ? { type } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(account !== undefined ? { account } : {}),
    ...(notApplicable !== undefined ? { notApplicable } : {}),
  };
}

/** Paths present in `input` that the schema dropped from `output` (zod strips keys it does not declare). */
function undeclaredPaths(input: unknown, output: unknown, path = ''): string[] {
  if (Array.isArray(input) && Array.isArray(output)) return input.flatMap((v, i) => undeclaredPaths(v, output[i], `${path}[${i}]`));
  if (!isPlainObject(input) || !isPlainObject(output)) return [];
  return Object.keys(input).flatMap((k) => {
    const at = path ? `${path}.${k}` : k;
    return Object.prototype.hasOwnProperty.call(output, k) ? undeclaredPaths(input[k], output[k], at) : [at];
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RegExp);
}

function evidenceOutcome(control: Control, collector: AnyCollector, resources: ReturnType<typeof collectedResource>[], c: ControlCase): CollectionOutcome {
  const gaps = c.gaps ?? [];
  const complete = c.complete ?? gaps.length === 0;
  return {
    kind: 'evidence',
    evidence: { resources, gaps, complete, calls: [], ...(c.facts ? { facts: c.facts } : {}) },
    ref: evidenceRef(control, collector.id, { complete, resourceCount: resources.length, gaps }),
  };
}

function evidenceRef(control: Control, collectorId: string, e: { complete: boolean; resourceCount: number; gaps: Gap[] }): EvidenceRef {
  return {
    file: `evidence/${collectorId}.json`,
    sha256: '0'.repeat(64),
    collector: collectorId,
    params: control.resolvedParams,
    collectedAt: TESTER_NOW,
    finishedAt: TESTER_NOW,
    complete: e.complete,
    resourceCount: e.resourceCount,
    calls: [],
    gaps: e.gaps,
  };
}

/** Runs the control's real collector, through the engine's collection step, against the estate. */
async function collectFromEstate(control: Control, estate: Estate): Promise<CollectionOutcome> {
  if ('aws' in estate) {
    const h = await startAwsHarness(estate.aws);
    try {
      return await collectOnce(control, h.ctx(), () => new Date(estate.aws.now));
    } finally {
      await h.close();
    }
  }
  if ('github' in estate) {
    const h = await startGitHubHarness(estate.github);
    try {
      const github = await h.github(estate.token ? { token: estate.token } : {});
      return await collectOnce(control, h.ctx(github, estate.github.period), () => new Date(estate.github.now));
    } finally {
      await h.close();
    }
  }
  const root = join(tempTree({}), 'acme-api');
  mkdirSync(root);
  for (const [path, text] of Object.entries(estate.repo)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  for (const [path, target] of Object.entries(estate.links ?? {})) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    symlinkSync(target, join(root, path));
  }
  if (estate.git) {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], {
      cwd: root, env: { ...process.env, GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1' },
    });
    git('init', '-q');
    git('add', '-A');
  }
  if (estate.deleted?.length && !estate.git) throw new Error('`deleted` files are tracked files missing from the working tree: set `git: true` too.');
  for (const path of estate.deleted ?? []) rmSync(join(root, path));
  const now = () => new Date(TESTER_NOW);
  const base = { repoRoot: root, period: { start: '2026-01-01', end: '2026-03-31' }, now, progress: () => {} };
  return collectOnce(control, base, now);
}

async function collectOnce(control: Control, ctx: ContextBase | CollectContext, now: () => Date): Promise<CollectionOutcome> {
  const { signal: _signal, memo: _memo, ...base } = ctx as CollectContext;
  const key = `${control.collector} ${JSON.stringify(control.resolvedParams ?? {})}`;
  const outcomes = await collectAll([{ key, collectorId: control.collector as CollectorId, params: control.resolvedParams, controls: [control] }], {
    concurrency: 1,
    // The engine needs a per-call timeout; the tester sets none of its own (the longest a timer
    // can wait), so a slow machine never turns a case into a timeout error.
    timeoutMs: 2 ** 31 - 1,
    contextFor: async () => ({ ok: true, ctx: base }),
    now,
  });
  const o = outcomes.get(key)!;
  if (o.kind !== 'evidence') return o.kind === 'not_applicable' ? { kind: 'not_applicable', reason: o.reason } : { kind: 'error', reason: o.reason };
  const { evidence } = o;
  return { kind: 'evidence', evidence, ref: evidenceRef(control, o.collector.id, { complete: evidence.complete, resourceCount: evidence.resources.length, gaps: evidence.gaps }) };
}

/** A short title for a case without a name: its resources and what it adds. */
function summarise(c: ControlCase): string {
  if (c.estate) return `an estate (${Object.keys(c.estate)[0]})`;
  const resources = c.resources ?? [];
  const parts = resources.length === 0 ? ['no resources'] : resources.map(({ id, ...rest }) => {
    const fields = Object.entries(rest).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
    return fields ? `${id} { ${fields} }` : id;
  });
  if (c.gaps?.length) parts.push(`${c.gaps.length} gap${c.gaps.length === 1 ? '' : 's'}`);
  if (c.exceptions?.length) parts.push('an exception');
  const text = parts.join('; ');
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}
