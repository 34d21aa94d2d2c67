/**
 * github.deploy-keys — SSH deploy keys per repository: which can write (push without a person or
 * a review), and which are older than a rotation age from params.
 */
import { z } from 'zod';
import type { Collector } from '../types.js';
import { deployKeyFacts } from './repo-facts.js';
import { collectPerRepo } from './repos.js';

const params = z.strictObject({
  maxAgeDays: z.number().int().positive().default(365).describe('A key older than this should have been rotated.'),
});
type Params = z.infer<typeof params>;

const resource = z.object({
  deployKeyCount: z.number().int().describe('deploy keys'),
  writeKeys: z.array(z.string()).describe('deploy keys with write access'),
  writeKeyCount: z.number().int().describe('deploy keys with write access'),
  staleKeys: z.array(z.string()).describe('deploy keys older than the rotation age'),
  staleKeyCount: z.number().int().describe('deploy keys older than the rotation age'),
});
export type DeployKeys = z.infer<typeof resource>;

export const collector: Collector<Params, DeployKeys> = {
  id: 'github.deploy-keys',
  source: 'github',
  description: 'Deploy keys per repository: those with write access and those past their rotation age.',
  params,
  resource,
  permissions: ['github:administration:read'],
  defaultWhenEmpty: 'error',
  example: `collector: github.deploy-keys
assert: { key: writeKeyCount, op: eq, value: 0 }
`,
  async collect(ctx, p) {
    const now = ctx.now().getTime();
    return collectPerRepo(
      ctx,
      () => ({ deployKeyCount: 0, writeKeys: [], writeKeyCount: 0, staleKeys: [], staleKeyCount: 0 }),
      async (repo) => {
        const facts = await deployKeyFacts(ctx, repo);
        if (!facts.ok) return { gaps: facts.gaps, calls: facts.calls };
        const keys = facts.value;
        const write = keys.filter((k) => !k.readOnly).map((k) => k.title);
        const stale = keys.filter((k) => (now - Date.parse(k.createdAt)) / 86_400_000 > p.maxAgeDays).map((k) => `${k.title} (created ${k.createdAt.slice(0, 10)})`);
        return { data: { deployKeyCount: keys.length, writeKeys: write, writeKeyCount: write.length, staleKeys: stale, staleKeyCount: stale.length }, calls: facts.calls };
      },
    );
  },
};
