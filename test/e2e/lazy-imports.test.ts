import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { tempDir } from '../helpers/tmp.js';

function modulesLoadedBy(args: string[]): string[] {
  const trace = join(tempDir(), 'trace.txt');
  execFileSync(process.execPath, ['--import', join(packageRoot, 'test/helpers/trace-imports.mjs'), join(packageRoot, 'bin/soc2.js'), ...args], {
    env: { ...process.env, SOC2_TRACE_IMPORTS: trace },
    stdio: 'pipe',
  });
  return readFileSync(trace, 'utf8').trim().split('\n');
}

describe('start-up (lazy imports)', () => {
  it.each([[['--help']], [['--version']], [['controls', 'list']]])('soc2 %j loads neither the AWS SDK nor Octokit', (args) => {
    const loaded = modulesLoadedBy(args);
    expect(loaded.some((u) => u.includes('/dist/cli/main.js'))).toBe(true);
    expect(loaded.filter((u) => /@aws-sdk|@smithy|@octokit/.test(u))).toEqual([]);
  });
});
