/**
 * Code scanning for one repository, read once per run and shared by github.security-features and
 * github.vulnerability-alerts: GET /repos/{o}/{r}/code-scanning/alerts?state=open. GitHub's own
 * answers tell the states apart — 404 "no analysis found" (never run), 403 "…must be enabled…"
 * (not available on the plan) — and any other 403/404 is the token, reported as a gap.
 */
import type { ApiCall, CollectContext } from '../types.js';
import { errorMessage, errorStatus, gapFromError, restList } from './http.js';
import type { Section } from './repo-facts.js';
import type { RepoInfo } from './repos.js';

export interface CodeScanningFacts {
  status: 'enabled' | 'not-configured' | 'unavailable';
  /** `severity`: the rule's security severity; 'none' when GitHub says it has none (a code-quality rule); null when it did not say. */
  open: Array<{ number: number; severity: string | null; rule: string; tool: string; createdAt: string }>;
}

interface RestCodeAlert {
  number: number;
  created_at: string;
  rule?: { id?: string; security_severity_level?: string | null; severity?: string | null };
  tool?: { name?: string };
}

/** null from GitHub means the rule has no security severity ('none'); a field left out means it did not say (null). */
function securitySeverity(rule: RestCodeAlert['rule']): string | null {
  if (!rule || !('security_severity_level' in rule)) return null;
  return typeof rule.security_severity_level === 'string' ? rule.security_severity_level : 'none';
}

export function codeScanningFacts(ctx: CollectContext, repo: RepoInfo): Promise<Section<CodeScanningFacts>> {
  return ctx.memo(`github:rest:code-scanning:${repo.fullName}`, async (): Promise<Section<CodeScanningFacts>> => {
    const calls: ApiCall[] = [];
    try {
      const alerts = await restList<RestCodeAlert>(ctx, calls, '/repos/{owner}/{repo}/code-scanning/alerts', { owner: repo.fullName.split('/')[0]!, repo: repo.name, state: 'open' });
      return {
        ok: true,
        value: {
          status: 'enabled',
          open: alerts.map((a) => ({ number: a.number, severity: securitySeverity(a.rule), rule: a.rule?.id ?? '', tool: a.tool?.name ?? '', createdAt: a.created_at })),
        },
        calls,
      };
    } catch (e) {
      const status = errorStatus(e);
      const message = errorMessage(e);
      if (status === 404 && /no analysis found/i.test(message)) return { ok: true, value: { status: 'not-configured', open: [] }, calls };
      if (status === 403 && /must be enabled|is not enabled/i.test(message)) return { ok: true, value: { status: 'unavailable', open: [] }, calls };
      return { ok: false, gaps: [gapFromError(e, { resource: repo.fullName, permission: 'github:code_scanning_alerts:read', what: 'code scanning', operation: 'GET /repos/{owner}/{repo}/code-scanning/alerts' })], calls };
    }
  });
}
