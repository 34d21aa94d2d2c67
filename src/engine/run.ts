/**
 * The whole assessment: plan → collect (deduped, bounded) → write evidence → evaluate → Results.
 */
import { randomUUID } from 'node:crypto';
import type { Control, Severity } from '../controls/schema.js';
import type { AnyCollector, AnySource } from '../collectors/types.js';
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
import { loadSources, sourceAbout, sourceOfCollectorId } from '../collectors/sources.js';
import { collectAll, type ContextFor } from './collect.js';
import { evaluateControl, type CollectionOutcome } from './evaluate.js';
import type { ExceptionEntry } from './exceptions.js';
import { overlappingExceptions } from './exception-match.js';
import { applyAttestations, type LoadedAttestations } from '../evidence/manual-attestations.js';
import { minimiseControlResult, type PiiMinimizer } from '../evidence/pii.js';
import { learnProvenance } from '../evidence/provenance.js';
import { createDataHandlingLog } from '../evidence/data-handling.js';
import { inShard, SHARD_ASSIGNMENT, splitOf, type Shard } from './shard.js';

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
  /** --shard i/n: the controls given are this shard's (shard.evaluatesControl); split collectors see only this shard's repositories or regions. */
  shard?: Shard;
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
  const base: ContextBase = {
    period: loaded.period,
    now: opts.now,
    progress: opts.progress,
  };
  const today = opts.now().toISOString().slice(0, 10);
  for (const overlap of overlappingExceptions(opts.exceptions, today)) opts.warn(`Overlapping exceptions: ${overlap}`);

  const plan = planCollection(opts.controls);
  const sources = await loadSources();
  const settingsOf = new Map<string, unknown>(sources.map((s) => [s.id, s.settings(config, opts.env)]));
  const notInScope = sources.filter((s) => settingsOf.get(s.id) === undefined && s.notInScope).map((s) => s.notInScope!);

  // Sources are set up before anything is collected, those the plan needs: a bad token then stops
  // the run before any evidence is written, and what the credentials cannot do is said up front.
  // A source's SDK is only imported when it is in scope.
  const planned = new Map<string, Array<{ collector: AnyCollector; controls: string[] }>>();
  const needed = new Set<string>();
  for (const call of plan) {
    const collector = await loadCollector(call.collectorId).catch(() => undefined);
    const id = collector?.source ?? sourceOfCollectorId(call.collectorId);
    needed.add(id);
    if (collector) planned.set(id, [...(planned.get(id) ?? []), { collector, controls: call.controls.map((c) => c.id) }]);
    // A collector may also consult another source when it is in scope (Collector.consults), e.g.
    // repo.security-policy reads the organisation's default policy from GitHub: set that source up too.
    for (const s of collector?.consults ?? []) needed.add(s);
  }
  const setupOptions = { env: opts.env, userAgent: userAgent(), baseDir: loaded.baseDir, now: opts.now, progress: opts.progress };
  const contexts = new Map<string, Promise<object>>();
  for (const source of sources) {
    const settings = settingsOf.get(source.id);
    if (settings === undefined || !needed.has(source.id)) continue;
    contexts.set(source.id, source.setup(settings, setupOptions).then(async (ctx) => {
      for (const warning of (await source.preflight?.(ctx, planned.get(source.id) ?? [])) ?? []) opts.warn(warning);
      return ctx;
    }));
  }
  // Settle every setup before collecting. A usage error (a bad token, an organisation the token
  // cannot see) stops the run here; any other failure is reported on each control of that source.
  for (const failure of await Promise.all([...contexts.values()].map((p) => p.then(() => undefined, (e: unknown) => e)))) {
    if (failure instanceof Soc2Error && failure.exitCode === 2) throw failure;
  }
  // Who is running: never fatal, recorded as unknown with the reason when it cannot be learned.
  const provenanceRead = learnProvenance({ sources: sources.map((source) => ({ source, ctx: contexts.get(source.id) })), env: opts.env });

  // A source that could not be set up (no credentials, no region) rejects here; the collection
  // step turns that into `error` on the control, with the message and what to do.
  const byId = new Map<string, AnySource>(sources.map((s) => [s.id, s]));
  const contextFor: ContextFor = async (collector: AnyCollector) => {
    const own = contexts.get(collector.source);
    if (!own) {
      const reason = byId.get(collector.source)?.notApplicable ?? `${sourceAbout(collector.source)?.system ?? collector.source} is not in scope.`;
      return { ok: false, status: 'not_applicable', reason };
    }
    // Only a collector that declares it consults a source gets that source's context, and only when it is in scope.
    const consulted = await Promise.all((collector.consults ?? []).flatMap((s: string) => contexts.get(s) ?? []));
    // In a shard, a collector that splits reads only this shard's units (repositories, …), as its source narrows them.
    const shard = opts.shard;
    const ownCtx = shard && splitOf(collector.id) !== 'whole'
      ? (byId.get(collector.source)?.shardContext?.(await own, (unit: string) => inShard(shard, unit)) ?? await own)
      : await own;
    return { ok: true, ctx: Object.assign({}, base, ...consulted, ownCtx) as ContextBase };
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
    for (const source of sources) for (const name of sourceAbout(source.id)?.identity?.people?.((provenance as Record<string, unknown>)[source.id]) ?? []) pii.learnName(name);
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
    const kept = pii ? minimiseControlResult(result, pii) : result;
    // A shard's part of a population may be empty where the whole is not: merge decides it by the control's rule.
    return opts.shard && c.type === 'automated' ? { ...kept, whenEmpty: c.whenEmptyResolved } : kept;
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
      // Each source writes its own entry (its shape is in results.ts, the results.json contract).
      scope: { ...(await scopeOf(sources, settingsOf, contexts, { env: opts.env, baseDir: loaded.baseDir })), notInScope } as Results['run']['scope'],
      provenance,
      ...(opts.shard ? { shard: { ...opts.shard, assignment: SHARD_ASSIGNMENT } } : {}),
    },
    summary,
    criteria: criteriaCoverage(controls),
    controls,
    dataHandling: handling.build({
      controls,
      provenance,
      startupCalls: await fromSettled(sources, contexts, (s, ctx) => s.startupCalls?.(ctx) ?? []),
      hosts: await fromSettled(sources, contexts, (s, ctx) => s.hostsContacted?.(ctx) ?? []),
      minimised: pii ? pii.stats() : null,
      manualFiles: opts.attestations?.files.length ?? 0,
    }),
  };
}

/** Each source's entry of results.json's run.scope, in registry order. */
async function scopeOf(sources: readonly AnySource[], settingsOf: ReadonlyMap<string, unknown>, contexts: ReadonlyMap<string, Promise<object>>, opts: { env: NodeJS.ProcessEnv; baseDir: string }): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const s of sources) out[s.id] = await s.scope(settingsOf.get(s.id), settled(contexts.get(s.id)), opts);
  return out;
}

/** What `pick` takes from every source whose setup succeeded (a failed one already says so on its controls). */
async function fromSettled<T>(sources: readonly AnySource[], contexts: ReadonlyMap<string, Promise<object>>, pick: (s: AnySource, ctx: object) => readonly T[]): Promise<T[]> {
  const out: T[] = [];
  for (const s of sources) {
    const ctx = await settled(contexts.get(s.id));
    if (ctx) out.push(...pick(s, ctx));
  }
  return out;
}

async function settled<T>(p: Promise<T> | undefined): Promise<T | undefined> {
  try {
    return p ? await p : undefined;
  } catch {
    return undefined;
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
