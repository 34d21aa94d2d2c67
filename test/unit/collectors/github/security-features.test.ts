import { afterEach, describe, expect, it } from 'vitest';
import { collector } from '../../../../src/collectors/github/security-features.js';
import { DEMO_TOKENS } from '../../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('collectors/github/security-features', () => {
  it('reads each repository\'s features from security_and_analysis, Dependabot and code scanning', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(ev.complete).toBe(true);
    const dp = ev.resources.find((r) => r.id === 'northwind-analytics/data-pipeline')!.data;
    expect(dp).toEqual({ secretScanning: false, secretScanningPushProtection: false, dependabotAlerts: true, dependabotSecurityUpdates: false, codeScanning: false, codeScanningStatus: 'not-configured', visibility: 'private' });
    const api = ev.resources.find((r) => r.id === 'northwind-analytics/api')!.data;
    expect(api).toMatchObject({ secretScanning: true, secretScanningPushProtection: true, codeScanning: true });
  });

  it('reports security_and_analysis missing for a non-admin token as a gap, not as "disabled"', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ token: DEMO_TOKENS.member })), {});
    expect(ev.complete).toBe(false);
    expect(ev.resources.filter((r) => !r.notApplicable)).toEqual([]);
    const gap = ev.gaps.find((g) => g.resource === 'northwind-analytics/api' && /security_and_analysis/.test(g.message));
    expect(gap).toMatchObject({ kind: 'permission', permission: 'github:administration:read' });
    expect(gap!.message).toContain('not treated as disabled');
  });
});
