/**
 * github.deploy-keys — SSH deploy keys per repository: each key, whether it can write (push
 * without a person or a review) and when it was added. How old a key may be is the control's to
 * say (GH-017 counts keys `older-than` the rotation age, measured from the run's clock).
 */
import { z } from 'zod';
import type { Collector } from '../types.js';
import { deployKeyFacts } from './repo-facts.js';
import { collectPerRepo } from './repos.js';

const params = z.strictObject({
  // Removed: a threshold (or allow-list) is the control's to set. Refused with where it went.
  maxAgeDays: z.unknown().refine(() => false, {
    message: 'no longer read: the rotation age belongs in the assertion, e.g. count: { key: keys, where: { key: createdAt, op: older-than, value: 365d } }, op: eq, value: 0 (as controls/GH-017.yaml does).',
  }).optional(),
});
type Params = z.infer<typeof params>;

const key = z.object({
  title: z.string().describe('title'),
  readOnly: z.boolean().describe('read-only'),
  createdAt: z.string().describe('added at'),
  summary: z.string().describe('deploy key'),
});

const resource = z.object({
  deployKeyCount: z.number().int().describe('deploy keys'),
  keys: z.array(key).describe('deploy keys'),
  writeKeys: z.array(z.string()).describe('deploy keys with write access'),
  writeKeyCount: z.number().int().describe('deploy keys with write access'),
});
export type DeployKeys = z.infer<typeof resource>;

export const collector: Collector<'github', Params, DeployKeys> = {
  id: 'github.deploy-keys',
  source: 'github',
  description: 'Deploy keys per repository: each key, whether it has write access, and when it was added.',
  params,
  resource,
  permissions: ['github:administration:read'],
  defaultWhenEmpty: 'error',
  example: `collector: github.deploy-keys
assert:
  all:
    - { key: writeKeyCount, op: eq, value: 0 }
    - count: { key: keys, where: { key: createdAt, op: older-than, value: 365d }, label: deploy keys older than 365 days }
      op: eq
      value: 0
`,
  async collect(ctx) {
    return collectPerRepo(
      ctx,
      () => ({ deployKeyCount: 0, keys: [], writeKeys: [], writeKeyCount: 0 }),
      async (repo) => {
        const facts = await deployKeyFacts(ctx, repo);
        if (!facts.ok) return { gaps: facts.gaps, calls: facts.calls };
        const keys = facts.value.map((k) => ({ title: k.title, readOnly: k.readOnly, createdAt: k.createdAt, summary: `“${k.title}” added ${k.createdAt.slice(0, 10)}` }));
        const write = keys.filter((k) => !k.readOnly).map((k) => k.title);
        return { data: { deployKeyCount: keys.length, keys, writeKeys: write, writeKeyCount: write.length }, calls: facts.calls };
      },
    );
  },
};
