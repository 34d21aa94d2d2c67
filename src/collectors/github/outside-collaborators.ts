/**
 * github.outside-collaborators — people outside the organisation who can change a repository:
 * outside collaborators with write, maintain or admin access, per repository. Access is read from
 * GitHub's permission flags, so a custom repository role counts for what it allows, not its name.
 * Whose access is approved is not the collector's to say: an approved outside writer is an
 * exception (the exceptions file), the one waiver mechanism, with its justification and expiry.
 */
import { z } from 'zod';
import type { Collector } from '../types.js';
import { outsideCollaboratorFacts, type Access, type CollaboratorFact } from './repo-facts.js';
import { collectPerRepo } from './repos.js';

const params = z.strictObject({
  // Removed: a threshold (or allow-list) is the control's to set. Refused with where it went.
  allowed: z.unknown().refine(() => false, {
    message: 'no longer read: record an approved outside collaborator as an exception instead (exceptions file: control, resources: [owner/repo], justification, approvedBy, expires), and remove this parameter.',
  }).optional(),
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

const CAN_PUSH = new Set<Access>(['write', 'maintain', 'admin']);

/** "kim (read)", or "vendor (release-manager: write)" for a custom role: the role's name, then what it allows. */
function describe(c: CollaboratorFact): string {
  return c.role === c.access ? `${c.login} (${c.access})` : `${c.login} (${c.role}: ${c.access})`;
}

export const collector: Collector<'github', Params, OutsideCollaborators> = {
  id: 'github.outside-collaborators',
  source: 'github',
  description: 'Outside collaborators per repository, and which of them can push or administer it.',
  params,
  resource,
  permissions: ['github:metadata:read', 'github:administration:read'],
  defaultWhenEmpty: 'error',
  example: `collector: github.outside-collaborators
assert:
  count: { key: outsideWithWrite, label: outside collaborators who can push }
  op: eq
  value: 0
`,
  async collect(ctx) {
    return collectPerRepo(
      ctx,
      () => ({ outsideCollaborators: [], outsideWithWrite: [], outsideWithWriteCount: 0, outsideAdmins: [], outsideAdminCount: 0 }),
      async (repo) => {
        const facts = await outsideCollaboratorFacts(ctx, repo);
        if (!facts.ok) return { gaps: facts.gaps, calls: facts.calls };
        const list = [...facts.value].sort((a, b) => a.login.localeCompare(b.login));
        const untold = list.filter((c) => c.access === null);
        if (untold.length) {
          return {
            gaps: [{ resource: repo.fullName, kind: 'other', message: `${repo.fullName}: GitHub listed ${untold.map((c) => c.login).join(', ')} as outside collaborator(s) without saying what they can do (no permission flags), so who can push is unknown.` }],
            calls: facts.calls,
          };
        }
        const writers = list.filter((c) => CAN_PUSH.has(c.access!));
        const admins = writers.filter((c) => c.access === 'admin');
        return {
          data: {
            outsideCollaborators: list.map(describe),
            outsideWithWrite: writers.map(describe),
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
