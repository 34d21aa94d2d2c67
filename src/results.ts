/**
 * results.json: the canonical output every report renderer reads. The JSON Schema shipped in
 * schemas/results.schema.json is generated from these zod schemas and kept in sync by a test;
 * every test run validates the results it produces against that file.
 */
import { z } from 'zod';
import { FREQUENCIES, SEVERITIES } from './controls/schema.js';
import { historySummarySchema } from './history/summary.js';

/**
 * 2.0.0: passing findings are counted (`counts.pass`), not listed; evidence references are held
 * once, in the top-level `evidence` array, and each control names its evidence files. 1.0.0 files
 * (every finding listed, evidence references copied into each control) are still read.
 */
export const SCHEMA_VERSION = '2.0.0';
export const LEGACY_SCHEMA_VERSION = '1.0.0';

/**
 * `attested` is a manual control whose every required record a person attested to (and the
 * attestation has not expired): it is never an automated `pass`, and it does not change the exit code.
 */
export const CONTROL_STATUSES = ['pass', 'fail', 'error', 'excepted', 'manual', 'attested', 'not_applicable'] as const;
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

export type ApiCallRecord = z.infer<typeof apiCallSchema>;

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

/** Entries of a finding's lists kept in results.json; the evidence file keeps them all. */
export const MAX_OCCURRENCES = 1000;

export const locationSchema = z.object({
  file: z.string().describe('Path of the file, relative to the repository checkout, "/"-separated.'),
  line: z.number().int().min(1).optional().describe('Line, counted from 1; absent when the whole file is meant.'),
  column: z.number().int().min(1).optional().describe('Column, counted from 1.'),
});
export type Location = z.infer<typeof locationSchema>;

export const occurrenceSchema = z.object({
  field: z.string().describe('What is listed: the label of the resource field the entry comes from, e.g. "third-party actions not pinned to a full commit SHA".'),
  text: z.string().describe('The entry: its summary, name or value.'),
  location: locationSchema.optional(),
});
export type Occurrence = z.infer<typeof occurrenceSchema>;

export const findingSchema = z.object({
  resource: z.string().describe('owner/repo, an org login, an AWS resource id, or a file path.'),
  resourceType: z.string().optional(),
  region: z.string().optional(),
  account: z.string().optional(),
  status: z.enum(FINDING_STATUSES),
  message: z.string().describe('A sentence naming the resource, what was found and what is required.'),
  evidence: z.string().optional().describe('The evidence file this finding was decided from.'),
  exception: z.string().optional().describe('Justification of the exception that covers this finding.'),
  location: locationSchema.optional()
    .describe('The file in the repository checkout that decides this finding (the CODEOWNERS file in effect, the workflow file), and the line when one line does.'),
  occurrences: z.array(occurrenceSchema).optional()
    .describe(`For a failing resource: each entry of the lists that made it fail (every secret, unpinned action or invalid line), with where it is; the message names only the first few. At most ${MAX_OCCURRENCES}; occurrenceCount gives the number when there were more.`),
  occurrenceCount: z.number().int().optional().describe('How many entries there were when more than `occurrences` holds; the evidence file lists them.'),
  entriesOnly: z.literal(true).optional()
    .describe('The resource fails only because lists that must be empty are not: each occurrence is a deviation of its own, and nothing else about the resource fails.'),
});
export type Finding = z.infer<typeof findingSchema>;

const manualEvidenceItemSchema = z.union([
  z.object({ kind: z.literal('file'), file: z.string().describe('The copy in the bundle, under evidence/manual/.'), source: z.string().describe('The file as the attestations file names it.'), sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int() }),
  z.object({ kind: z.literal('link'), url: z.string() }),
]);
export type ManualEvidenceItem = z.infer<typeof manualEvidenceItemSchema>;

export const manualAttestationSchema = z.object({
  at: z.string().describe('Where the entry is written (file:line).'),
  attestedBy: z.string(),
  attestedOn: z.string().describe('YYYY-MM-DD'),
  validUntil: z.string().describe('YYYY-MM-DD, inclusive.'),
  expired: z.boolean().describe('validUntil is before the day of the run.'),
  covers: z.array(z.number().int().positive()).describe('1-based numbers of the evidenceRequired items this attestation covers.'),
  evidence: z.array(manualEvidenceItemSchema),
  note: z.string().optional(),
});
export type ManualAttestation = z.infer<typeof manualAttestationSchema>;

