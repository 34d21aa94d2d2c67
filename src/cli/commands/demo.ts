/**
 * `soc2 demo`: start the bundled sample estate — fake AWS Config and GitHub servers on 127.0.0.1
 * serving a fictional company with seeded problems, plus a sample checkout — point the real
 * clients at it, and run the whole pipeline. Every report it writes says it is sample data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Severity } from '../../controls/schema.js';
import { configSchema } from '../../config/schema.js';
import type { LoadedConfig } from '../../config/load.js';
import { executeRun } from './run.js';
import { startSandbox } from '../../sandbox/index.js';
import { writeDemoAttestations } from '../../sandbox/estate/attestations.js';
import { undoOnInterrupt } from '../signals.js';

export async function demoCommand(opts: { out: string; failOn: Severity; strictExit?: boolean; baseline?: string; quiet?: boolean; json?: boolean }): Promise<void> {
  const cwd = process.cwd();
  const work = mkdtempSync(join(tmpdir(), 'soc2-demo-'));
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  // Interrupted, the sample checkout and cache must not stay behind in the temp directory.
  const stopUndo = undoOnInterrupt(() => {
    removeWork();
    return undefined;
  });
  try {
    if (!opts.quiet) process.stderr.write('Starting the sample estate (Northwind Analytics: fake AWS Config and GitHub on 127.0.0.1)…\n');
    const sandbox = await startSandbox({ dir: work });
    try {
      const config = configSchema.parse({
        aws: { regions: sandbox.aws.regions },
        github: { org: sandbox.github.org, cacheDir: join(work, 'github-cache') },
        repo: { path: sandbox.repoDir },
        // Manual evidence, so the demo shows an attested control and one attested only in part.
        attestations: writeDemoAttestations(work),
      });
      const loaded: LoadedConfig = { config, file: null, sha256: null, baseDir: work, period: sandbox.period };
      const run = await executeRun({
        loaded,
        cwd,
        outDir: resolve(cwd, opts.out),
        failOn: opts.failOn,
        extraFormats: ['sarif'],
        env: { ...withoutCredentials(process.env), ...sandbox.env },
        sample: true,
        now: sandbox.now,
        baseline: opts.baseline,
        quiet: opts.quiet,
        json: opts.json,
        ciEnv: process.env,
        exitCodeNote: (note) => opts.strictExit ? note : `${note.replace(/^Exit code (\d)/, 'A real run would exit $1')} The demo exits 0 (use --strict-exit for the real code).`,
      });
      process.exitCode = opts.strictExit ? run.exitCode : 0;
    } finally {
      await sandbox.close();
    }
  } finally {
    stopUndo();
    removeWork();
  }
}

/** The demo must never reach a real account: drop the caller's AWS and GitHub settings. */
function withoutCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^(AWS_|GITHUB_|GH_)/.test(k)));
}
