/**
 * github.security-features — which of GitHub's security features are on for each repository:
 * secret scanning and push protection, Dependabot alerts and security updates, code scanning.
 * The security_and_analysis block is shown only to admins: a setting absent from it is unknown
 * (null, with the permission that reveals it), never "disabled". A read that failed is a gap.
 */
import { z } from 'zod';
import type { ApiCall, Collector, Gap } from '../types.js';
import { codeScanningFacts } from './code-scanning.js';
import { dependabotFacts } from './repo-facts.js';
import { collectPerRepo, type RepoInfo } from './repos.js';

const params = z.strictObject({});
type Params = z.infer<typeof params>;

const resource = z.object({
  secretScanning: z.boolean().nullable().describe('secret scanning enabled'),
  secretScanningPushProtection: z.boolean().nullable().describe('secret scanning push protection enabled'),
  dependabotAlerts: z.boolean().nullable().describe('Dependabot alerts enabled'),
  dependabotSecurityUpdates: z.boolean().nullable().describe('Dependabot security updates enabled'),
  codeScanning: z.boolean().nullable().describe('code scanning has analysed the default branch'),
  codeScanningStatus: z.enum(['enabled', 'not-configured', 'unavailable']).nullable().describe('code scanning status'),
  visibility: z.string().describe('repository visibility'),
});
export type SecurityFeatures = z.infer<typeof resource>;

const ADMIN = 'github:administration:read';

/** One entry of security_and_analysis: enabled, disabled, or null when GitHub did not send it. */
function featureStatus(sa: RepoInfo['securityAndAnalysis'], key: string): boolean | null {
  const status = sa?.[key]?.status;
  return status === 'enabled' ? true : status === 'disabled' ? false : null;
}

export const collector: Collector<'github', Params, SecurityFeatures> = {
  id: 'github.security-features',
  source: 'github',
  description: 'Security features per repository: secret scanning, push protection, Dependabot alerts and security updates, code scanning.',
  params,
  resource,
  permissions: ['github:metadata:read', ADMIN, 'github:dependabot_alerts:read', 'github:code_scanning_alerts:read'],
  revealedBy: {
    secretScanning: ADMIN,
    secretScanningPushProtection: ADMIN,
    dependabotSecurityUpdates: ADMIN,
    dependabotAlerts: 'github:dependabot_alerts:read',
    codeScanning: 'github:code_scanning_alerts:read',
    codeScanningStatus: 'github:code_scanning_alerts:read',
  },
  defaultWhenEmpty: 'error',
  example: `collector: github.security-features
assert:
  all:
    - { key: secretScanning, op: eq, value: true }
    - { key: secretScanningPushProtection, op: eq, value: true }
`,
  async collect(ctx) {
    return collectPerRepo(
      ctx,
      (repo) => ({ secretScanning: false, secretScanningPushProtection: false, dependabotAlerts: false, dependabotSecurityUpdates: false, codeScanning: false, codeScanningStatus: 'not-configured', visibility: repo.visibility }),
      async (repo) => {
        const [dependabot, code] = await Promise.all([dependabotFacts(ctx, repo), codeScanningFacts(ctx, repo)]);
        const calls: ApiCall[] = [...dependabot.calls, ...code.calls];
        const gaps: Gap[] = [...(dependabot.ok ? [] : dependabot.gaps), ...(code.ok ? [] : code.gaps)];
        // security_and_analysis (and each entry of it) is optional: shown only to admins, owners and
        // security managers, and without features the plan lacks. Not sent is unknown, not "disabled".
        const sa = repo.securityAndAnalysis;
        return {
          data: {
            secretScanning: featureStatus(sa, 'secret_scanning'),
            secretScanningPushProtection: featureStatus(sa, 'secret_scanning_push_protection'),
            dependabotAlerts: dependabot.ok ? dependabot.value.enabled : null,
            dependabotSecurityUpdates: featureStatus(sa, 'dependabot_security_updates'),
            codeScanning: code.ok ? code.value.status === 'enabled' : null,
            codeScanningStatus: code.ok ? code.value.status : null,
            visibility: repo.visibility,
          },
          gaps,
          calls,
        };
      },
    );
  },
};
