/**
 * The evidence files of `soc2 merge`: every file a shard wrote under evidence/ goes into the joined
 * run. A file only one shard wrote, or that every shard wrote byte for byte alike, is copied. An
 * evidence file of a split collector (the same collector and parameters in every shard, so the same
 * name) is joined into one: its resources, calls and gaps one after the other in shard order, its
 * population facts joined (counts added, lists joined), and what each shard contributed listed under `shards`. Any other file
 * that differs between shards is kept once per shard, its name marked with the shard.
 */
import { EVIDENCE_END_KIND, EVIDENCE_KIND, sha256 } from './write.js';
import type { EvidenceRef } from '../results.js';

export interface PartEvidence {
  shard: number;
  /** Evidence files of the part (relative path → bytes), as attested by its statement. */
  files: ReadonlyMap<string, Buffer>;
  /** The evidence references its results.json holds. */
  refs: readonly EvidenceRef[];
}

export interface JoinedEvidence {
  files: Map<string, Buffer>;
  /** The reference of every evidence file that was joined or renamed, by its path in the parts. */
  refs: Map<string, EvidenceRef>;
}

/** An evidence file (JSON Lines: header, resources, closing line) as one object. */
interface EvidenceBody {
  runId: string;
  sample: boolean;
  collector: string;
  params: unknown;
  collectedAt: string;
  finishedAt: string;
  complete: boolean;
  gaps: unknown[];
  calls: unknown[];
  facts: Record<string, unknown>;
  resourceCount: number;
  resources: unknown[];
}

export function joinEvidence(parts: readonly PartEvidence[], runId: string): JoinedEvidence {
  const holders = new Map<string, Array<{ part: PartEvidence; bytes: Buffer }>>();
  for (const part of parts) {
    for (const [path, bytes] of part.files) holders.set(path, [...(holders.get(path) ?? []), { part, bytes }]);
  }
  const files = new Map<string, Buffer>();
  // Per part, the new name of a file that differs between shards and could not be joined.
  const renamed = new Map<PartEvidence, Map<string, { file: string; sha256: string }>>();
  const toJoin: string[] = [];
  for (const [path, list] of [...holders.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (list.every((h) => h.bytes.equals(list[0]!.bytes))) {
      files.set(path, list[0]!.bytes);
    } else if (list.every((h) => evidenceBody(h.bytes) !== undefined)) {
      toJoin.push(path);
    } else {
      for (const h of list) {
        const file = shardName(path, h.part.shard);
        files.set(file, h.bytes);
        const m = renamed.get(h.part) ?? new Map<string, { file: string; sha256: string }>();
        m.set(path, { file, sha256: sha256(h.bytes) });
        renamed.set(h.part, m);
      }
    }
  }
  const refs = new Map<string, EvidenceRef>();
  for (const path of toJoin) {
    const list = holders.get(path)!;
    const bodies = list.map((h) => evidenceBody(h.bytes)!);
    const partRefs = list.map((h) => h.part.refs.find((r) => r.file === path));
    const body = {
      sample: bodies[0]!.sample,
      collector: bodies[0]!.collector,
      params: bodies[0]!.params,
      collectedAt: bodies.map((b) => b.collectedAt).sort()[0]!,
      finishedAt: bodies.map((b) => b.finishedAt).sort().at(-1)!,
      complete: bodies.every((b) => b.complete),
      resourceCount: bodies.reduce((n, b) => n + b.resourceCount, 0),
    };
    // The same layout a run writes (docs/evidence-format.md); the closing line also says what each shard gave.
    const header = { kind: EVIDENCE_KIND, format: 'jsonl', runId, sample: body.sample, collector: body.collector, params: body.params, collectedAt: body.collectedAt };
    const end = {
      kind: EVIDENCE_END_KIND,
      finishedAt: body.finishedAt,
      complete: body.complete,
      resourceCount: body.resourceCount,
      gaps: bodies.flatMap((b) => b.gaps),
      calls: bodies.flatMap((b) => b.calls),
      facts: joinFacts(bodies.map((b) => b.facts)),
      shards: list.map((h, i) => ({ shard: h.part.shard, runId: bodies[i]!.runId, collectedAt: bodies[i]!.collectedAt, finishedAt: bodies[i]!.finishedAt, complete: bodies[i]!.complete, resourceCount: bodies[i]!.resourceCount, sha256: sha256(h.bytes) })),
    };
    const lines = [header, ...bodies.flatMap((b) => b.resources), end].map((v) => JSON.stringify(v) + '\n');
    const text = Buffer.from(lines.join(''), 'utf8');
    files.set(path, text);
    const known = partRefs.filter((r): r is EvidenceRef => r !== undefined);
    const first = known[0];
    if (!first) continue; // a file no control refers to: joined, referenced by nobody
    const attachments = [...new Map(list.flatMap((h, i) => (partRefs[i]?.attachments ?? []).map((a) => renamed.get(h.part)?.get(a.file) ?? a)).map((a) => [a.file, a])).values()];
    refs.set(path, {
      file: path,
      sha256: sha256(text),
      collector: first.collector,
      params: first.params,
      collectedAt: body.collectedAt,
      finishedAt: body.finishedAt,
      complete: body.complete,
      resourceCount: body.resourceCount,
      calls: known.flatMap((r) => r.calls),
      gaps: known.flatMap((r) => r.gaps),
      ...(attachments.length ? { attachments } : {}),
    });
  }
  return { files, refs };
}

/** `evidence/github/x.csv` of shard 2 → `evidence/github/x.shard-2.csv`. */
function shardName(path: string, shard: number): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? `${path.slice(0, dot)}.shard-${shard}${path.slice(dot)}` : `${path}.shard-${shard}`;
}

