/**
 * The schema of one control file. The JSON Schema shipped in schemas/control.schema.json is
 * generated from this (scripts/generate-schemas.ts) and kept in sync by a test.
 */
import { z } from 'zod';

export const OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not-in', 'contains', 'matches', 'present', 'absent', 'empty', 'not-empty'] as const;
export type Operator = (typeof OPERATORS)[number];
/** Operators that take no `value`. */
export const UNARY_OPERATORS: ReadonlySet<Operator> = new Set(['present', 'absent', 'empty', 'not-empty']);

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type Assertion =
  | { key: string; op: Operator; value?: unknown; message?: string }
  | { all: Assertion[] }
  | { any: Assertion[] }
  | { not: Assertion };

const leafAssertion = z.strictObject({
  key: z.string().min(1).describe('Dotted path into one resource, e.g. requiredApprovals or settings.enabled.'),
  op: z.enum(OPERATORS),
  value: z.unknown().optional(),
  message: z.string().optional().describe('What is required, in words, used in the finding message instead of the generated text.'),
});

export const assertionSchema: z.ZodType<Assertion> = z.lazy(() =>
  z.union([
    leafAssertion,
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
