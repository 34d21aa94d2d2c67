/**
 * The history summary: for every control over a review period, how often it was decided, how it
 * fared, and which intervals of its frequency went without evidence. It is what `soc2 history`
 * prints and what results.json carries (optional field `history`) when the run used --history, so
 * the Markdown and HTML renderers stay pure functions of results.json.
 */
import { z } from 'zod';
import { FREQUENCIES } from '../controls/schema.js';

/** A stretch of time, [from, to): ISO-8601 UTC instants, `to` exclusive. */
const spanSchema = z.object({
  from: z.string(),
  to: z.string(),
});

const gapSchema = spanSchema.extend({
  intervals: z.number().int().describe('How many whole or partial intervals of the frequency the gap spans (days for a daily control).'),
});
export type HistoryGap = z.infer<typeof gapSchema>;

const failureSchema = z.object({
  from: z.string().describe('Start of the first run that found the control failing.'),
  to: z.string().nullable().describe('Start of the first later run that found it passing (or not applicable); null when it was still failing at its last run in the period.'),
  runs: z.number().int().describe('Runs from the first failing run up to (not including) the fixing run: failing, excepted or in error.'),
  lastPassBefore: z.string().nullable().describe('Start of the last run before the failure that found the control passing: the failure began after it.'),
  beganBeforePeriod: z.boolean().describe('The last run before the period already found the control failing.'),
});
export type HistoryFailure = z.infer<typeof failureSchema>;

const statusCountsSchema = z.object({
  pass: z.number().int(),
  fail: z.number().int(),
  error: z.number().int(),
  excepted: z.number().int(),
  manual: z.number().int(),
  not_applicable: z.number().int(),
  other: z.number().int().describe('Statuses this version of soc2 does not know (from a newer results.json).'),
});

const controlCoverageSchema = z.object({
  id: z.string(),
  title: z.string(),
  type: z.enum(['automated', 'manual']),
  frequency: z.enum(FREQUENCIES),
  runs: z.number().int().describe('Runs in the period that included the control.'),
  statuses: statusCountsSchema,
  firstRunAt: z.string().nullable(),
  lastRunAt: z.string().nullable(),
  lastStatus: z.string().nullable(),
  failures: z.array(failureSchema).describe('Each stretch of failing runs, oldest first.'),
  gaps: z.array(gapSchema).nullable()
    .describe('Intervals of the frequency with no run that decided the control (pass, fail, excepted or not applicable); a run in error decides nothing. Null for manual controls, whose evidence soc2 cannot see.'),
});
export type ControlCoverage = z.infer<typeof controlCoverageSchema>;

export const historySummarySchema = z.object({
  dir: z.string().describe('The history folder, as given.'),
  period: z.object({ start: z.string(), end: z.string() }).describe('The period summarised, whole UTC days, inclusive.'),
  asOf: z.string().describe('When the summary was computed. The part of the period after it is not reached yet, and is not a gap.'),
  chain: z.object({
    records: z.number().int().describe('Records in the folder, verified intact, when the summary was computed.'),
    head: z.object({ sequence: z.number().int(), sha256: z.string() }).nullable().describe('The newest of them.'),
  }),
  thisRun: z.string().nullable().describe('Id of the run whose report this is, counted here though it is recorded only after its report is written (as the record after `chain.head`); null outside a run.'),
  runs: z.object({
    inPeriod: z.number().int(),
    beforePeriod: z.number().int(),
    afterPeriod: z.number().int(),
    first: z.string().nullable(),
    last: z.string().nullable(),
  }),
  noRun: z.array(gapSchema).describe('Whole UTC days of the period, up to asOf, on which no run happened at all.'),
  notYetReached: spanSchema.nullable(),
  controls: z.array(controlCoverageSchema),
});
export type HistorySummary = z.infer<typeof historySummarySchema>;
