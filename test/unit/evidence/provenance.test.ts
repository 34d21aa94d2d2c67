import { describe, expect, it } from 'vitest';
import { ciContext, learnProvenance } from '../../../src/evidence/provenance.js';
import type { AwsContext } from '../../../src/collectors/aws/client.js';
import type { GitHubContext } from '../../../src/collectors/github/client.js';
import { CollectorError } from '../../../src/errors.js';
import { source as awsSource } from '../../../src/collectors/aws/source.js';
import { source as githubSource } from '../../../src/collectors/github/source.js';

/** The run's sources as the engine passes them: each with its context, undefined when not in scope. */
function sources(aws: Promise<AwsContext> | undefined, github: Promise<GitHubContext> | undefined) {
  return [{ source: awsSource, ctx: aws?.then((a) => ({ aws: a })) }, { source: githubSource, ctx: github?.then((g) => ({ github: g })) }];
}

const actions = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/platform',
  GITHUB_WORKFLOW: 'SOC 2 evidence',
  GITHUB_RUN_ID: '987654321',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_SHA: '4f9c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e',
  GITHUB_REF: 'refs/heads/main',
};

describe('evidence/provenance: the CI job', () => {
  it('reads GitHub Actions variables, with the run URL of this attempt', () => {
    expect(ciContext(actions)).toEqual({
      system: 'github-actions',
      repository: 'acme/platform',
      workflow: 'SOC 2 evidence',
      runId: '987654321 (attempt 2)',
      runUrl: 'https://github.com/acme/platform/actions/runs/987654321/attempts/2',
      commit: '4f9c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e',
      ref: 'refs/heads/main',
    });
  });

  it('reads GitLab CI variables', () => {
    expect(ciContext({ GITLAB_CI: 'true', CI_PROJECT_PATH: 'acme/platform', CI_JOB_NAME: 'soc2', CI_PIPELINE_ID: '77', CI_JOB_ID: '1234', CI_JOB_URL: 'https://gitlab.example.com/acme/platform/-/jobs/1234', CI_COMMIT_SHA: 'abc123', CI_COMMIT_REF_NAME: 'main' })).toEqual({
      system: 'gitlab-ci',
      repository: 'acme/platform',
      workflow: 'soc2',
      runId: 'pipeline 77, job 1234',
      runUrl: 'https://gitlab.example.com/acme/platform/-/jobs/1234',
      commit: 'abc123',
      ref: 'main',
    });
  });

  it('says null for a variable that is not set, never a guess, and builds no URL from a server that is not http(s)', () => {
    const ci = ciContext({ GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'javascript:alert(1)', GITHUB_REPOSITORY: 'acme/platform', GITHUB_RUN_ID: '1' });
    expect(ci).toEqual({ system: 'github-actions', repository: 'acme/platform', workflow: null, runId: '1', runUrl: null, commit: null, ref: null });
  });

  it('is null outside CI, and a CI variable cannot smuggle a token into the report', () => {
    expect(ciContext({})).toBeNull();
    expect(ciContext({ GITHUB_ACTIONS: 'false', CI: 'true' })).toBeNull();
    const token = 'ghp' + '_' + 'a'.repeat(36);
    expect(JSON.stringify(ciContext({ ...actions, GITHUB_WORKFLOW: `deploy ${token}` }))).not.toContain(token);
  });
});

describe('evidence/provenance: the identities', () => {
  it('records an identity that could not be learned as unknown with the reason, and never throws', async () => {
    const aws = Promise.reject(new CollectorError('No AWS credentials found.', 'credentials', 'Sign in.'));
    const github = Promise.reject(new Error('Could not reach GitHub at https://api.github.com: ECONNRESET'));
    const p = await learnProvenance({ sources: sources(aws, github), env: {} });
    expect(p.aws).toEqual({ state: 'unknown', reason: 'the AWS client could not be set up: No AWS credentials found.' });
    expect(p.github).toEqual({ state: 'unknown', tokenKind: 'unknown', reason: 'the GitHub client could not be set up: Could not reach GitHub at https://api.github.com: ECONNRESET' });
    expect(p.ci).toBeNull();
  });

  it('says not in scope for a source the run does not read, and keeps STS\'s reason when it fails', async () => {
    const aws = Promise.resolve({ callerIdentity: () => Promise.reject(new Error('STS GetCallerIdentity in us-east-1 failed: timed out')) } as unknown as AwsContext);
    const p = await learnProvenance({ sources: sources(aws, undefined), env: {} });
    expect(p.aws).toEqual({ state: 'unknown', reason: 'STS GetCallerIdentity in us-east-1 failed: timed out' });
    expect(p.github).toEqual({ state: 'not-in-scope' });
    expect(p.calls).toEqual([]);
  });

  it('keeps the calls that learned an identity', async () => {
    const call = { source: 'github-rest', operation: 'GET /user', params: {}, at: '2026-04-01T09:00:00.000Z', status: 200 };
    const github = Promise.resolve({ capabilities: { apiUrl: 'https://api.github.com' }, identity: { tokenKind: 'fine-grained', login: 'bob-nw', calls: [call] } } as unknown as GitHubContext);
    const p = await learnProvenance({ sources: sources(undefined, github), env: {} });
    expect(p.github).toEqual({ state: 'known', login: 'bob-nw', tokenKind: 'fine-grained', apiUrl: 'https://api.github.com' });
    expect(p.calls).toEqual([call]);
  });
});
