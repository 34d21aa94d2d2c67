import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('soc2 controls (thresholds in the control)', () => {
  it('show states each count of GH-024 in words', async () => {
    const r = await runCli(['controls', 'show', 'GH-024'], { cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('• critical alerts open longer than 7 days: none');
    expect(r.stdout).toContain('• alerts of any severity open longer than 180 days: none');
    expect(r.stdout).not.toContain('slaDays');
  });

  it('collectors lists the fields of a list\'s items, which a count\'s where names', async () => {
    const r = await runCli(['controls', 'collectors'], { cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('alerts (each: tool, number, severity, createdAt, summary)');
    expect(r.stdout).toContain('keys (each: title, readOnly, createdAt, summary)');
  });
});
