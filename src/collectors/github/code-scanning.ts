/**
 * Code scanning for one repository, read once per run and shared by github.security-features and
 * github.vulnerability-alerts: GET /repos/{o}/{r}/code-scanning/alerts?state=open. GitHub's own
 * answers tell the states apart — 404 "no analysis found" (never run), 403 "…must be enabled…"
 * (not available on the plan) — and any other 403/404 is the token, reported as a gap.
 */
import type { ApiCall, CollectContext } from '../types.js';
import { errorMessage, gapFromError, restList } from './http.js';
import { errorStatus } from '../../util/error-status.js';
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

const PERMISSION = 'github:code_scanning_alerts:read';

/**
 * Which state a refusal of the alert list reports, if it reports one. GitHub's texts ("no analysis
 * found", "Advanced Security must be enabled …") are not in its published description, so other
 * wordings are decided by documented facts: a 404 to a user who administers the repository (and a
 * token that may read alerts) is "never analysed"; a 403 on a private repository whose
 * security_and_analysis says Advanced Security (or Code Security) is disabled is "not available"
 * — the description documents 403 as that answer. Anything else is about the token: a gap.
 */
function stateFromRefusal(ctx: CollectContext<'github'>, repo: RepoInfo, e: unknown): 'not-configured' | 'unavailable' | undefined {
  const status = errorStatus(e);
  const message = errorMessage(e);
  if (status === 404 && /no analysis found/i.test(message)) return 'not-configured';
  if (status === 403 && /must be enabled|is not enabled/i.test(message)) return 'unavailable';
  const tokenMayRead = !ctx.github.capabilities.missing.includes(PERMISSION);
  if (status === 404 && repo.admin && tokenMayRead) return 'not-configured';
  const sa = repo.securityAndAnalysis;
  const offOnPlan = sa?.['advanced_security']?.status === 'disabled' && (sa['code_security'] === undefined || sa['code_security']?.status === 'disabled');
  if (status === 403 && repo.visibility !== 'public' && offOnPlan && tokenMayRead) return 'unavailable';
  return undefined;
}

/** null from GitHub means the rule has no security severity ('none'); a field left out means it did not say (null). */
function securitySeverity(rule: RestCodeAlert['rule']): string | null {
  if (!rule || !('security_severity_level' in rule)) return null;
  return typeof rule.security_severity_level === 'string' ? rule.security_severity_level : 'none';
}

export function codeScanningFacts(ctx: CollectContext<'github'>, repo: RepoInfo): Promise<Section<CodeScanningFacts>> {
  return ctx.memo(`github:rest:code-scanning:${repo.fullName}`, async (ctx): Promise<Section<CodeScanningFacts>> => {
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
      const state = stateFromRefusal(ctx, repo, e);
      if (state) return { ok: true, value: { status: state, open: [] }, calls };
      return { ok: false, gaps: [gapFromError(e, { resource: repo.fullName, permission: PERMISSION, what: 'code scanning', operation: 'GET /repos/{owner}/{repo}/code-scanning/alerts' })], calls };
    }
  });
}
