/**
 * The sample checkout of the demo estate: `northwind-analytics/data-api`, the Northwind Analytics
 * ingestion API, written to disk for the repo.* collectors. It mixes good practice (a security
 * policy with a contact, Dependabot, a least-privilege CodeQL workflow, workspace lockfiles) with
 * seeded problems that the REPO-* controls must catch:
 *  - ci.yml uses an action pinned only to a tag (REPO-004);
 *  - release.yml grants `permissions: write-all` (REPO-005);
 *  - preview.yml runs on pull_request_target, declares no permissions, and checks out the pull
 *    request head (REPO-005, REPO-006);
 *  - config/production.yaml holds an AWS access key id and deploy/keys/etl-deploy.pem a private
 *    key block (REPO-008), while a fake token in a test fixture and AWS's documented example key
 *    in docs/ are not findings (excluded by default, and an example value);
 *  - tools/loadtest/package.json has dependencies but no lockfile (REPO-007);
 *  - .github/CODEOWNERS has one line whose owner lacks the leading @ (REPO-001).
 * Every fake credential is assembled at run time from pieces, so this source file contains nothing
 * a secret scanner (ours, or GitHub push protection) would flag, yet the written files do.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

export const SAMPLE_REPO = 'northwind-analytics/data-api';

/** Deterministic characters from a small LCG: stable output for snapshots, nothing real. */
export function chars(length: number, seed: number, alphabet: string): string {
  let s = seed >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out += alphabet[s % alphabet.length];
  }
  return out;
}
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const HEX = '0123456789abcdef';

/** A fake AWS access key id: the AKIA prefix, NWND, and twelve deterministic characters. */
export function sampleAwsKeyId(): string {
  return ['AK', 'IA'].join('') + 'NWND' + chars(12, 2024, UPPER_DIGITS);
}

/** A fake PEM block: the shape of an RSA private key, with random base64 that is not a key. */
export function samplePrivateKey(): string {
  const dashes = '-'.repeat(5);
  const label = ['RSA', 'PRIVATE', 'KEY'].join(' ');
  const body = Array.from({ length: 12 }, (_, i) => chars(64, 31 + i, BASE64));
  body.push(chars(24, 97, BASE64) + '==');
  return [`${dashes}BEGIN ${label}${dashes}`, ...body, `${dashes}END ${label}${dashes}`, ''].join('\n');
}

/** A plausible 40-hex commit id for an action pin (fictional, deterministic). */
function sha(seed: number): string {
  return chars(40, seed, HEX);
}

