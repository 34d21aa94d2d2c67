/**
 * soc2.config.yaml: the run's scope and review period. Every key has a default; an unknown key is
 * an error that names it (strict objects all the way down).
 */
import { z } from 'zod';
import { SEVERITIES } from '../controls/schema.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date written YYYY-MM-DD');

export const awsSettingsSchema = z.strictObject({
  regions: z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'expected an AWS region such as us-east-1')).min(1).optional()
    .describe('Regions to read. Default: the SDK\'s region (AWS_REGION or the profile\'s region).'),
  aggregator: z.string().min(1).optional()
    .describe('AWS Config aggregator name: read every account and region it covers through the aggregate APIs.'),
  profile: z.string().min(1).optional().describe('Named profile from ~/.aws/config (default: the SDK\'s credential chain).'),
  maxEvaluationAgeHours: z.number().int().positive().default(48)
    .describe('A rule evaluation older than this is stale: the control ends in error rather than trusting it.'),
  maxAttempts: z.number().int().min(1).max(20).default(8).describe('Attempts per AWS request, including the first (adaptive retry).'),
});
export type AwsSettings = z.infer<typeof awsSettingsSchema>;

/**
 * Variables a configuration file may name as holding the GitHub token. A file from a pull request
 * must not be able to pick another credential (AWS_SECRET_ACCESS_KEY…) and send it to GitHub.
 */
export const TOKEN_ENV_NAME = /^(?:GITHUB|GH|SOC2)_[A-Z0-9_]+$/;

export const githubSettingsSchema = z.strictObject({
  org: z.string().min(1).describe('GitHub organisation login.'),
  apiUrl: z.string().url().optional().describe('API base URL for GitHub Enterprise Server (default: GITHUB_API_URL or https://api.github.com). Any other URL than https://api.github.com is used only when GITHUB_API_URL or --github-api-url gives the same URL: this file alone never sends the token to a new host. Plain http:// only for loopback.'),
  tokenEnv: z.string().regex(TOKEN_ENV_NAME, 'must name an environment variable starting with GITHUB_, GH_ or SOC2_ (a configuration file may not choose another credential to send to GitHub)').optional()
    .describe('Name of an environment variable holding the token, starting with GITHUB_, GH_ or SOC2_ (default: GITHUB_TOKEN, then GH_TOKEN). Tokens never go in this file.'),
  repos: z.strictObject({
    include: z.array(z.string()).default(['*']),
    exclude: z.array(z.string()).default([]),
  }).default({ include: ['*'], exclude: [] }),
  includeForks: z.boolean().default(false),
  cacheDir: z.string().default('.soc2-cache/github').describe('Where ETags and cached responses are kept between runs (directory 0700, files 0600; every entry carries a MAC keyed from the token).'),
  cacheMaxMegabytes: z.number().min(0).default(100).describe('Size budget of the ETag cache; the least recently used entries are pruned beyond it. 0 turns the cache off.'),
});
export type GitHubSettings = z.infer<typeof githubSettingsSchema>;

export const configSchema = z.strictObject({
  period: z.strictObject({ start: isoDate, end: isoDate }).optional()
    .describe('Review period, inclusive. Default: the 90 days before today.'),
  aws: awsSettingsSchema.optional(),
  github: githubSettingsSchema.optional(),
  repo: z.strictObject({
    path: z.string().default('.').describe('The local checkout the repo.* controls read.'),
  }).default({ path: '.' }),
  controls: z.strictObject({
    paths: z.array(z.string()).min(1).default(['builtin']).describe('Directories or files of control YAML; "builtin" is the library shipped with soc2.'),
    exclude: z.array(z.string()).default([])
      .describe('Control ids to leave out. When one of your files has the id of a built-in control, excluding that id leaves out the built-in one and your file replaces it.'),
    params: z.record(z.string(), z.record(z.string(), z.unknown())).optional()
      .describe('Change a control\'s collector parameters without copying it: control id → parameters. Each parameter given replaces the control\'s own value for that key (keys not given keep theirs); the result is checked against the collector\'s parameter schema. results.json records every change.'),
    severity: z.record(z.string(), z.enum(SEVERITIES)).optional()
      .describe('Change a control\'s severity without copying it: control id → critical | high | medium | low. results.json records every change.'),
  }).default({ paths: ['builtin'], exclude: [] }),
  exceptions: z.string().optional().describe('YAML file of approved exceptions (waivers).'),
  attestations: z.string().optional().describe('YAML file of manual evidence: per manual control, who attests which evidenceRequired items, when, until when, with which files (copied into the report) or links.'),
  concurrency: z.number().int().min(1).max(64).default(8),
  timeoutSeconds: z.number().int().min(1).default(300).describe('Time limit for one collector call.'),
});
export type Config = z.infer<typeof configSchema>;
