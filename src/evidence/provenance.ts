/**
 * Who ran the assessment, for results.json and every report: the AWS identity the credentials
 * belong to (STS GetCallerIdentity), the GitHub login and kind of token, and the CI job the run
 * was part of. Learning an identity never stops a run: what could not be learned is recorded as
 * unknown with the reason, because provenance describes the run, it is not evidence a control
 * is decided on.
 */
import type { AnySource, ApiCall } from '../collectors/types.js';
import type { Provenance } from '../results.js';
import { redactString } from './redact.js';

export interface ProvenanceInput {
  /**
   * The run's sources, each with its context; a context is undefined when its source is not in
   * scope (no section, or none of its controls planned). Sources that record no identity are skipped.
   */
  sources: ReadonlyArray<{ source: AnySource; ctx: Promise<object> | undefined }>;
  env: NodeJS.ProcessEnv;
}

export async function learnProvenance(input: ProvenanceInput): Promise<Provenance> {
  const calls: ApiCall[] = [];
  const identities: Record<string, unknown> = {};
  const learned = await Promise.all(input.sources.map(async ({ source, ctx }) => (source.provenance ? [source.id, await source.provenance(ctx)] as const : undefined)));
  for (const entry of learned) {
    if (!entry) continue;
    identities[entry[0]] = entry[1].identity;
    calls.push(...entry[1].calls);
  }
  // Each source's entry has the shape results.ts declares for it; the sources own what goes in it.
  return { ...identities, ci: ciContext(input.env), calls } as Provenance;
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
