/**
 * The organisation's repository list, read once per run (ctx.memo) and shared by every
 * repository collector: GET /orgs/{org}/repos, 100 per page, filtered by the configured globs and
 * the fork setting. Archived repositories stay in the list; collectors report them not applicable.
 */
import type { ApiCall, CollectContext, CollectedResource, Evidence, Gap } from '../types.js';
import { EvidenceBuilder } from '../evidence-builder.js';
import { gapFromError, restList } from './http.js';
import { outOfScopeReason } from './scope.js';
import { fanOut, mapPool } from '../../util/pool.js';

export type FeatureStatus = 'enabled' | 'disabled';

export interface RepoInfo {
  id: number;
  name: string;
  /** owner/name — the resource id collectors use. */
  fullName: string;
  fork: boolean;
  archived: boolean;
  visibility: string;
  /** null when GitHub did not say (`default_branch` is optional in its description): never guessed. */
  defaultBranch: string | null;
  pushedAt: string | null;
  /** The token's user administers this repository (GitHub's `permissions.admin`). */
  admin: boolean;
  /** GitHub's security_and_analysis block; absent for tokens without admin (unknown, not disabled). */
  securityAndAnalysis?: Record<string, { status?: FeatureStatus } | undefined>;
}

export interface Inventory {
  /** In scope: matched by the globs, forks only when configured. Archived ones included. */
  repos: RepoInfo[];
  excluded: Array<{ fullName: string; reason: string }>;
  calls: ApiCall[];
  /** Set when the list itself could not be read. */
  gap?: Gap;
}

interface RawRepo {
  id: number;
  name: string;
  full_name: string;
  fork: boolean;
  archived?: boolean;
  visibility?: string;
  private: boolean;
  default_branch?: string;
  pushed_at?: string | null;
  permissions?: { admin?: boolean };
  security_and_analysis?: Record<string, { status?: FeatureStatus } | undefined> | null;
}

export async function repositoryInventory(ctx: CollectContext<'github'>): Promise<Inventory> {
  const all = await fullInventory(ctx);
  const inShard = ctx.github.inShard;
  // The whole list is read and shared once; a shard keeps its part of it (soc2 run --shard).
  return inShard ? { ...all, repos: all.repos.filter((r) => inShard(r.fullName)) } : all;
}

function fullInventory(ctx: CollectContext<'github'>): Promise<Inventory> {
  const gh = ctx.github;
  return ctx.memo(`github:repos:${gh.org}`, async (ctx) => {
    const calls: ApiCall[] = [];
    try {
      const raw = await restList<RawRepo>(ctx, calls, '/orgs/{org}/repos', { org: gh.org, type: 'all', sort: 'full_name' });
      const repos: RepoInfo[] = [];
      const excluded: Inventory['excluded'] = [];
      for (const r of raw) {
        const reason = outOfScopeReason({ name: r.name, fullName: r.full_name, fork: r.fork }, gh.repos);
        if (reason) {
          excluded.push({ fullName: r.full_name, reason });
          continue;
        }
        repos.push({
          id: r.id,
          name: r.name,
          fullName: r.full_name,
          fork: r.fork,
          // `archived` is optional in GitHub's description: without it the repository is evaluated, never set aside.
          archived: r.archived === true,
          visibility: r.visibility ?? (r.private ? 'private' : 'public'),
          defaultBranch: r.default_branch ?? null,
          pushedAt: r.pushed_at ?? null,
          // Only used to decide whether a 404 can be trusted; without the flag it is not trusted.
          admin: r.permissions?.admin === true,
          ...(r.security_and_analysis ? { securityAndAnalysis: r.security_and_analysis } : {}),
        });
      }
      return { repos, excluded, calls };
    } catch (e) {
      return { repos: [], excluded: [], calls, gap: gapFromError(e, { permission: 'github:metadata:read', what: 'the repository list', operation: 'GET /orgs/{org}/repos' }) };
    }
  });
}

/** Population facts every repository collector reports, so an auditor can reconcile scope. */
export function scopeFacts(inv: Inventory): Record<string, unknown> {
  return {
    repositoriesInScope: inv.repos.length,
    archivedInScope: inv.repos.filter((r) => r.archived).length,
    excluded: inv.excluded,
  };
}

/** The not-applicable resource for an archived repository. */
export function archivedResource<R>(repo: RepoInfo, data: R): CollectedResource<R> {
  return { id: repo.fullName, data, notApplicable: `${repo.fullName} is archived (read-only): no change can reach it, so its settings no longer protect anything.` };
}

/** Runs `perRepo` for every non-archived repository, a bounded number at once, and assembles evidence in repository order. */
export async function collectPerRepo<R extends object>(
  ctx: CollectContext<'github'>,
  archivedData: (repo: RepoInfo) => R,
  perRepo: (repo: RepoInfo) => Promise<{ data?: R; gaps?: Gap[]; calls: ApiCall[] }>,
): Promise<Evidence<R>> {
  const inv = await repositoryInventory(ctx);
  const out = new EvidenceBuilder<R>().addCalls(inv.calls).withFacts(scopeFacts(inv));
  if (inv.gap) return out.addGap(inv.gap).build();
  const results = await mapPool(inv.repos, fanOut(ctx), async (repo) => ({ repo, read: repo.archived ? undefined : await perRepo(repo) }));
  for (const { repo, read } of results) {
    if (!read) {
      out.add(archivedResource(repo, archivedData(repo)));
      continue;
    }
    out.addCalls(read.calls).addGaps(read.gaps ?? []);
    if (read.data) out.add({ id: repo.fullName, data: read.data });
  }
  return out.build();
}