function files(): Record<string, string> {
  const checkout = `actions/checkout@${sha(1)} # v4.2.2`;
  const setupNodePinned = `actions/setup-node@${sha(2)} # v4.1.0`;
  return {
    'README.md': `# data-api

Northwind Analytics ingestion API: receives event batches from customer SDKs, validates them and
writes them to the warehouse staging bucket.

- \`packages/api\` — the HTTP service (Node 20, Fastify)
- \`packages/shared\` — schemas shared with the SDKs
- \`services/geo\` — the Go IP-to-region lookup sidecar
- \`tools/loadtest\` — load tests run before large customer onboardings

See [SECURITY.md](SECURITY.md) to report a vulnerability.
`,
    'SECURITY.md': `# Security policy

## Supported versions

Only the version deployed from \`main\` is supported.

## Reporting a vulnerability

Please do not open a public issue. Email security@northwind-analytics.example, or use
https://github.com/northwind-analytics/data-api/security/advisories/new to report privately.
We acknowledge reports within two business days and keep you informed until the fix ships.
`,
    '.github/CODEOWNERS': `# Code owners for northwind-analytics/data-api.
# The last matching rule wins, so the catch-all comes first.
*                       @northwind-analytics/platform
/packages/api/          @northwind-analytics/ingest @bob-nw
/services/geo/          @northwind-analytics/ingest
/infra/                 northwind-analytics/sre
/.github/workflows/     @northwind-analytics/platform @alice-nw
/docs/                  docs@northwind-analytics.example
`,
    '.github/dependabot.yml': `version: 2
updates:
  - package-ecosystem: npm
    directory: /
    schedule:
      interval: weekly
    groups:
      fastify:
        patterns: ["fastify", "@fastify/*"]
  - package-ecosystem: gomod
    directory: /services/geo
    schedule:
      interval: weekly
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: monthly
`,
    '.github/workflows/ci.yml': `name: CI

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: ${checkout}
      - name: Set up Node
        uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: npm test --workspaces
  geo:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: services/geo
    steps:
      - uses: ${checkout}
      - uses: actions/setup-go@${sha(3)} # v5.1.0
        with:
          go-version-file: services/geo/go.mod
      - run: go test ./...
`,
    '.github/workflows/release.yml': `name: Release

on:
  push:
    tags: ["v*"]

permissions: write-all

jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: ${checkout}
      - uses: ${setupNodePinned}
        with:
          node-version: 20
          registry-url: https://npm.pkg.github.com
      - run: npm ci
      - run: npm publish --workspace packages/shared
        env:
          NODE_AUTH_TOKEN: \${{ secrets.GITHUB_TOKEN }}
      - name: Create GitHub release
        run: gh release create "$GITHUB_REF_NAME" --generate-notes
        env:
          GH_TOKEN: \${{ github.token }}
`,
    '.github/workflows/preview.yml': `name: Preview environment

# Builds a preview of every pull request, including from forks, and comments the URL.
on:
  pull_request_target:
    types: [opened, synchronize, reopened]

jobs:
  preview:
    runs-on: ubuntu-latest
    steps:
      - name: Check out the pull request
        uses: ${checkout}
        with:
          ref: \${{ github.event.pull_request.head.sha }}
      - uses: ${setupNodePinned}
        with:
          node-version: 20
      - run: npm ci && npm run build --workspace packages/api
      - name: Deploy preview
        run: ./scripts/deploy-preview.sh "pr-\${{ github.event.number }}"
        env:
          PREVIEW_DEPLOY_TOKEN: \${{ secrets.PREVIEW_DEPLOY_TOKEN }}
`,
    '.github/workflows/codeql.yml': `name: CodeQL

on:
  push:
    branches: [main]
  pull_request:
  schedule:
    - cron: "17 3 * * 1"

permissions:
  contents: read

jobs:
  analyze:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write
    steps:
      - uses: ${checkout}
      - uses: github/codeql-action/init@${sha(4)} # v3.27.0
        with:
          languages: javascript-typescript, go
      - uses: github/codeql-action/analyze@${sha(4)} # v3.27.0
`,
    '.gitignore': `node_modules/
dist/
coverage/
.env
`,
    'package.json': `${JSON.stringify(
      {
        name: 'data-api',
        private: true,
        workspaces: ['packages/*'],
        scripts: { build: 'npm run build --workspaces', test: 'npm test --workspaces' },
        devDependencies: { typescript: '^5.6.3', vitest: '^2.1.4' },
      },
      null,
      2,
    )}\n`,
    'package-lock.json': `${JSON.stringify(
      {
        name: 'data-api',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'data-api', workspaces: ['packages/*'], devDependencies: { typescript: '^5.6.3', vitest: '^2.1.4' } },
          'node_modules/@northwind/api': { resolved: 'packages/api', link: true },
          'node_modules/@northwind/shared': { resolved: 'packages/shared', link: true },
          'node_modules/fastify': { version: '5.1.0', resolved: 'https://registry.npmjs.org/fastify/-/fastify-5.1.0.tgz', license: 'MIT' },
          'node_modules/typescript': { version: '5.6.3', resolved: 'https://registry.npmjs.org/typescript/-/typescript-5.6.3.tgz', dev: true, license: 'Apache-2.0' },
          'node_modules/zod': { version: '3.23.8', resolved: 'https://registry.npmjs.org/zod/-/zod-3.23.8.tgz', license: 'MIT' },
        },
      },
      null,
      2,
    )}\n`,
    'packages/api/package.json': `${JSON.stringify(
      { name: '@northwind/api', version: '2.14.0', main: 'dist/server.js', dependencies: { '@northwind/shared': '*', fastify: '^5.1.0' } },
      null,
      2,
    )}\n`,
    'packages/api/src/server.ts': `import Fastify from 'fastify';
import { eventBatch } from '@northwind/shared';

const app = Fastify({ logger: true });

app.post('/v1/events', async (request, reply) => {
  const batch = eventBatch.parse(request.body);
  // Staging writes are asynchronous; the SDK retries on 503.
  await request.server.stage(batch);
  return reply.code(202).send({ accepted: batch.events.length });
});

await app.listen({ port: Number(process.env.PORT ?? 8080), host: '0.0.0.0' });
`,
    'packages/shared/package.json': `${JSON.stringify({ name: '@northwind/shared', version: '1.9.2', main: 'dist/index.js', dependencies: { zod: '^3.23.8' } }, null, 2)}\n`,
    'packages/shared/src/index.ts': `import { z } from 'zod';

export const event = z.object({ name: z.string().min(1), at: z.string().datetime(), properties: z.record(z.unknown()) });
export const eventBatch = z.object({ writeKey: z.string(), events: z.array(event).max(500) });
`,
    'services/geo/go.mod': `module github.com/northwind-analytics/data-api/services/geo

go 1.22

require github.com/oschwald/maxminddb-golang v1.13.1
`,
    'services/geo/go.sum': `github.com/oschwald/maxminddb-golang v1.13.1 h1:${chars(43, 5, BASE64)}=
github.com/oschwald/maxminddb-golang v1.13.1/go.mod h1:${chars(43, 6, BASE64)}=
`,
    'services/geo/main.go': `package main

import (
	"log"
	"net/http"
)

func main() {
	http.HandleFunc("/region", regionHandler)
	log.Fatal(http.ListenAndServe(":8081", nil))
}
`,
    'tools/loadtest/package.json': `${JSON.stringify(
      { name: 'loadtest', private: true, scripts: { run: 'node ingest-burst.js' }, dependencies: { autocannon: '^7.15.0', 'p-limit': '^6.1.0' } },
      null,
      2,
    )}\n`,
    'tools/loadtest/ingest-burst.js': `import autocannon from 'autocannon';

autocannon({ url: process.env.TARGET ?? 'http://localhost:8080/v1/events', connections: 200, duration: 60, method: 'POST' }, console.log);
`,
    'config/production.yaml': `# Production settings for data-api. Loaded at boot by packages/api/src/config.ts.
region: eu-west-1
staging:
  bucket: nw-warehouse-staging-prod
  # TODO(bob-nw): move to Secrets Manager before the SOC 2 audit
  aws_access_key_id: ${sampleAwsKeyId()}
  aws_secret_access_key: ${chars(40, 77, BASE64)}
queue:
  url: https://sqs.eu-west-1.amazonaws.com/210987654321/nw-ingest-prod
`,
    'deploy/keys/etl-deploy.pem': samplePrivateKey(),
    'scripts/deploy-preview.sh': `#!/usr/bin/env bash
set -euo pipefail
# Deploys the current build as a preview environment named after the pull request.
echo "deploying preview $1"
`,
    'docs/architecture.md': `# Architecture

SDKs → data-api (packages/api) → staging bucket → nightly warehouse load (data-pipeline repository).
The geo sidecar (services/geo) maps client IPs to regions before events are staged.
`,
    'docs/local-development.md': `# Local development

Point the API at LocalStack with the documented example credentials:

    export AWS_ACCESS_KEY_ID=${['AK', 'IA'].join('')}IOSFODNN7EXAMPLE
`,
    // A deliberate fake in a test fixture: REPO-008 does not search test fixtures by default.
    'packages/api/test/fixtures/webhook-config.json': `${JSON.stringify({ slackWebhookToken: sampleFixtureToken(), channel: '#ingest-alerts' }, null, 2)}\n`,
  };
}

/** A fake Slack bot token for a test fixture: the right shape, in a path REPO-008 excludes by default. */
export function sampleFixtureToken(): string {
  return ['xo', 'xb-'].join('') + chars(12, 61, '0123456789') + '-' + chars(13, 67, '0123456789') + '-' + chars(24, 71, BASE64.slice(0, 62));
}

/**
 * Writes the sample checkout into `dir` (created if needed). With `git`, the directory also
 * becomes a git work tree with every file staged and `origin` pointing at the sample repository,
 * so collectors list files with `git ls-files` and name the repository `northwind-analytics/data-api`;
 * without it they walk the directory and name it after the folder.
 */
export async function writeSampleRepo(dir: string, options: { git?: boolean } = {}): Promise<void> {
  for (const [rel, contents] of Object.entries(files())) {
    const abs = join(dir, ...rel.split('/'));
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, contents);
  }
  if (options.git) {
    const run = promisify(execFile);
    const git = (...args: string[]) => run('git', ['-c', 'init.defaultBranch=main', ...args], { cwd: dir });
    await git('init', '-q');
    await git('add', '-A');
    await git('remote', 'add', 'origin', `https://github.com/${SAMPLE_REPO}.git`);
  }
}
