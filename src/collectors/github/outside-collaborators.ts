/**
 * github.outside-collaborators — people outside the organisation who can change a repository:
 * outside collaborators with write, maintain or admin access, per repository.
 */
import { z } from 'zod';
import type { Collector } from '../types.js';
import { outsideCollaboratorFacts } from './repo-facts.js';
import { collectPerRepo } from './repos.js';

const params = z.strictObject({
  allowed: z.array(z.string()).default([]).describe('Logins of outside collaborators approved to have write access (reviewed elsewhere).'),
});
type Params = z.infer<typeof params>;

const resource = z.object({
  outsideCollaborators: z.array(z.string()).describe('outside collaborators (login and access)'),
  outsideWithWrite: z.array(z.string()).describe('outside collaborators who can push (write, maintain or admin)'),
  outsideWithWriteCount: z.number().int().describe('outside collaborators who can push'),
  outsideAdmins: z.array(z.string()).describe('outside collaborators with admin access'),
  outsideAdminCount: z.number().int().describe('outside collaborators with admin access'),
});
export type OutsideCollaborators = z.infer<typeof resource>;

const CAN_PUSH = new Set(['write', 'maintain', 'admin']);

export const collector: Collector<Params, OutsideCollaborators> = {
  id: 'github.outside-collaborators',
  source: 'github',
  description: 'Outside collaborators per repository, and which of them can push or administer it.',
  params,
  resource,
  permissions: ['github:metadata:read', 'github:administration:read'],
  defaultWhenEmpty: 'error',
  example: `collector: github.outside-collaborators
assert: { key: outsideAdminCount, op: eq, value: 0 }
`,
  async collect(ctx, p) {
    return collectPerRepo(
      ctx,
      () => ({ outsideCollaborators: [], outsideWithWrite: [], outsideWithWriteCount: 0, outsideAdmins: [], outsideAdminCount: 0 }),
      async (repo) => {
        const facts = await outsideCollaboratorFacts(ctx, repo);
        if (!facts.ok) return { gaps: facts.gaps, calls: facts.calls };
        const list = [...facts.value].sort((a, b) => a.login.localeCompare(b.login));
        const writers = list.filter((c) => CAN_PUSH.has(c.permission) && !p.allowed.includes(c.login));
        const admins = writers.filter((c) => c.permission === 'admin');
        return {
          data: {
            outsideCollaborators: list.map((c) => `${c.login} (${c.permission})`),
            outsideWithWrite: writers.map((c) => `${c.login} (${c.permission})`),
            outsideWithWriteCount: writers.length,
            outsideAdmins: admins.map((c) => c.login),
            outsideAdminCount: admins.length,
          },
          calls: facts.calls,
        };
      },
    );
  },
};
