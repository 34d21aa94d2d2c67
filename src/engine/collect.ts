/**
 * Collect: run planned calls with bounded concurrency and a per-call timeout. One collector's
 * crash or timeout ends only its controls (in `error`, with the reason); the run goes on.
 */
import type { AnyCollector, CollectContext, CollectedResource, Evidence } from '../collectors/types.js';
import { loadCollector } from '../collectors/index.js';
import { collectInto } from '../collectors/evidence-builder.js';
import type { EvidenceRef } from '../results.js';
import { readEvidenceResources, type EvidenceFile } from '../evidence/write.js';
import { CollectorError, Soc2Error } from '../errors.js';
import { redactDeep, redactString } from '../evidence/redact.js';
import type { PlannedCall } from './plan.js';
import { createSharedReads, type ContextBase, type SharedReads } from './memo.js';
import { mapPool } from '../util/pool.js';

/** Evidence already written to its file while it was collected, and how to read its resources back one at a time. */
export interface WrittenEvidence {
  ref: EvidenceRef;
  resources: Iterable<CollectedResource<Record<string, unknown>>>;
}

export type CallOutcome =
  | {
    kind: 'evidence';
    collector: AnyCollector;
    /** Redacted. When `written` is set its resources are in the file, not here. */
    evidence: Evidence<Record<string, unknown>>;
    startedAt: Date;
    finishedAt: Date;
    written?: WrittenEvidence;
  }
  | { kind: 'not_applicable'; collector: AnyCollector; reason: string }
  | { kind: 'error'; collector: AnyCollector | undefined; reason: string };

/** For a collector's source: the context to collect with, or why the source is out of scope / unusable. */
export type ContextFor = (collector: AnyCollector) => Promise<
  // The base plus the parts of the sources it collects from (`aws`, `github`, `repoRoot`).
  { ok: true; ctx: ContextBase & { readonly [part: string]: unknown } } | { ok: false; status: 'not_applicable' | 'error'; reason: string }
>;

export interface CollectOptions {
  concurrency: number;
  timeoutMs: number;
  contextFor: ContextFor;
  now(): Date;
  /** Aborted when the run is cancelled: every call stops, and so does the work they share. */
  signal?: AbortSignal;
  /** How to get a collector by id (tests inject fakes; default: the static registry). */
  load?(id: string): Promise<AnyCollector>;
  onStart?(call: PlannedCall, index: number): void;
  onDone?(call: PlannedCall, outcome: CallOutcome, done: number, total: number): void;
  /**
   * Where a call's evidence is written while it is collected: every resource is redacted and
   * appended as the collector adds it, so no population is held in memory. Absent: the evidence
   * is returned whole (a run with --minimize-pii minimises it before writing).
   */
  evidenceFile?(call: PlannedCall, startedAt: Date): EvidenceFile;
}

export async function collectAll(calls: readonly PlannedCall[], opts: CollectOptions): Promise<Map<string, CallOutcome>> {
  const results = new Map<string, CallOutcome>();
  let done = 0;
  // Reads shared through ctx.memo run under the run's signal, not under the first caller's.
  const runSignal = opts.signal ?? new AbortController().signal;
  const shared = createSharedReads(runSignal);
  // A usage error (a bad token) stops the run: the pool takes no new calls, and it is thrown once
  // the calls in flight have settled, so nothing keeps running behind the CLI's exit. A cancelled
  // run starts no further call; those it did not start end as cancelled below.
  try {
    await mapPool(calls, { concurrency: opts.concurrency, signal: runSignal }, async (call, index) => {
      opts.onStart?.(call, index);
      const outcome = await collectOne(call, opts, shared, runSignal);
      results.set(call.key, outcome);
      opts.onDone?.(call, outcome, ++done, calls.length);
    });
  } catch (e) {
    if (!runSignal.aborted || (e instanceof Soc2Error && e.exitCode === 2)) throw e;
  } finally {
    shared.clear();
  }
  for (const call of calls) if (!results.has(call.key)) results.set(call.key, { kind: 'error', collector: undefined, reason: CANCELLED });
  return results;
}

async function collectOne(call: PlannedCall, opts: CollectOptions, shared: SharedReads, runSignal: AbortSignal): Promise<CallOutcome> {
  let collector: AnyCollector | undefined;
  try {
    collector = await (opts.load ?? ((id: string) => loadCollector(id as PlannedCall['collectorId'])))(call.collectorId);
    const ctxResult = await opts.contextFor(collector);
    if (!ctxResult.ok) {
      return ctxResult.status === 'not_applicable'
        ? { kind: 'not_applicable', collector, reason: redactString(ctxResult.reason) }
        : { kind: 'error', collector, reason: redactString(ctxResult.reason) };
    }
    const timeoutMs = collector.timeoutMs ?? opts.timeoutMs;
    // The call's own signal aborts on its timeout or with the run. AbortSignal.any adds no listener
    // to the run's signal, so any number of calls in flight leave it with none (a listener per
    // call tripped Node's MaxListenersExceededWarning past ten).
    const timedOut = new AbortController();
    const signal = AbortSignal.any([runSignal, timedOut.signal]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Reject before aborting: a collector that answers the abort with partial evidence must not win the race.
        reject(new CollectorError(`${collector!.id} did not finish within ${formatSeconds(timeoutMs)} and was stopped.`, 'timeout',
          'Raise timeoutSeconds in soc2.config.yaml, or narrow the scope (fewer regions or repositories).'));
        timedOut.abort();
      }, timeoutMs);
      timer.unref?.();
    });
    if (runSignal.aborted) return { kind: 'error', collector, reason: CANCELLED };
    const startedAt = opts.now();
    const file = opts.evidenceFile?.(call, startedAt);
    let open = true;
    try {
      const ctx = shared.contextFor(ctxResult.ctx, signal);
      const collecting = file
        // Where evidence enters the engine, resource by resource: everything downstream (evaluation,
        // results.json, reports, the terminal, evidence/) sees only the redacted copy. A collector
        // still adding after its timeout adds to nothing.
        ? collectInto({ add: (r) => open && file.add(redactDeep(r)), attachCsv: (a) => open && file.attachCsv(a) }, () => collector!.collect(ctx, call.params))
        : collector.collect(ctx, call.params);
      const evidence = redactDeep(await Promise.race([collecting, timeout]));
      open = false;
      const finishedAt = opts.now();
      if (!file) return { kind: 'evidence', collector, evidence, startedAt, finishedAt };
      const ref = file.finish(evidence, finishedAt);
      const path = file.stagedPath;
      return {
        kind: 'evidence',
        collector,
        evidence: { ...evidence, resources: [] },
        startedAt,
        finishedAt,
        written: { ref, resources: { [Symbol.iterator]: () => readEvidenceResources(path) } },
      };
    } catch (e) {
      open = false;
      file?.discard();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  } catch (e) {
    if (e instanceof Soc2Error && e.exitCode === 2) throw e;
    return { kind: 'error', collector, reason: runSignal.aborted ? CANCELLED : redactString(reasonOf(call, e)) };
  }
}

const CANCELLED = 'The run was cancelled before this evidence was collected.';

function reasonOf(call: PlannedCall, e: unknown): string {
  if (e instanceof Soc2Error) return [e.message, e.remediation].filter(Boolean).join(' ');
  const msg = e instanceof Error ? e.message : String(e);
  return `The ${call.collectorId} collector failed unexpectedly: ${msg}. This is a bug in soc2; please report it with the output of \`soc2 run --debug\`.`;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