export const manualRequirementSchema = z.object({
  item: z.string().describe('The evidenceRequired text.'),
  state: z.enum(['covered', 'expired', 'missing']).describe('covered: an attestation in force covers it; expired: only expired ones do; missing: none does.'),
  attestations: z.array(z.number().int()).describe('Indexes into manualEvidence.attestations of the attestations that cover it.'),
});

export const manualEvidenceSchema = z.object({
  requirements: z.array(manualRequirementSchema),
  attestations: z.array(manualAttestationSchema),
});
export type ManualEvidence = z.infer<typeof manualEvidenceSchema>;

const controlFields = {
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
  params: z.unknown().optional().describe('The collector parameters the control ran with, after the configuration\'s overrides and the collector\'s defaults.'),
  overrides: z.object({
    params: z.record(z.string(), z.object({ defined: z.unknown(), configured: z.unknown() })).optional(),
    severity: z.object({ defined: z.enum(SEVERITIES), configured: z.enum(SEVERITIES) }).optional(),
  }).optional()
    .describe('What the configuration (controls.params, controls.severity) changed in the control\'s definition: each value as the control file defines it (after the collector\'s defaults) and as configured. Absent when the control ran as defined.'),
  evidenceRequired: z.array(z.string()).optional(),
  manualEvidence: manualEvidenceSchema.optional().describe('For a manual control: what people attested (attestations file) and which required records that covers.'),
  counts: z.object({
    resources: z.number().int(),
    pass: z.number().int(),
    fail: z.number().int(),
    error: z.number().int(),
    excepted: z.number().int(),
    notApplicable: z.number().int(),
  }),
  whenEmpty: z.enum(['not_applicable', 'fail', 'error']).optional()
    .describe('In a shard (soc2 run --shard): what an empty population means for this control, so soc2 merge can decide the joined population by the same rule. Absent otherwise.'),
};

/**
 * A control as results.json 2.0.0 holds it: the findings that need attention listed, passing ones
 * counted, and its evidence named by file (the run's `evidence` array describes each file once).
 */
export const controlRecordSchema = z.object({
  ...controlFields,
  findings: z.array(findingSchema)
    .describe('Every finding that is not a pass (fail, error, excepted, not_applicable), in full. Passing resources are counted in counts.pass and listed in the evidence files.'),
  evidence: z.array(z.string())
    .describe("The evidence files this control was decided from (each the `file` of an entry of the run's top-level `evidence`); they list every resource, passing ones included."),
});
export type ControlRecord = z.infer<typeof controlRecordSchema>;

/**
 * A control as results.json 1.0.0 held it (every finding, its evidence references in full), which
 * is also the control in memory: the engine's result, checked against this by the control tests.
 */
export const controlResultSchema = z.object({
  ...controlFields,
  findings: z.array(findingSchema),
  evidence: z.array(evidenceRefSchema),
});

/**
 * A control in memory, as the engine makes it and the renderers read it: evidence references
 * resolved. `findings` may still hold passing findings (the engine's, or a 1.0.0 file's); the
 * reports list only the others and count passes from `counts.pass`.
 */
export type ControlResult = z.infer<typeof controlResultSchema>;

export const criterionCoverageSchema = z.object({
  id: z.string(),
  series: z.string(),
  title: z.string(),
  controls: z.array(z.string()),
  status: z.enum(['pass', 'fail', 'error', 'manual', 'attested', 'excepted', 'not_applicable', 'not_covered']),
});
export type CriterionCoverage = z.infer<typeof criterionCoverageSchema>;

const notInScope = z.object({ state: z.literal('not-in-scope') });
const unknownIdentity = z.object({ state: z.literal('unknown'), reason: z.string().describe('Why the identity could not be learned.') });

export const TOKEN_KINDS = ['classic', 'fine-grained', 'app-installation', 'app-user', 'unknown'] as const;

const githubAppSchema = z.object({
  id: z.number().int().describe('The GitHub App ID (GITHUB_APP_ID).'),
  slug: z.string().nullable().describe("The app's slug (GET /app); null when GitHub did not name it."),
  installationId: z.number().int().describe('The installation whose tokens the run used.'),
}).optional().describe('Present when the run authenticated as a GitHub App installation.');