/** The parts of a JSON Lines evidence file, or undefined when the bytes are not one (then it is kept per shard, not joined). */
function evidenceBody(bytes: Buffer): EvidenceBody | undefined {
  try {
    const lines = bytes.toString('utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown> | null);
    const head = lines[0];
    const end = lines.at(-1);
    if (lines.length < 2 || head?.['kind'] !== EVIDENCE_KIND || end?.['kind'] !== EVIDENCE_END_KIND) return undefined;
    if (!Array.isArray(end['calls']) || !Array.isArray(end['gaps']) || typeof end['resourceCount'] !== 'number') return undefined;
    if (typeof head['collectedAt'] !== 'string' || typeof end['finishedAt'] !== 'string') return undefined;
    const facts = end['facts'] && typeof end['facts'] === 'object' ? end['facts'] as Record<string, unknown> : {};
    return {
      runId: String(head['runId']),
      sample: head['sample'] === true,
      collector: String(head['collector']),
      params: head['params'],
      collectedAt: head['collectedAt'],
      finishedAt: end['finishedAt'],
      complete: end['complete'] === true,
      gaps: end['gaps'],
      calls: end['calls'],
      facts,
      resourceCount: end['resourceCount'],
      resources: lines.slice(1, -1),
    };
  } catch {
    return undefined;
  }
}

/**
 * Population facts of the shards as one population: numbers are counts of the shard's part
 * (repositories in scope, rows, deployments), so they are added; a value every shard shares (the
 * query, the rules requested) is kept; lists are joined without repeats; anything else is kept per shard.
 */
export function joinFacts(all: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> {
  const keys = [...new Set(all.flatMap((f) => Object.keys(f)))];
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const values = all.filter((f) => k in f).map((f) => f[k]);
    if (values.every((v) => typeof v === 'number')) out[k] = (values as number[]).reduce((a, b) => a + b, 0);
    else if (values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]))) out[k] = values[0];
    else if (values.every(Array.isArray)) out[k] = [...new Map((values as unknown[][]).flat().map((v) => [JSON.stringify(v), v])).values()];
    else out[k] = { byShard: values };
  }
  return out;
}
