/**
 * Joining the results of `soc2 run --shard 1/n … n/n` into the results one whole run would have
 * had: pure, no I/O. Checks the parts belong together, joins each split control's findings and
 * counts and decides its status again with the engine's own rule (decideVerdict); controls
 * evaluated whole come from shard 1 as they are. Evidence files are joined by the caller
 * (evidence-join.ts); this module takes their joined references.
 */
import { sourceAbout, sourceIds } from '../collectors/sources.js';
import { UsageError } from '../errors.js';
import type { ControlResult, DataHandling, EvidenceRef, MergedFrom, Results } from '../results.js';
import { compareFindings, decideVerdict } from './evaluate.js';
import { criteriaCoverage, exitCodeFor } from './run.js';

export interface ShardPart {
  /** The report directory as the user named it, for messages. */
  label: string;
  results: Results;
  statementSha256: string;
  signature: MergedFrom['parts'][number]['signature'];
}

/** Orders the parts by shard and refuses a set that is not shards 1..n of one run's scope, naming the part and why. */
export function checkParts(parts: readonly ShardPart[]): ShardPart[] {
  if (!parts.length) throw new UsageError('soc2 merge needs the report directories of the shards.', 'Pass every shard\'s directory: soc2 merge part-1 part-2 … --out DIR.');
  for (const p of parts) {
    if (!p.results.run.shard) {
      throw new UsageError(`${p.label} is not a shard: its results.json records no run.shard (it was written by soc2 run without --shard${p.results.run.merged ? ', or is already a merged run' : ''}).`, 'Pass the directories written by soc2 run --shard i/n.');
    }
  }
  const first = parts.find((p) => p.results.run.shard!.index === 1) ?? parts[0]!;
  const ref = first.results;
  const refShard = ref.run.shard!;
  const same = (what: string, a: unknown, b: unknown, p: ShardPart) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      throw new UsageError(
        `${p.label} does not belong with ${first.label}: its ${what} is ${JSON.stringify(b)}, not ${JSON.stringify(a)}.`,
        'Merge only the shards of one CI run: the same configuration, review period and soc2 version, and the same number of shards.',
      );
    }
  };
  for (const p of parts) {
    if (p === first) continue;
    const r = p.results;
    same('number of shards', refShard.count, r.run.shard!.count, p);
    same('shard assignment', refShard.assignment, r.run.shard!.assignment, p);
    same('soc2 version', ref.tool.version, r.tool.version, p);
    same('results schema version', ref.schemaVersion, r.schemaVersion, p);
    same('configuration (SHA-256)', ref.run.config.sha256, r.run.config.sha256, p);
    same('review period', ref.run.period, r.run.period, p);
    same('--fail-on', ref.run.failOn, r.run.failOn, p);
    same('sample-data flag', ref.run.sample, r.run.sample, p);
    // Every source's scope (organisation, regions, checkout) must be the same in every part.
    const scopeOf = (x: Results) => x.run.scope as Record<string, unknown>;
    for (const id of sourceIds()) same(`${sourceAbout(id)?.label ?? id} scope`, scopeOf(ref)[id], scopeOf(r)[id], p);
  }
  const byIndex = new Map<number, ShardPart>();
  for (const p of parts) {
    const i = p.results.run.shard!.index;
    const dup = byIndex.get(i);
    if (dup) throw new UsageError(`Shard ${i}/${refShard.count} is given twice: ${dup.label} and ${p.label}.`, 'Pass each shard\'s directory once.');
    byIndex.set(i, p);
  }
  const missing = [];
  for (let i = 1; i <= refShard.count; i++) if (!byIndex.has(i)) missing.push(`${i}/${refShard.count}`);
  if (missing.length) {
    throw new UsageError(`Shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: the joined run would leave part of the scope unchecked.`, 'Pass the directory of every shard (did a shard job fail before uploading its report?).');
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
}

export interface JoinInput {
  /** Ordered by shard, as checkParts returns them. */
  parts: readonly ShardPart[];
  runId: string;
  /** The joined reference of every evidence file, by path (copied unchanged when one part wrote it). */
  evidence: ReadonlyMap<string, EvidenceRef>;
}

/** The joined run's results.json, before its attestation is written. */
export function joinResults(input: JoinInput): Results {
  const { parts } = input;
  const head = parts[0]!.results;
  const byPart = parts.map((p) => new Map(p.results.controls.map((c) => [c.id, c])));
  for (const p of parts) {
    const stray = p.results.controls.find((c) => !byPart[0]!.has(c.id));
    if (stray) throw new UsageError(`${p.label} has control ${stray.id}, which shard 1 (${parts[0]!.label}) does not: the shards ran with different controls.`, 'Run every shard with the same configuration and the same --only.');
  }
  const controls = head.controls.map((c) => {
    const pieces = byPart.map((m) => m.get(c.id));
    const present = pieces.filter((x): x is ControlResult => x !== undefined);
    if (present.length === 1) return withJoinedEvidence(withoutWhenEmpty(c), input.evidence);
    if (present.length !== parts.length) {
      const lacking = parts.filter((_, i) => !pieces[i]).map((p) => p.label);
      throw new UsageError(`Control ${c.id} is split across shards but missing from ${lacking.join(', ')}: the shards ran with different controls.`, 'Run every shard with the same configuration and the same --only.');
    }
    return joinControl(c.id, present, parts, input.evidence);
  });
  const failOn = head.run.failOn;
  const summary = { total: controls.length, pass: 0, fail: 0, error: 0, excepted: 0, manual: 0, attested: 0, not_applicable: 0, exitCode: exitCodeFor(controls, failOn) };
  for (const c of controls) summary[c.status]++;
  const { shard: _shard, attestation: _attestation, ...run } = head.run;
  const merged: MergedFrom = {
    assignment: head.run.shard!.assignment,
    parts: parts.map((p) => ({ shard: p.results.run.shard!.index, runId: p.results.run.id, statementSha256: p.statementSha256, signature: p.signature })),
  };
  const times = parts.map((p) => p.results.run);
  return {
    schemaVersion: head.schemaVersion,
    tool: head.tool,
    run: {
      ...run,
      id: input.runId,
      startedAt: times.map((t) => t.startedAt).sort()[0]!,
      finishedAt: times.map((t) => t.finishedAt).sort().at(-1)!,
      merged,
    },
    summary,
    criteria: criteriaCoverage(controls),
    controls,
    ...(joinDataHandling(parts.map((p) => p.results.dataHandling)) ?? {}),
  };
}

