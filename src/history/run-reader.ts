/**
 * One tolerant reader of a run's results for history: it takes only what history needs (the run's
 * id, times and period; each control's id, title, criteria, type, frequency, status and counts;
 * the findings that are not passes) and ignores everything else, so results.json can grow (a
 * schemaVersion bump, passing findings kept as counts only) without breaking history. Records
 * store the run in exactly the shape this reader returns, and are read back with it.
 */
import { z } from 'zod';
import { FREQUENCIES, defaultFrequency, type Frequency } from '../controls/schema.js';

const isoInstant = z.string().refine((s) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s), 'expected an ISO-8601 date and time');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2026-01-31');

/** Findings kept in history: what an auditor samples deviations from. Passes are counted, not kept. */
const KEPT_FINDING_STATUSES: ReadonlySet<string> = new Set(['fail', 'error', 'excepted']);

const findingSchema = z.object({
  resource: z.string(),
  resourceType: z.string().optional(),
  region: z.string().optional(),
  account: z.string().optional(),
  status: z.string(),
  message: z.string().default(''),
  exception: z.string().optional(),
});
export type HistoryFinding = z.infer<typeof findingSchema>;

const controlSchema = z.object({
  id: z.string().min(1),
  title: z.string().default(''),
  criteria: z.array(z.string()).default([]),
  severity: z.string().optional(),
  // Unknown values from a newer soc2 fall back to what an older one would have assumed.
  type: z.enum(['automated', 'manual']).catch('automated'),
  frequency: z.enum(FREQUENCIES).optional().catch(undefined),
  status: z.string().min(1),
  statusReason: z.string().optional(),
  incomplete: z.boolean().optional().catch(undefined),
  counts: z.record(z.string(), z.number()).optional().catch(undefined),
  findings: z.array(z.unknown()).default([]),
});

const runSchema = z.object({
  schemaVersion: z.string().default('unknown'),
  tool: z.object({ name: z.string(), version: z.string() }).optional().catch(undefined),
  run: z.object({
    id: z.string().min(1),
    startedAt: isoInstant,
    finishedAt: isoInstant,
    period: z.object({ start: isoDate, end: isoDate }),
    sample: z.boolean().default(false),
  }),
  summary: z.record(z.string(), z.number()).optional().catch(undefined),
  controls: z.array(controlSchema),
});

export interface HistoryControl {
  id: string;
  title: string;
  criteria: string[];
  severity?: string;
  type: 'automated' | 'manual';
  frequency: Frequency;
  status: string;
  statusReason?: string;
  incomplete?: boolean;
  counts?: Record<string, number>;
  /** Failing, unreadable and excepted findings; passing ones only as counts. */
  findings: HistoryFinding[];
}

/** A run as history keeps it. */
export interface HistoryRun {
  schemaVersion: string;
  tool?: { name: string; version: string };
  run: { id: string; startedAt: string; finishedAt: string; period: { start: string; end: string }; sample: boolean };
  summary?: Record<string, number>;
  controls: HistoryControl[];
}

export type ReadResult = { ok: true; run: HistoryRun } | { ok: false; problem: string };

/** Read a parsed results.json (or a record's `results`); the problem names the first missing or malformed field. */
export function readRunForHistory(data: unknown): ReadResult {
  const parsed = runSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: `${issue.path.join('.') || '(top level)'}: ${issue.message}` };
  }
  const d = parsed.data;
  const controls: HistoryControl[] = [];
  for (const [i, c] of d.controls.entries()) {
    const findings: HistoryFinding[] = [];
    for (const [j, raw] of c.findings.entries()) {
      const f = findingSchema.safeParse(raw);
      if (!f.success) return { ok: false, problem: `controls.${i}.findings.${j}.${f.error.issues[0]!.path.join('.')}: ${f.error.issues[0]!.message}` };
      if (KEPT_FINDING_STATUSES.has(f.data.status)) findings.push(stripUndefined(f.data));
    }
    controls.push(stripUndefined({
      id: c.id,
      title: c.title,
      criteria: c.criteria,
      severity: c.severity,
      type: c.type,
      frequency: c.frequency ?? defaultFrequency(c.type),
      status: c.status,
      statusReason: c.statusReason,
      incomplete: c.incomplete,
      counts: c.counts,
      findings,
    }));
  }
  return {
    ok: true,
    run: stripUndefined({
      schemaVersion: d.schemaVersion,
      tool: d.tool,
      run: d.run,
      summary: d.summary,
      controls,
    }),
  };
}

/** Leave absent fields out rather than writing `undefined`, so a record reads back as it was built. */
function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
