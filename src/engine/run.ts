/**
 * The whole assessment: plan → collect (deduped, bounded) → write evidence → evaluate → Results.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Control, Severity } from '../controls/schema.js';
import type { AnyCollector, AwsContext, GitHubContext } from '../collectors/types.js';
import type { LoadedConfig } from '../config/load.js';
import { Soc2Error } from '../errors.js';
import { toolVersion, userAgent } from '../paths.js';
import { SCHEMA_VERSION, type ControlResult, type Results, type CriterionCoverage } from '../results.js';
import { criteriaCatalogue } from '../controls/criteria.js';
import { openEvidenceFile, writeEvidence } from '../evidence/write.js';
import type { ReportDir } from '../evidence/out-dir.js';
import { planCollection, type PlannedCall } from './plan.js';
import type { ContextBase } from './memo.js';
import { loadCollector } from '../collectors/index.js';
import { collectAll, type ContextFor } from './collect.js';
import { evaluateControl, type CollectionOutcome } from './evaluate.js';
import type { ExceptionEntry } from './exceptions.js';
import { overlappingExceptions } from './exception-match.js';
import { applyAttestations, type LoadedAttestations } from '../evidence/manual-attestations.js';
import { minimiseControlResult, type PiiMinimizer } from '../evidence/pii.js';
import { learnProvenance } from '../evidence/provenance.js';
import { createDataHandlingLog } from '../evidence/data-handling.js';

export interface RunOptions {
  loaded: LoadedConfig;
  controls: Control[];
  exceptions: ExceptionEntry[];
  /** Where evidence files go (the run's staging directory). */
  outDir: ReportDir;
  failOn: Severity;
  now(): Date;
  env: NodeJS.ProcessEnv;
  sample: boolean;
  /** Progress lines (the CLI shows them on a TTY only). */
  progress(message: string): void;
  /** Controls whose evidence is in (or that need none), of all controls: for the progress display. */
  controlsDone?(done: number, total: number): void;
  /** Warnings the user must see (e.g. controls the token cannot evaluate). */
  warn(message: string): void;
  /** Aborted when the run is cancelled: collection stops, and so do the reads collectors share. */
  signal?: AbortSignal;
  /** Manual evidence from the attestations file: its files are copied into evidence/manual/, its entries decide manual controls. */
  attestations?: LoadedAttestations;
  /** --minimize-pii: identifiers of people in evidence and results are replaced (verdicts are decided on the data as read). */
  minimizer?: PiiMinimizer;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1 };

/**
 * 1 when a control fails at or above the threshold; else 3 when any control could not be evaluated
 * completely (an `error`, or a failure below the threshold decided from incomplete evidence, which
 * would otherwise have been an error); else 0.
 */
export function exitCodeFor(controls: readonly Pick<ControlResult, 'status' | 'severity' | 'incomplete'>[], failOn: Severity): number {
  if (controls.some((c) => c.status === 'fail' && SEVERITY_RANK[c.severity] >= SEVERITY_RANK[failOn])) return 1;
  if (controls.some((c) => c.status === 'error' || c.incomplete)) return 3;
  return 0;
}

