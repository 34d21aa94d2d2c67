/**
 * Who ran the assessment, for results.json and every report: the AWS identity the credentials
 * belong to (STS GetCallerIdentity), the GitHub login and kind of token, and the CI job the run
 * was part of. Learning an identity never stops a run: what could not be learned is recorded as
 * unknown with the reason, because provenance describes the run, it is not evidence a control
 * is decided on.
 */
import type { AwsContext, GitHubContext, ApiCall } from '../collectors/types.js';
import type { Provenance } from '../results.js';
import { redactString } from './redact.js';

export interface ProvenanceInput {
  /** The run's AWS context; undefined when AWS is not in scope (no section, or no AWS control planned). */
  aws: Promise<AwsContext> | undefined;
  github: Promise<GitHubContext> | undefined;
  env: NodeJS.ProcessEnv;
}

export async function learnProvenance(input: ProvenanceInput): Promise<Provenance> {
  const calls: ApiCall[] = [];
  const [aws, github] = await Promise.all([awsIdentity(input.aws, calls), githubIdentity(input.github, calls)]);
  return { aws, github, ci: ciContext(input.env), calls };
}

async function awsIdentity(ctx: Promise<AwsContext> | undefined, calls: ApiCall[]): Promise<Provenance['aws']> {
  if (!ctx) return { state: 'not-in-scope' };
  let aws: AwsContext;
  try {
    aws = await ctx;
  } catch (e) {
    return { state: 'unknown', reason: `the AWS client could not be set up: ${messageOf(e)}` };
  }
  if (!aws.callerIdentity) return { state: 'unknown', reason: 'this AWS context cannot ask STS who it is' };
  try {
    const id = await aws.callerIdentity();
    calls.push(id.call);
    return { state: 'known', account: id.account, arn: id.arn, ...(id.call.requestId ? { requestId: id.call.requestId } : {}) };
  } catch (e) {
    return { state: 'unknown', reason: messageOf(e) };
  }
}

async function githubIdentity(ctx: Promise<GitHubContext> | undefined, calls: ApiCall[]): Promise<Provenance['github']> {
  if (!ctx) return { state: 'not-in-scope' };
  let gh: GitHubContext;
  try {
    gh = await ctx;
  } catch (e) {
    return { state: 'unknown', tokenKind: 'unknown', reason: `the GitHub client could not be set up: ${messageOf(e)}` };
  }
  const apiUrl = gh.capabilities.apiUrl;
  const id = gh.identity;
  if (!id) return { state: 'unknown', tokenKind: 'unknown', apiUrl, reason: 'the token was not asked who it acts as' };
  calls.push(...id.calls);
  const app = id.app ? { app: { id: id.app.id, slug: id.app.slug, installationId: id.app.installationId } } : {};
  if (id.login === null) return { state: 'unknown', tokenKind: id.tokenKind, apiUrl, reason: redactString(id.reason ?? 'GitHub did not say'), ...app };
  return { state: 'known', login: id.login, tokenKind: id.tokenKind, apiUrl, ...app };
}

function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return redactString(text.replace(/\s+/g, ' ').trim());
}

/**
 * The CI job, from the variables the CI system sets for every job: GitHub Actions
 * (docs.github.com, "Variables reference": GITHUB_ACTIONS, GITHUB_REPOSITORY, GITHUB_WORKFLOW,
 * GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_SERVER_URL, GITHUB_SHA, GITHUB_REF) and GitLab CI
 * (docs.gitlab.com, "Predefined CI/CD variables": GITLAB_CI, CI_PROJECT_PATH, CI_JOB_NAME,
 * CI_PIPELINE_ID, CI_JOB_ID, CI_JOB_URL, CI_COMMIT_SHA, CI_COMMIT_REF_NAME). Null outside CI; a
 * variable that is not set is null, never guessed.
 */
export function ciContext(env: NodeJS.ProcessEnv): Provenance['ci'] {
  const v = (name: string): string | null => {
    const value = env[name]?.trim();
    return value ? redactString(value) : null;
  };
  if (env.GITHUB_ACTIONS === 'true') {
    const server = v('GITHUB_SERVER_URL');
    const repository = v('GITHUB_REPOSITORY');
    const runId = v('GITHUB_RUN_ID');
    const attempt = v('GITHUB_RUN_ATTEMPT');
    const runUrl = server && /^https?:\/\/[^\s/]+$/.test(server.replace(/\/+$/, '')) && repository && runId
      ? `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`
      : null;
    return { system: 'github-actions', repository, workflow: v('GITHUB_WORKFLOW'), runId: runId && attempt ? `${runId} (attempt ${attempt})` : runId, runUrl, commit: v('GITHUB_SHA'), ref: v('GITHUB_REF') };
  }
  if (env.GITLAB_CI === 'true') {
    const pipeline = v('CI_PIPELINE_ID');
    const job = v('CI_JOB_ID');
    const url = v('CI_JOB_URL') ?? v('CI_PIPELINE_URL');
    return {
      system: 'gitlab-ci',
      repository: v('CI_PROJECT_PATH'),
      workflow: v('CI_JOB_NAME'),
      runId: pipeline && job ? `pipeline ${pipeline}, job ${job}` : pipeline ?? (job ? `job ${job}` : null),
      runUrl: url && /^https?:\/\//.test(url) ? url : null,
      commit: v('CI_COMMIT_SHA'),
      ref: v('CI_COMMIT_REF_NAME'),
    };
  }
  return null;
}