export const provenanceSchema = z.object({
  aws: z.union([
    z.object({ state: z.literal('known'), account: z.string(), arn: z.string(), requestId: z.string().optional() }),
    unknownIdentity,
    notInScope,
  ]).describe('Who the AWS credentials belong to (STS GetCallerIdentity).'),
  github: z.union([
    z.object({ state: z.literal('known'), login: z.string(), tokenKind: z.enum(TOKEN_KINDS), apiUrl: z.string(), app: githubAppSchema }),
    unknownIdentity.extend({ tokenKind: z.enum(TOKEN_KINDS), apiUrl: z.string().optional(), app: githubAppSchema }),
    notInScope,
  ]).describe('Who the GitHub token acts as (GET /user) and what kind of token it is.'),
  ci: z.object({
    system: z.enum(['github-actions', 'gitlab-ci']),
    repository: z.string().nullable(),
    workflow: z.string().nullable(),
    runId: z.string().nullable(),
    runUrl: z.string().nullable(),
    commit: z.string().nullable(),
    ref: z.string().nullable(),
  }).nullable().describe('The CI job the run was part of, from the CI system\'s variables; null outside CI. A null field: the variable was not set.'),
  calls: z.array(apiCallSchema).describe('The requests made to learn the identities.'),
});
export type Provenance = z.infer<typeof provenanceSchema>;

export const runAttestationSchema = z.object({
  file: z.string().describe('The DSSE envelope of the in-toto statement, beside results.json.'),
  signature: z.union([
    z.object({ state: z.literal('signed'), keyid: z.string().describe('SHA-256 of the signing public key (SPKI DER).') }),
    z.object({ state: z.literal('unsigned') }),
  ]),
  previousStatement: z.object({ sha256: z.string() }).nullable().describe('The statement of the report this run replaced at --out, when there was one.'),
});
export type RunAttestation = z.infer<typeof runAttestationSchema>;

export const shardSchema = z.object({
  index: z.number().int().min(1),
  count: z.number().int().min(1),
  assignment: z.string().describe('How repositories and regions are assigned to shards (sha256-mod-n: SHA-256 of the lower-cased name, mod count).'),
});
export type ShardInfo = z.infer<typeof shardSchema>;

export const mergedFromSchema = z.object({
  assignment: z.string(),
  parts: z.array(z.object({
    shard: z.number().int().min(1),
    runId: z.string(),
    statementSha256: z.string().describe('SHA-256 of the part\'s in-toto statement, verified before merging.'),
    signature: z.union([z.object({ state: z.literal('verified'), keyid: z.string() }), z.object({ state: z.enum(['not-checked', 'unsigned']) })]),
  })),
});
export type MergedFrom = z.infer<typeof mergedFromSchema>;

export const dataHandlingSchema = z.object({
  endpoints: z.array(z.object({
    source: z.string().describe("'aws-config', 'aws-sts', 'github-rest', 'github-graphql', 'local'."),
    host: z.string().describe('Host name the requests went to; for local reads, the checkout.'),
    requests: z.number().int(),
    operations: z.array(z.object({ operation: z.string(), requests: z.number().int() })),
  })),
  fieldsKept: z.array(z.object({ collector: z.string(), fields: z.array(z.string()) })).describe('Per collector, the fields each evidence file keeps about a resource.'),
  redacted: z.number().int().describe('Secret-shaped values replaced by [REDACTED…] in the evidence.'),
  minimised: z.object({
    identities: z.number().int().describe('Distinct e-mail addresses, logins, names and IAM user names replaced.'),
    replacements: z.number().int(),
    kinds: z.array(z.string()),
  }).nullable().describe('--minimize-pii: what was replaced by keyed hashes; null when the run did not minimise.'),
  manualFiles: z.number().int().describe('Files copied from the attestations file into evidence/manual/.'),
});
export type DataHandling = z.infer<typeof dataHandlingSchema>;

const runFields = {
  $schema: z.string().optional(),
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
    provenance: provenanceSchema.optional().describe('Who ran it: the AWS and GitHub identities and the CI job. Absent in results written before soc2 recorded it.'),
    attestation: runAttestationSchema.optional().describe('The attestation written beside results.json, and whether it is signed.'),
    shard: shardSchema.optional()
      .describe('soc2 run --shard i/n: this run is part `index` of `count`; soc2 merge joins the parts. Absent for a whole run.'),
    merged: mergedFromSchema.optional()
      .describe('soc2 merge: the shard runs this run was joined from, each with its statement digest. Absent for a run made in one piece.'),
  }),
  summary: z.object({
    total: z.number().int(),
    pass: z.number().int(),
    fail: z.number().int(),
    error: z.number().int(),
    excepted: z.number().int(),
    manual: z.number().int(),
    attested: z.number().int().default(0),
    not_applicable: z.number().int(),
    exitCode: z.number().int(),
  }),
  criteria: z.array(criterionCoverageSchema),
  history: historySummarySchema.optional()
    .describe('The run history over the review period (soc2 run --history): runs, share passing, failures and gaps per control. Absent when the run kept no history.'),
  dataHandling: dataHandlingSchema.optional().describe('What the run read, what it kept, what it redacted or minimised. Absent in results written before soc2 recorded it.'),
};

