/**
 * The schema of one control file. The JSON Schema shipped in schemas/control.schema.json is
 * generated from this (scripts/generate-schemas.ts) and kept in sync by a test.
 */
import { z } from 'zod';

export const OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not-in', 'contains', 'matches', 'present', 'absent', 'empty', 'not-empty', 'older-than', 'newer-than'] as const;
export type Operator = (typeof OPERATORS)[number];
/** Operators that take no `value`. */
export const UNARY_OPERATORS: ReadonlySet<Operator> = new Set(['present', 'absent', 'empty', 'not-empty']);
/** Operators that compare a date-time's age, measured from the run's clock, with a duration. */
export const AGE_OPERATORS: ReadonlySet<Operator> = new Set(['older-than', 'newer-than']);
/** Operators a `count` compares its number of items with. */
export const COUNT_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not-in'] as const;
export type CountOperator = (typeof COUNT_OPERATORS)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a `count` counts: the items of a list, or only those its `where` holds for. */
export interface CountSpec {
  key: string;
  where?: Assertion;
  label?: string;
}

export type Assertion =
  | { key: string; op: Operator; value?: unknown; message?: string }
  | { count: CountSpec; op: CountOperator; value: unknown; message?: string }
  | { all: Assertion[] }
  | { any: Assertion[] }
  | { not: Assertion };

/**
 * A duration in a control: whole hours, days or weeks ("48h", "365d", "2w"). Months and years
 * have no fixed length, so they are not offered: write 365d.
 */
export const DURATION = /^(\d{1,6})([hdw])$/;
const DURATION_UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** A duration in milliseconds, or undefined when the text is not one. */
export function durationMs(text: unknown): number | undefined {
  const m = typeof text === 'string' ? DURATION.exec(text) : null;
  return m ? Number(m[1]) * DURATION_UNIT_MS[m[2] as keyof typeof DURATION_UNIT_MS] : undefined;
}

const leafAssertion = z.strictObject({
  key: z.string().min(1).describe('Dotted path into one resource, e.g. requiredApprovals or settings.enabled.'),
  op: z.enum(OPERATORS).describe('older-than and newer-than compare the age of a date-time (measured from the run\'s start) with a duration such as 365d, 48h or 2w.'),
  value: z.unknown().optional(),
  message: z.string().optional().describe('What is required, in words, used in the finding message instead of the generated text.'),
});

const countAssertion = z.strictObject({
  count: z.strictObject({
    key: z.string().min(1).describe('Dotted path of a list in the resource, e.g. alerts.'),
    where: z.lazy(() => assertionSchema).optional().describe('Counts only the items this assertion holds for; its keys are paths into one item. Without it, every item counts.'),
    label: z.string().optional().describe('What is counted, in words, for finding messages, e.g. "critical alerts open longer than 7 days".'),
  }),
  op: z.enum(COUNT_OPERATORS),
  value: z.union([z.number().int().nonnegative(), z.array(z.number().int().nonnegative())]).describe('A number of items (a list of numbers for in and not-in).'),
  message: z.string().optional().describe('What is required, in words, used in the finding message instead of the generated text.'),
}).describe('Counts the items of a list (those `where` holds for) and compares the number with `value`. An item `where` cannot decide (a field the source did not say) leaves the count unknown, unless the comparison holds or fails for every number it could be.');

export const assertionSchema: z.ZodType<Assertion> = z.lazy(() =>
  z.union([
    leafAssertion,
    countAssertion,
    z.strictObject({ all: z.array(assertionSchema).min(1) }),
    z.strictObject({ any: z.array(assertionSchema).min(1) }),
    z.strictObject({ not: assertionSchema }),
  ]),
);

export const CONTROL_ID = /^[A-Z][A-Z0-9]*-\d{3}$/;

/** How often a control must be shown to operate; run history measures gaps against it (src/history/). */
export const FREQUENCIES = ['continuous', 'daily', 'weekly', 'monthly', 'quarterly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/**
 * Automated controls are expected in every daily run. Manual controls are documents and reviews a
 * person produces; quarterly is the usual cadence auditors sample such reviews at.
 */
export function defaultFrequency(type: 'automated' | 'manual'): Frequency {
  return type === 'manual' ? 'quarterly' : 'daily';
}

/** The frequency a control declares, or its type's default. */
export function resolvedFrequency(control: { frequency?: Frequency; type: 'automated' | 'manual' }): Frequency {
  return control.frequency ?? defaultFrequency(control.type);
}

export const controlSchema = z.strictObject({
  id: z.string().regex(CONTROL_ID, 'expected an id like GH-002: upper-case area, a dash, three digits'),
  title: z.string().min(1).describe('One line: what must be true.'),
  criteria: z.array(z.string()).min(1).describe('2017 Trust Services Criteria ids, e.g. [CC6.1, CC8.1].'),
  severity: z.enum(SEVERITIES),
  type: z.enum(['automated', 'manual']).default('automated'),
  description: z.string().min(1).describe('What is checked, in plain language.'),
  rationale: z.string().optional().describe('Why it matters.'),
  collector: z.string().optional().describe('Collector id, e.g. github.branch-rules. Required for automated controls.'),
  params: z.record(z.string(), z.unknown()).optional(),
  assert: assertionSchema.optional().describe('Evaluated for every resource the collector returns. Required for automated controls.'),
  frequency: z.enum(FREQUENCIES).optional()
    .describe('How often the control must be shown to operate: continuous (every hour), daily, weekly, monthly or quarterly (UTC calendar intervals). `soc2 history` reports every interval of the review period without a run that decided the control. Default: daily for automated controls, quarterly for manual ones.'),
  whenEmpty: z.enum(['not_applicable', 'fail', 'error']).optional()
    .describe('What an empty population means. Default: the collector\'s own default (usually error).'),
  evidenceRequired: z.array(z.string()).min(1).optional()
    .describe('Manual controls: exactly what a person must attach.'),
  remediation: z.string().min(1).describe('How to fix a failure, step by step.'),
  references: z.array(z.string()).optional(),
});
export type ControlFile = z.infer<typeof controlSchema>;

/** A control after loading: validated, with where it came from. */
export interface Control extends ControlFile {
  /** Absolute path of the YAML file. */
  file: string;
  /** How messages and results name the file: relative to the package for the built-in library, else to the working directory. */
  source: string;
  /** From the library shipped with soc2 (its file is not in the assessed repository). */
  builtin: boolean;
  /** Params after the collector's defaults were applied. */
  resolvedParams: unknown;
  whenEmptyResolved: 'not_applicable' | 'fail' | 'error';
  /** Present when the configuration changed the definition (controls.params / controls.severity). */
  overrides?: ControlOverrides;
}

/**
 * What the configuration changed in a control, kept for the auditor: each value as the control
 * file defines it (after the collector's defaults) and as configured.
 */
export interface ControlOverrides {
  params?: Record<string, { defined: unknown; configured: unknown }>;
  severity?: { defined: Severity; configured: Severity };
}
