import { afterEach, describe, expect, it } from 'vitest';
import { collector } from '../../../../src/collectors/github/security-features.js';
import { DEMO_TOKENS } from '../../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';
import { rewritingFetch, type Rewrite } from '../../../fakes/github-rewrite.js';

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

  it('reports security_and_analysis missing for a non-admin token as unknown (null) with the permission, not as "disabled"', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ token: DEMO_TOKENS.member })), {});
    const api = ev.resources.find((r) => r.id === 'northwind-analytics/api')!.data;
    expect(api).toMatchObject({ secretScanning: null, secretScanningPushProtection: null, dependabotSecurityUpdates: null });
    expect(collector.revealedBy?.['secretScanning']).toBe('github:administration:read');
    // The member token cannot read Dependabot alerts either: that read failed, so it is also a gap.
    expect(api.dependabotAlerts).toBeNull();
    expect(ev.gaps.find((g) => g.resource === 'northwind-analytics/api' && g.permission === 'github:dependabot_alerts:read')).toMatchObject({ kind: 'permission' });
  });

  it.each([
    ['an entry left out', (sa: Record<string, unknown>) => delete sa['secret_scanning_push_protection']],
    ['an entry without its status', (sa: Record<string, unknown>) => (sa['secret_scanning_push_protection'] = {})],
    ['an entry with a null status', (sa: Record<string, unknown>) => (sa['secret_scanning_push_protection'] = { status: null })],
  ])('reads %s of security_and_analysis as unknown (null), never false', async (_how, change) => {
    const rewrite: Rewrite = (body, x) => {
      if (x.path !== '/orgs/northwind-analytics/repos' || x.status !== 200) return undefined;
      for (const r of body as Array<{ name: string; security_and_analysis?: Record<string, unknown> }>) {
        if (r.name === 'data-pipeline' && r.security_and_analysis) change(r.security_and_analysis);
      }
      return body;
    };
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ fetch: rewritingFetch(rewrite) })), {});
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/data-pipeline')!.data).toMatchObject({ secretScanning: false, secretScanningPushProtection: null, dependabotSecurityUpdates: false });
  });

  it('reads a null security_and_analysis block as unknown for every setting in it', async () => {
    const rewrite: Rewrite = (body, x) => {
      if (x.path !== '/orgs/northwind-analytics/repos' || x.status !== 200) return undefined;
      for (const r of body as Array<Record<string, unknown>>) r['security_and_analysis'] = null;
      return body;
    };
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ fetch: rewritingFetch(rewrite) })), {});
    expect(ev.complete).toBe(true);
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/api')!.data).toMatchObject({ secretScanning: null, secretScanningPushProtection: null, dependabotSecurityUpdates: null, dependabotAlerts: true, codeScanning: true });
  });
});