/** results.json as written (2.0.0). `schemas/results.schema.json` is generated from this. */
export const resultsSchema = z.object({
  $schema: runFields.$schema,
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: runFields.tool,
  run: runFields.run,
  summary: runFields.summary,
  criteria: runFields.criteria,
  controls: z.array(controlRecordSchema),
  evidence: z.array(evidenceRefSchema).describe('Every evidence file of the run once, sorted by file: its hash, collector, parameters, API requests and gaps. Controls refer to these by file.'),
  history: runFields.history,
  dataHandling: runFields.dataHandling,
}).superRefine((doc, ctx) => {
  const files = new Set(doc.evidence.map((e) => e.file));
  doc.controls.forEach((c, i) => c.evidence.forEach((file, j) => {
    if (!files.has(file)) ctx.addIssue({ code: 'custom', path: ['controls', i, 'evidence', j], message: `names evidence file ${JSON.stringify(file)}, which the top-level evidence list does not hold` });
  }));
});
export type ResultsFile = z.infer<typeof resultsSchema>;

/** results.json 1.0.0, kept so `soc2 report` re-renders files written before 2.0.0. */
const legacyResultsSchema = z.object({ ...runFields, schemaVersion: z.literal(LEGACY_SCHEMA_VERSION), controls: z.array(controlResultSchema) });

/** A run in memory: what the engine returns and every renderer reads (`schemaVersion` is the source file's). */
export type Results = Omit<z.infer<typeof legacyResultsSchema>, 'schemaVersion'> & { schemaVersion: string };

export type ParsedResults = { success: true; data: Results } | { success: false; error: z.ZodError };

/**
 * Reads a results.json of this or the previous schema version into the in-memory model: 2.0.0
 * evidence references are resolved into each control (shared objects, not copies); a 1.0.0 file
 * already has that shape. The version decides which schema applies, so the first issue reported
 * for a broken file is about the version it claims.
 */
export function parseResults(value: unknown): ParsedResults {
  const version = typeof value === 'object' && value !== null ? (value as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (version === LEGACY_SCHEMA_VERSION) {
    const legacy = legacyResultsSchema.safeParse(value);
    return legacy.success ? { success: true, data: legacy.data } : { success: false, error: legacy.error };
  }
  const parsed = resultsSchema.safeParse(value);
  if (!parsed.success) return { success: false, error: parsed.error };
  const byFile = new Map(parsed.data.evidence.map((e) => [e.file, e]));
  const { evidence: _hoisted, controls, ...rest } = parsed.data;
  return {
    success: true,
    data: { ...rest, controls: controls.map((c) => ({ ...c, evidence: c.evidence.map((file) => byFile.get(file)!) })) },
  };
}

/** parseResults for callers that trust the input (tests, fixtures): throws the zod error. */
export function readResults(value: unknown): Results {
  const parsed = parseResults(value);
  if (!parsed.success) throw parsed.error;
  return parsed.data;
}

/**
 * The in-memory run as results.json 2.0.0 holds it: passing findings dropped (counts.pass has
 * them, the evidence lists them), each evidence reference once at the top, controls naming files.
 * A file two controls share is described once; the first reference seen for it is kept.
 */
export function toResultsFile(results: Results): ResultsFile {
  const evidence = new Map<string, EvidenceRef>();
  for (const c of results.controls) for (const e of c.evidence) if (!evidence.has(e.file)) evidence.set(e.file, e);
  const { controls, schemaVersion: _read, history, dataHandling, ...rest } = results;
  return {
    ...rest,
    schemaVersion: SCHEMA_VERSION,
    controls: controls.map((c) => ({
      ...c,
      findings: c.findings.filter((f) => f.status !== 'pass'),
      evidence: [...new Set(c.evidence.map((e) => e.file))].sort(compareCodeUnits),
    })),
    evidence: [...evidence.values()].sort((a, b) => compareCodeUnits(a.file, b.file)),
    ...(history ? { history } : {}),
    ...(dataHandling ? { dataHandling } : {}),
  };
}

/** Code-unit order: the same on every machine, whatever its locale. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
