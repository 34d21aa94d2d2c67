/**
 * results.json: the canonical output every report renderer reads. The JSON Schema shipped in
 * schemas/results.schema.json is generated from these zod schemas and kept in sync by a test;
 * every test run validates the results it produces against that file.
 */
import { z } from 'zod';
import { FREQUENCIES, SEVERITIES } from './controls/schema.js';
import { historySummarySchema } from './history/summary.js';

export const SCHEMA_VERSION = '1.0.0';

export const CONTROL_STATUSES = ['pass', 'fail', 'error', 'excepted', 'manual', 'not_applicable'] as const;
export type ControlStatus = (typeof CONTROL_STATUSES)[number];
export const FINDING_STATUSES = ['pass', 'fail', 'error', 'excepted', 'not_applicable'] as const;

const apiCallSchema = z.object({
  source: z.string(),
  operation: z.string(),
  params: z.record(z.string(), z.unknown()),
  at: z.string(),
  requestId: z.string().optional(),
  status: z.number().optional(),
  region: z.string().optional().describe('AWS region the call was made in.'),
  host: z.string().optional().describe('API host a GitHub call went to (api.github.com, or a GitHub Enterprise Server host).'),
  pages: z.number().optional(),
  items: z.number().optional().describe('Items returned across all pages.'),
  cost: z.number().optional().describe("Rate-limit points a GitHub GraphQL query cost (its rateLimit.cost)."),
  cache: z.enum(['revalidated', 'discarded']).optional()
    .describe("GitHub ETag cache: 'revalidated' (304; the cached body's MAC verified) or 'discarded' (a cached entry failed verification and the request was sent again without it)."),
  cacheNote: z.string().optional().describe('Why a cache entry was discarded.'),
});

const gapSchema = z.object({
  kind: z.enum(['permission', 'rate-limit', 'unavailable', 'timeout', 'not-found', 'precondition', 'credentials', 'other']),
  resource: z.string().optional(),
  message: z.string(),
  permission: z.string().optional(),
});

export const evidenceRefSchema = z.object({
  file: z.string().describe('Path of the evidence file, relative to the report directory.'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  collector: z.string(),
  params: z.unknown(),
  collectedAt: z.string().describe('When collection started (ISO-8601 UTC).'),
  finishedAt: z.string(),
  complete: z.boolean(),
  resourceCount: z.number().int(),
  calls: z.array(apiCallSchema),
  gaps: z.array(gapSchema),
  attachments: z.array(z.object({ file: z.string(), sha256: z.string() })).optional(),
});
export type EvidenceRef = z.infer<typeof evidenceRefSchema>;

export const findingSchema = z.object({
  resource: z.string().describe('owner/repo, an org login, an AWS resource id, or a file path.'),
  resourceType: z.string().optional(),
  region: z.string().optional(),
  account: z.string().optional(),
  status: z.enum(FINDING_STATUSES),
  message: z.string().describe('A sentence naming the resource, what was found and what is required.'),
  evidence: z.string().optional().describe('The evidence file this finding was decided from.'),
  exception: z.string().optional().describe('Justification of the exception that covers this finding.'),
});
export type Finding = z.infer<typeof findingSchema>;

export const controlResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  criteria: z.array(z.string()),
  severity: z.enum(SEVERITIES),
  type: z.enum(['automated', 'manual']),
  frequency: z.enum(FREQUENCIES).optional()
    .describe('How often the control must be shown to operate (declared, or the default: daily for automated controls, quarterly for manual ones). Absent in results written before soc2 recorded it.'),
  status: z.enum(CONTROL_STATUSES),
  statusReason: z.string().describe('One sentence: why the control has this status.'),
  incomplete: z.literal(true).optional()
    .describe('Part of the evidence could not be read (gaps, resources the source did not say enough about, or a collection that failed). A `fail` control can be incomplete: its failing resources are known, others could not be checked. Absent when the evidence is complete.'),
  description: z.string(),
  rationale: z.string().optional(),
  remediation: z.string(),
  references: z.array(z.string()),
  source: z.string().describe('The control file, as given.'),
  builtin: z.boolean().optional().describe('True for a control from the library shipped with soc2 (its file is not in the assessed repository).'),
  collector: z.string().optional(),
  params: z.unknown().optional(),
  evidenceRequired: z.array(z.string()).optional(),
  counts: z.object({
    resources: z.number().int(),
    pass: z.number().int(),
    fail: z.number().int(),
    error: z.number().int(),
    excepted: z.number().int(),
    notApplicable: z.number().int(),
  }),
  findings: z.array(findingSchema),
  evidence: z.array(evidenceRefSchema),
});
export type ControlResult = z.infer<typeof controlResultSchema>;

export const criterionCoverageSchema = z.object({
  id: z.string(),
  series: z.string(),
  title: z.string(),
  controls: z.array(z.string()),
  status: z.enum(['pass', 'fail', 'error', 'manual', 'excepted', 'not_applicable', 'not_covered']),
});
export type CriterionCoverage = z.infer<typeof criterionCoverageSchema>;

export const resultsSchema = z.object({
  $schema: z.string().optional(),
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal('soc2'), version: z.string() }),
  run: z.object({
    id: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    reportType: z.enum(['type1', 'type2']),
    period: z.object({ start: z.string(), end: z.string() }),
    sample: z.boolean().describe('True when the run used the bundled sample estate (soc2 demo), not real systems.'),
    failOn: z.enum(SEVERITIES),
    config: z.object({ file: z.string().nullable(), sha256: z.string().nullable() }),
    scope: z.object({
      aws: z.object({ regions: z.array(z.string()), aggregator: z.string().optional() }).nullable(),
      github: z.object({ org: z.string(), apiUrl: z.string() }).nullable(),
      repo: z.object({ path: z.string() }),
      notInScope: z.array(z.string()).describe('Why whole evidence sources were left out.'),
    }),
  }),
  summary: z.object({
    total: z.number().int(),
    pass: z.number().int(),
    fail: z.number().int(),
    error: z.number().int(),
    excepted: z.number().int(),
    manual: z.number().int(),
    not_applicable: z.number().int(),
    exitCode: z.number().int(),
  }),
  criteria: z.array(criterionCoverageSchema),
  controls: z.array(controlResultSchema),
  history: historySummarySchema.optional()
    .describe('The run history over the review period (soc2 run --history): runs, share passing, failures and gaps per control. Absent when the run kept no history.'),
});
export type Results = z.infer<typeof resultsSchema>;
