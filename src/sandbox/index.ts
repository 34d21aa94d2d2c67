/**
 * The bundled sample estate, started as one unit for `soc2 demo` and the end-to-end tests:
 * fake AWS Config and GitHub servers on 127.0.0.1 and a sample checkout on disk, plus the
 * environment that points the real AWS SDK and Octokit clients at them.
 */
import { join } from 'node:path';
import { startFakeAwsConfig } from './aws-config-server.js';
import { demoAwsEstate } from './estate/aws.js';
import { startFakeGitHub } from './github-server.js';
import { demoGitHubEstate } from './estate/github.js';
import { writeSampleRepo } from './estate/sample-repo.js';

export interface Sandbox {
  aws: { url: string; regions: string[] };
  github: { url: string; org: string };
  repoDir: string;
  period: { start: string; end: string };
  /** Environment for the real clients: endpoints, and throwaway credentials the fakes accept. */
  env: Record<string, string>;
  /** The estate's clock: its data is dated relative to this instant. */
  now(): Date;
  close(): Promise<void>;
}

export async function startSandbox(opts: { dir: string; latencyMs?: number }): Promise<Sandbox> {
  const awsEstate = demoAwsEstate();
  const githubEstate = demoGitHubEstate();
  const [aws, github] = await Promise.all([
    startFakeAwsConfig(awsEstate, { latencyMs: opts.latencyMs }),
    startFakeGitHub(githubEstate, { latencyMs: opts.latencyMs }),
  ]);
  const repoDir = join(opts.dir, 'data-api');
  try {
    // With git, findings name the repository as GitHub does (northwind-analytics/data-api).
    await writeSampleRepo(repoDir, { git: true });
  } catch {
    // No git on this machine: the files are written; the checkout is read as a plain directory.
  }
  return {
    aws: { url: aws.url, regions: awsEstate.regions },
    github: { url: github.url, org: githubEstate.org },
    repoDir,
    period: githubEstate.period,
    env: {
      AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.url,
      AWS_ENDPOINT_URL_STS: aws.url,
      AWS_ACCESS_KEY_ID: awsEstate.demoCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: awsEstate.demoCredentials.secretAccessKey,
      AWS_REGION: awsEstate.regions[0]!,
      AWS_EC2_METADATA_DISABLED: 'true',
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: githubEstate.demoToken,
    },
    now: () => new Date(githubEstate.now),
    close: async () => {
      await Promise.all([aws.close(), github.close()]);
    },
  };
}
