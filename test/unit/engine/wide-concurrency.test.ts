import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSandbox } from '../../../src/sandbox/index.js';
import { configSchema } from '../../../src/config/schema.js';
import { executeRun } from '../../../src/cli/commands/run.js';
import { cleanEnv } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

describe('engine/collect at concurrency 32', () => {
  it('runs the built-in library against the sample estate without a MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => { if (w.name === 'MaxListenersExceededWarning') warnings.push(w.message); };
    process.on('warning', onWarning);
    const work = tempDir();
    const sandbox = await startSandbox({ dir: work });
    try {
      const config = configSchema.parse({
        concurrency: 32,
        aws: { regions: sandbox.aws.regions },
        github: { org: sandbox.github.org, cacheDir: join(work, 'github-cache') },
        repo: { path: sandbox.repoDir },
      });
      const run = await executeRun({
        loaded: { config, file: null, sha256: null, baseDir: work, period: sandbox.period },
        cwd: work, outDir: join(work, 'out'), failOn: 'low', extraFormats: [],
        env: { ...cleanEnv(), ...sandbox.env }, sample: true, now: sandbox.now, quiet: true,
      });
      // The sample estate has seeded failures: the run went through collection and evaluation.
      expect(run.exitCode).toBe(1);
      expect(run.results.controls.filter((c) => c.status === 'pass').length).toBeGreaterThan(0);
      // process.emitWarning emits on the next tick.
      await new Promise((r) => setImmediate(r));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await sandbox.close();
    }
  }, 120_000);
});