function withoutWhenEmpty(c: ControlResult): ControlResult {
  const { whenEmpty: _w, ...rest } = c;
  return rest;
}

function withJoinedEvidence(c: ControlResult, evidence: ReadonlyMap<string, EvidenceRef>): ControlResult {
  return { ...c, evidence: c.evidence.map((e) => evidence.get(e.file) ?? e) };
}

/**
 * One split control from its shards. A shard whose part was empty before collection (no AWS
 * region of the scope is its) has no evidence and adds nothing; a shard that could not collect
 * at all (its client failed) makes the joined control incomplete, as it would have made the whole.
 */
function joinControl(id: string, pieces: readonly ControlResult[], parts: readonly ShardPart[], evidence: ReadonlyMap<string, EvidenceRef>): ControlResult {
  const head = withoutWhenEmpty(pieces[0]!);
  const collected = pieces.filter((p) => p.evidence.length > 0);
  const failedOutright = pieces.filter((p) => p.evidence.length === 0 && p.status === 'error');
  if (!collected.length) return failedOutright.length ? withoutWhenEmpty(failedOutright[0]!) : head;
  const whenEmpty = collected[0]!.whenEmpty;
  if (!whenEmpty) {
    const i = pieces.indexOf(collected[0]!);
    throw new UsageError(`${parts[i]!.label}: control ${id} does not record what an empty population means (whenEmpty), so its shards cannot be joined.`, 'Run the shards with the same soc2 version as soc2 merge.');
  }
  const findings = collected.flatMap((p) => p.findings).sort(compareFindings);
  const counts = { resources: 0, pass: 0, fail: 0, error: 0, excepted: 0, notApplicable: 0 };
  for (const p of collected) for (const k of Object.keys(counts) as Array<keyof typeof counts>) counts[k] += p.counts[k];
  const refs = [...new Map(collected.flatMap((p) => p.evidence).map((e) => [e.file, evidence.get(e.file) ?? e])).values()];
  // A gap that names no resource is said once, as the whole run would say it (each shard may meet it).
  const globalProblems = [...new Set([
    ...refs.flatMap((e) => e.gaps.filter((g) => !g.resource).map((g) => g.message)),
    ...failedOutright.map((p) => p.statusReason),
  ])];
  const verdict = decideVerdict({ counts, findings, globalProblems, evidenceComplete: refs.every((e) => e.complete) && !failedOutright.length, whenEmpty });
  const { incomplete: _i, ...rest } = head;
  return {
    ...rest,
    status: verdict.status,
    statusReason: verdict.statusReason,
    ...(verdict.incomplete ? { incomplete: true as const } : {}),
    counts,
    findings,
    evidence: refs,
  };
}

/** What the shards read and kept, added up; hosts and fields are listed once. */
function joinDataHandling(all: ReadonlyArray<DataHandling | undefined>): { dataHandling: DataHandling } | undefined {
  const present = all.filter((d): d is DataHandling => d !== undefined);
  if (!present.length) return undefined;
  const endpoints = new Map<string, DataHandling['endpoints'][number]>();
  const fields = new Map<string, Set<string>>();
  let redacted = 0;
  let minimised = null as DataHandling['minimised'];
  for (const d of present) {
    for (const e of d.endpoints) {
      const key = `${e.source} ${e.host}`;
      const into = endpoints.get(key) ?? { source: e.source, host: e.host, requests: 0, operations: [] };
      into.requests += e.requests;
      for (const op of e.operations) {
        const hit = into.operations.find((o) => o.operation === op.operation);
        if (hit) hit.requests += op.requests;
        else into.operations.push({ ...op });
      }
      endpoints.set(key, into);
    }
    for (const f of d.fieldsKept) {
      const set = fields.get(f.collector) ?? new Set<string>();
      for (const x of f.fields) set.add(x);
      fields.set(f.collector, set);
    }
    redacted += d.redacted;
    if (d.minimised) {
      minimised = {
        identities: (minimised?.identities ?? 0) + d.minimised.identities,
        replacements: (minimised?.replacements ?? 0) + d.minimised.replacements,
        kinds: [...new Set([...(minimised?.kinds ?? []), ...d.minimised.kinds])].sort(),
      };
    }
  }
  return {
    dataHandling: {
      endpoints: [...endpoints.values()],
      fieldsKept: [...fields.entries()].map(([collector, f]) => ({ collector, fields: [...f].sort() })),
      redacted,
      minimised,
      manualFiles: present[0]!.manualFiles,
    },
  };
}
