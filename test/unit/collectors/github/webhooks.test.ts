import { afterEach, describe, expect, it } from 'vitest';
import { collector, safeTarget } from '../../../../src/collectors/github/webhooks.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';
import { rewritingFetch, type Rewrite } from '../../../fakes/github-rewrite.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('collectors/github/webhooks', () => {
  it('finds the http webhook and the one with TLS verification off (insecure_ssl as a number)', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(ev.complete).toBe(true);
    const dp = ev.resources.find((r) => r.id === 'northwind-analytics/data-pipeline')!.data;
    expect(dp.httpHooks).toEqual(['hook 702 → http://etl-monitor.northwind.example']);
    expect(dp.tlsVerificationDisabled).toEqual(['hook 703 → https://metrics.northwind.example']);
    expect(dp.withoutSecretCount).toBe(1);
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/api')!.data).toMatchObject({ hookCount: 1, httpHookCount: 0, tlsVerificationDisabledCount: 0 });
  });

  it('never keeps a webhook URL\'s path, query or secret in evidence', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    const text = JSON.stringify(ev);
    expect(text).not.toContain('/hooks/github');
    expect(text).not.toContain('********');
    expect(safeTarget('https://hooks.slack.example/services/T000/B000/XXXXSECRET?token=abc')).toBe('https://hooks.slack.example');
  });

  it('reads a hook answer without insecure_ssl or url as unknown (null), not as verified https', async () => {
    const drop: Rewrite = (body, x) => {
      if (!x.path.endsWith('/api/hooks') || x.status !== 200) return undefined;
      for (const hook of body as Array<{ config: Record<string, unknown> }>) {
        delete hook.config['insecure_ssl'];
        delete hook.config['url'];
      }
      return body;
    };
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ fetch: rewritingFetch(drop) })), {});
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/api')!.data).toMatchObject({ hookCount: 1, httpHookCount: null, tlsVerificationDisabledCount: null, withoutSecretCount: 0 });
  });
});
