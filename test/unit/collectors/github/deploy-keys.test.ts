import { afterEach, describe, expect, it } from 'vitest';
import { collector } from '../../../../src/collectors/github/deploy-keys.js';
import { DEMO_TOKENS } from '../../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('collectors/github/deploy-keys', () => {
  it('lists deploy keys with write access and those past the rotation age', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), collector.params.parse({}));
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/data-pipeline')!.data).toMatchObject({ writeKeys: ['airflow deploy (write)'], writeKeyCount: 1, staleKeyCount: 1 });
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/api')!.data).toMatchObject({ deployKeyCount: 1, writeKeyCount: 0, staleKeyCount: 0 });
  });

  it('is a gap for a token without Administration read', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ token: DEMO_TOKENS.member })), collector.params.parse({}));
    expect(ev.complete).toBe(false);
    expect(ev.gaps[0]).toMatchObject({ kind: 'permission', permission: 'github:administration:read' });
  });
});