export async function runAssessment(opts: RunOptions): Promise<Results> {
  const { loaded } = opts;
  const { config } = loaded;
  const runId = randomUUID();
  const startedAt = opts.now();
  const repoRoot = resolve(loaded.baseDir, config.repo.path);
  const base: ContextBase = {
    repoRoot,
    period: loaded.period,
    now: opts.now,
    progress: opts.progress,
  };
  const today = opts.now().toISOString().slice(0, 10);
  for (const overlap of overlappingExceptions(opts.exceptions, today)) opts.warn(`Overlapping exceptions: ${overlap}`);

  const plan = planCollection(opts.controls);
  const notInScope: string[] = [];
  if (!config.aws) notInScope.push('AWS: the configuration has no aws section, so AWS controls are not applicable. Add an aws section (see `soc2 init`) to evaluate them.');
  if (!config.github) notInScope.push('GitHub: the configuration has no github section, so GitHub controls are not applicable. Add a github section with your organisation to evaluate them.');

  // Clients are set up before anything is collected, for the sources the plan needs: a bad token
  // then stops the run before any evidence is written, and what the token cannot do is said up
  // front. The SDK and Octokit are only imported when their source is in scope.
  const sources = new Set<string>(plan.map((c) => c.collectorId.split('.')[0] as string));
  // A collector may also consult another source when it is in scope (Collector.consults), e.g.
  // repo.security-policy reads the organisation's default policy from GitHub: set that source up too.
  for (const call of plan) {
    const collector = await loadCollector(call.collectorId).catch(() => undefined);
    for (const s of collector?.consults ?? []) sources.add(s);
  }
  const awsCtx: Promise<AwsContext> | undefined = config.aws && sources.has('aws')
    ? import('../collectors/aws/client.js').then((m) => m.createAwsContext(config.aws!, { env: opts.env, userAgent: userAgent(), now: opts.now }))
    : undefined;
  const githubSettings = config.github;
  const githubCtx: Promise<GitHubContext> | undefined = githubSettings && sources.has('github')
    ? import('../collectors/github/client.js').then(async (m) => {
      opts.progress(`checking what the GitHub token can do for ${githubSettings.org}…`);
      const ctx = await m.createGitHubContext(githubSettings, { env: opts.env, userAgent: userAgent(), cacheDir: resolve(loaded.baseDir, githubSettings.cacheDir), progress: opts.progress, now: opts.now });
      await warnAboutMissingPermissions(ctx, plan, opts.warn);
      return ctx;
    })
    : undefined;
  // Settle both before collecting. A usage error (a bad token, an organisation the token cannot
  // see) stops the run here; any other failure is reported on each control of that source.
  for (const failure of await Promise.all([awsCtx, githubCtx].map((p) => p?.then(() => undefined, (e: unknown) => e)))) {
    if (failure instanceof Soc2Error && failure.exitCode === 2) throw failure;
  }
  // Who is running: never fatal, recorded as unknown with the reason when it cannot be learned.
  const provenanceRead = learnProvenance({ aws: awsCtx, github: githubCtx, env: opts.env });

  // A client that could not be set up (no credentials, no region) rejects here; the collection
  // step turns that into `error` on the control, with the message and what to do.
  const contextFor: ContextFor = async (collector: AnyCollector) => {
    switch (collector.source) {
      case 'repo':
        // Only a collector that declares it consults GitHub gets the GitHub context, and only when GitHub is in scope.
        if (collector.consults?.includes('github') && githubCtx) return { ok: true, ctx: { ...base, github: await githubCtx } };
        return { ok: true, ctx: base };
      case 'aws':
        if (!awsCtx) return { ok: false, status: 'not_applicable', reason: 'AWS is not in scope: the configuration has no aws section.' };
        return { ok: true, ctx: { ...base, aws: await awsCtx } };
      case 'github':
        if (!githubCtx) return { ok: false, status: 'not_applicable', reason: 'GitHub is not in scope: the configuration has no github section.' };
        return { ok: true, ctx: { ...base, github: await githubCtx } };
    }
  };

  // The run's own signal: aborted when the caller cancels, and once collection is over, so that a
  // shared read whose callers all gave up (timed out) does not keep running behind the run.
  const run = new AbortController();
  const cancel = () => run.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', cancel, { once: true });
  let outcomes: Awaited<ReturnType<typeof collectAll>>;
  const handling = createDataHandlingLog();
  const pii = opts.minimizer;
  let controlsDone = opts.controls.length - plan.reduce((n, call) => n + call.controls.length, 0);
  opts.controlsDone?.(controlsDone, opts.controls.length);
  try {
    if (opts.signal?.aborted) cancel();
    outcomes = await collectAll(plan, {
      concurrency: config.concurrency,
      timeoutMs: config.timeoutSeconds * 1000,
      contextFor,
      now: opts.now,
      signal: run.signal,
      // Streamed to evidence/ as collected; with --minimize-pii the evidence is minimised whole first.
      ...(pii ? {} : {
        evidenceFile: (call: PlannedCall, startedAt: Date) => openEvidenceFile({
          outDir: opts.outDir, collectorId: call.collectorId, params: call.params, key: call.key, startedAt, runId, sample: opts.sample,
          observe: (r) => handling.observeResource(call.collectorId, r),
        }),
      }),
      onStart: (call) => opts.progress(`collecting ${call.collectorId} for ${call.controls.map((c) => c.id).join(', ')}`),
      onDone: (call, _o, done, total) => {
        opts.progress(`[${done}/${total}] ${call.collectorId} done`);
        controlsDone += call.controls.length;
        opts.controlsDone?.(controlsDone, opts.controls.length);
      },
    });
  } finally {
    opts.signal?.removeEventListener('abort', cancel);
    run.abort(new Error('The run is over.'));
  }

  let provenance = await provenanceRead;
  if (pii) {
    for (const o of outcomes.values()) if (o.kind === 'evidence') pii.learnEvidence(o.evidence);
    if (provenance.github.state === 'known') pii.learnName(provenance.github.login);
    for (const list of opts.attestations?.byControl.values() ?? []) for (const a of list) pii.learnName(a.attestedBy);
  }
  for (const f of opts.attestations?.files ?? []) opts.outDir.write(f.path, f.bytes);

  const byControl = new Map<string, { outcome: CollectionOutcome; collector: AnyCollector | undefined }>();
  for (const call of plan) {
    const o = outcomes.get(call.key)!;
    let outcome: CollectionOutcome;
    if (o.kind === 'evidence' && o.written) {
      handling.observe(call.collectorId, o.evidence);
      outcome = { kind: 'evidence', evidence: { ...o.evidence, attachments: undefined, resources: o.written.resources }, ref: o.written.ref };
    } else if (o.kind === 'evidence') {
      // Written minimised; decided on the evidence as read, so an allow-list of logins still matches.
      const kept = pii ? pii.deep(o.evidence) : o.evidence;
      const ref = writeEvidence({ outDir: opts.outDir, collectorId: call.collectorId, params: call.params, key: call.key, evidence: kept, startedAt: o.startedAt, finishedAt: o.finishedAt, runId, sample: opts.sample });
      handling.observe(call.collectorId, kept);
      outcome = { kind: 'evidence', evidence: o.evidence, ref };
    } else outcome = o.kind === 'not_applicable' ? { kind: 'not_applicable', reason: o.reason } : { kind: 'error', reason: o.reason };
    for (const c of call.controls) byControl.set(c.id, { outcome, collector: o.collector });
  }

  const controls = opts.controls.map((c) => {
    const hit = byControl.get(c.id);
    // Ages (older-than, newer-than) are measured from the run's start, which results.json records.
    const result = applyAttestations(evaluateControl(c, hit?.outcome, hit?.collector, opts.exceptions, today, startedAt), opts.attestations);
    return pii ? minimiseControlResult(result, pii) : result;
  });
  if (pii) provenance = pii.deep(provenance);
  const summary = {
    total: controls.length,
    pass: 0, fail: 0, error: 0, excepted: 0, manual: 0, attested: 0, not_applicable: 0,
    exitCode: exitCodeFor(controls, opts.failOn),
  };
  for (const c of controls) summary[c.status]++;

  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'soc2', version: toolVersion() },
    run: {
      id: runId,
      startedAt: startedAt.toISOString(),
      finishedAt: opts.now().toISOString(),
      reportType: 'type2',
      period: loaded.period,
      sample: opts.sample,
      failOn: opts.failOn,
      config: { file: loaded.file, sha256: loaded.sha256 },
      scope: {
        aws: config.aws ? { regions: (await resolvedAwsRegions(awsCtx)) ?? config.aws.regions ?? [], ...(config.aws.aggregator ? { aggregator: config.aws.aggregator } : {}) } : null,
        github: config.github ? { org: config.github.org, apiUrl: config.github.apiUrl ?? opts.env.GITHUB_API_URL ?? 'https://api.github.com' } : null,
        repo: { path: repoRoot },
        notInScope,
      },
      provenance,
    },
    summary,
    criteria: criteriaCoverage(controls),
    controls,
    dataHandling: handling.build({
      controls,
      provenance,
      startupCalls: (await settled(githubCtx))?.capabilities.calls ?? [],
      awsHosts: (await settled(awsCtx))?.hostsContacted?.() ?? [],
      minimised: pii ? pii.stats() : null,
      manualFiles: opts.attestations?.files.length ?? 0,
    }),
  };
}

