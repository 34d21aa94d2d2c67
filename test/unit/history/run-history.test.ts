import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { executeRun } from '../../../src/cli/commands/run.js';
import { renderers } from '../../../src/reports/index.js';
import { readChain } from '../../../src/history/chain.js';
import { cleanEnv } from '../../helpers/cli.js';
import { tempTree } from '../../helpers/tmp.js';

const project = {
  'soc2.config.yaml': 'controls: { paths: [controls] }\nperiod: { start: 2026-03-01, end: 2026-03-31 }\n',
  'controls/SEC-001.yaml': `id: SEC-001
title: A security policy tells people how to report vulnerabilities
criteria: [CC2.3]
severity: medium
frequency: weekly
description: The repository has a security policy with a contact address.
collector: repo.security-policy
assert: { key: securityPolicyPresent, op: eq, value: true }
remediation: Add SECURITY.md with a contact address for vulnerability reports.
`,
};

/** One run of the pipeline in `dir` at a fixed time, recorded in dir/hist. */
function runAt(dir: string, iso: string, out = 'soc2-report') {
  const now = () => new Date(iso);
  const loaded = loadConfig({ cwd: dir, today: now() });
  return executeRun({ loaded, cwd: dir, outDir: join(dir, out), failOn: 'low', extraFormats: [], env: cleanEnv(), sample: false, now, history: 'hist' }).then((r) => r.results);
}

describe('history/run-history (soc2 run --history)', () => {
  afterEach(() => vi.restoreAllMocks());
  const quiet = () => vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

  it('summarises the folder plus this run over the run\'s period with the run\'s clock, then records it', async () => {
    quiet();
    const dir = tempTree(project);
    await runAt(dir, '2026-03-02T02:00:00.000Z');
    const second = await runAt(dir, '2026-03-20T02:00:00.000Z');
    expect(second.controls[0]).toMatchObject({ id: 'SEC-001', frequency: 'weekly' });
    expect(second.history).toMatchObject({
      dir: 'hist',
      period: { start: '2026-03-01', end: '2026-03-31' },
      asOf: '2026-03-20T02:00:00.000Z',
      thisRun: second.run.id,
      chain: { records: 1 },
      runs: { inPeriod: 2, first: '2026-03-02T02:00:00.000Z', last: '2026-03-20T02:00:00.000Z' },
    });
    // Sunday 1 March is the end of a week that started in February; the week of 9 March had no run;
    // the week of 16 March has this one, and the rest of the month is not reached yet.
    expect(second.history!.controls[0]!.gaps).toEqual([
      { from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z', intervals: 1 },
      { from: '2026-03-09T00:00:00.000Z', to: '2026-03-16T00:00:00.000Z', intervals: 1 },
    ]);
    const state = readChain(join(dir, 'hist'));
    expect(state.records.map((r) => [r.name, r.record.recordedAt])).toEqual([['000001.json', '2026-03-02T02:00:00.000Z'], ['000002.json', '2026-03-20T02:00:00.000Z']]);
    expect(JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8')).history.chain.head.sha256).toBe(state.records[0]!.sha256);
  });

  it('does not write the report when the run cannot be recorded after collecting (a link planted at the next record)', async () => {
    quiet();
    const dir = tempTree(project);
    await runAt(dir, '2026-03-02T02:00:00.000Z');
    const before = readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8');
    const render = renderers.markdown.render.bind(renderers.markdown);
    vi.spyOn(renderers.markdown, 'render').mockImplementation((r) => {
      symlinkSync(join(dir, 'elsewhere.json'), join(dir, 'hist', '000002.json'));
      return render(r);
    });
    await expect(runAt(dir, '2026-03-03T02:00:00.000Z')).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/broken at 000002\.json: it is a symbolic link.*This run's report was not written either/),
    });
    expect(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8')).toBe(before);
    expect(existsSync(join(dir, 'elsewhere.json'))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('.soc2-report'))).toEqual([]); // no staging directory left
  });

  it('refuses a broken folder before collecting anything (exit 2), leaving --out alone', async () => {
    quiet();
    const dir = tempTree(project);
    await runAt(dir, '2026-03-02T02:00:00.000Z', 'first');
    symlinkSync(join(dir, 'hist', '000001.json'), join(dir, 'hist', '000002.json'));
    await expect(runAt(dir, '2026-03-03T02:00:00.000Z')).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/broken at 000002\.json.*Nothing was collected/) });
    expect(existsSync(join(dir, 'soc2-report'))).toBe(false);
  });
});
