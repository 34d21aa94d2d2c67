import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

/**
 * Memory does not grow with the population: 100,000 generated resources of about 2 KB each
 * (some 200 MB as text, more as objects) are collected, streamed to their evidence file and
 * evaluated one at a time in a process whose heap may not exceed 256 MB. Held in memory, as the
 * evidence was before it was streamed, the same population exhausts that heap (the fixture's
 * `memory` mode shows it). Runs the built code, like every test that spawns soc2.
 */
describe('bounded memory', () => {
  it('collects, writes and evaluates 100,000 resources with --max-old-space-size=256', async () => {
    const script = join(packageRoot, 'test', 'fixtures', 'stream', 'many-resources.mjs');
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--max-old-space-size=256', script, packageRoot, '100000'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    expect(stderr).not.toMatch(/heap out of memory/i);
    expect(code).toBe(0);
    const result = JSON.parse(stdout.trim()) as { status: string; counts: Record<string, number>; failing: string[]; resourceCount: number; file: string };
    expect(result.resourceCount).toBe(100_000);
    expect(result.counts).toEqual({ resources: 100_000, pass: 99_996, fail: 4, error: 0, excepted: 0, notApplicable: 0 });
    expect(result.status).toBe('fail');
    // Failing findings are kept in full, by name.
    expect(result.failing).toEqual(['generated-000007', 'generated-025007', 'generated-050007', 'generated-075007']);
    expect(result.file).toMatch(/\.jsonl$/);
  }, 600_000);
});