async function settled<T>(p: Promise<T> | undefined): Promise<T | undefined> {
  try {
    return p ? await p : undefined;
  } catch {
    return undefined;
  }
}

/** The regions the AWS context resolved (the SDK's default region when the config names none). */
async function resolvedAwsRegions(ctx: Promise<AwsContext> | undefined): Promise<string[] | undefined> {
  try {
    return ctx ? (await ctx).regions : undefined;
  } catch {
    return undefined; // no credentials or region: the AWS controls already say so
  }
}

/** A criterion is as good as its weakest control; attested (a person's word) ranks below an automated pass. */
const COVERAGE_RANK: CriterionCoverage['status'][] = ['fail', 'error', 'excepted', 'manual', 'attested', 'pass', 'not_applicable'];

export function criteriaCoverage(controls: readonly ControlResult[]): CriterionCoverage[] {
  return [...criteriaCatalogue().values()].map((cr) => {
    const mapped = controls.filter((c) => c.criteria.includes(cr.id));
    const status = mapped.length === 0 ? 'not_covered' : COVERAGE_RANK.find((s) => mapped.some((c) => c.status === s)) ?? 'not_applicable';
    return { id: cr.id, series: cr.series, title: cr.title, controls: mapped.map((c) => c.id), status };
  });
}

async function warnAboutMissingPermissions(ctx: GitHubContext, plan: readonly PlannedCall[], warn: (m: string) => void): Promise<void> {
  const missing = new Set(ctx.capabilities.missing);
  if (!missing.size) return;
  const { GITHUB_PERMISSIONS, isGitHubPermission } = await import('../collectors/github/permissions.js');
  // "Repository Administration: read (classic: repo)" — the words GitHub's token settings use.
  const describe = (p: string) => {
    if (!isGitHubPermission(p)) return p;
    const info = GITHUB_PERMISSIONS[p];
    return `${info.fineGrained.scope === 'organization' ? 'organisation' : 'repository'} ${info.fineGrained.name}: ${info.fineGrained.access} (classic: ${info.classicScope})`;
  };
  const lines: string[] = [];
  for (const call of plan) {
    if (!call.collectorId.startsWith('github.')) continue;
    const collector = await loadCollector(call.collectorId);
    const lacking = collector.permissions.filter((p) => missing.has(p));
    if (lacking.length) lines.push(`  ${call.controls.map((c) => c.id).join(', ')}: needs ${lacking.map(describe).join('; ')}`);
  }
  if (lines.length) {
    warn(`The GitHub token cannot evaluate these controls; they will end in error:\n${lines.join('\n')}\nGrant the permissions to the token (\`soc2 permissions\` lists them all) and run again.`);
  }
}
