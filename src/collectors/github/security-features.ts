/**
 * github.security-features — which of GitHub's security features are on for each repository:
 * secret scanning and push protection, Dependabot alerts and security updates, code scanning.
 * The security_and_analysis block is shown only to admins: when it is absent the settings are
 * unknown (a gap), never "disabled".
 */
import { z } from 'zod';
import type { ApiCall, Collector, Gap } from '../types.js';
import { codeScanningFacts } from './code-scanning.js';
import { dependabotFacts } from './repo-facts.js';
import { collectPerRepo } from './repos.js';

const params = z.strictObject({});
type Params = z.infer<typeof params>;

const resource = z.object({
  secretScanning: z.boolean().describe('secret scanning enabled'),
  secretScanningPushProtection: z.boolean().describe('secret scanning push protection enabled'),
  dependabotAlerts: z.boolean().describe('Dependabot alerts enabled'),
  dependabotSecurityUpdates: z.boolean().describe('Dependabot security updates enabled'),
  codeScanning: z.boolean().describe('code scanning has analysed the default branch'),
  codeScanningStatus: z.enum(['enabled', 'not-configured', 'unavailable']).describe('code scanning status'),
  visibility: z.string().describe('repository visibility'),
});
export type SecurityFeatures = z.infer<typeof resource>;

export const collector: Collector<Params, SecurityFeatures> = {
  id: 'github.security-features',
  source: 'github',
  description: 'Security features per repository: secret scanning, push protection, Dependabot alerts and security updates, code scanning.',
  params,
  resource,
  permissions: ['github:metadata:read', 'github:administration:read', 'github:dependabot_alerts:read', 'github:code_scanning_alerts:read'],
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
        const gaps: Gap[] = [];
        const sa = repo.securityAndAnalysis;
        if (!sa) {
          gaps.push({
            resource: repo.fullName,
            kind: 'permission',
            permission: 'github:administration:read',
            message: `${repo.fullName}: token lacks github:administration:read: GitHub returned the repository without security_and_analysis (shown only to admins, owners and security managers), so secret scanning and push protection are unknown (not treated as disabled).`,
          });
        }
        if (!dependabot.ok) gaps.push(...dependabot.gaps);
        if (!code.ok) gaps.push(...code.gaps);
        if (gaps.length || !sa || !dependabot.ok || !code.ok) return { gaps, calls };
        const on = (k: string) => sa[k]?.status === 'enabled';
        return {
          data: {
            secretScanning: on('secret_scanning'),
            secretScanningPushProtection: on('secret_scanning_push_protection'),
            dependabotAlerts: dependabot.value.enabled,
            dependabotSecurityUpdates: on('dependabot_security_updates'),
            codeScanning: code.value.status === 'enabled',
            codeScanningStatus: code.value.status,
            visibility: repo.visibility,
          },
          calls,
        };
      },
    );
  },
};
