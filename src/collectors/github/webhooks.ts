/**
 * github.webhooks — repository webhooks that leak events: plain http:// URLs and hooks with TLS
 * certificate verification switched off (insecure_ssl "1", a string or a number). Only the scheme
 * and host of a URL are kept: paths and query strings often embed credentials, and GitHub's masked
 * `secret` is never read into evidence.
 */
import { z } from 'zod';
import type { ApiCall, Collector } from '../types.js';
import { gapFromError, restList } from './http.js';
import { collectPerRepo } from './repos.js';

const params = z.strictObject({});
type Params = z.infer<typeof params>;

const resource = z.object({
  hookCount: z.number().int().describe('webhooks'),
  httpHooks: z.array(z.string()).nullable().describe('webhooks sending to plain http URLs'),
  httpHookCount: z.number().int().nullable().describe('webhooks sending to plain http URLs'),
  tlsVerificationDisabled: z.array(z.string()).nullable().describe('webhooks with TLS certificate verification disabled'),
  tlsVerificationDisabledCount: z.number().int().nullable().describe('webhooks with TLS certificate verification disabled'),
  withoutSecret: z.array(z.string()).describe('webhooks without a secret'),
  withoutSecretCount: z.number().int().describe('webhooks without a secret'),
});
export type Webhooks = z.infer<typeof resource>;

interface RawHook {
  id: number;
  active?: boolean;
  config?: { url?: string; insecure_ssl?: string | number | null; secret?: string };
}

/** scheme://host only: the rest of a webhook URL may be a credential. */
export function safeTarget(url: string | undefined): string {
  if (!url) return '(no url)';
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparseable url)';
  }
}

export const collector: Collector<'github', Params, Webhooks> = {
  id: 'github.webhooks',
  source: 'github',
  description: 'Repository webhooks sending over plain http, without TLS verification, or without a secret.',
  params,
  resource,
  permissions: ['github:webhooks:read'],
  revealedBy: { httpHooks: 'github:webhooks:read', httpHookCount: 'github:webhooks:read', tlsVerificationDisabled: 'github:webhooks:read', tlsVerificationDisabledCount: 'github:webhooks:read' },
  defaultWhenEmpty: 'error',
  example: `collector: github.webhooks
assert:
  all:
    - { key: httpHookCount, op: eq, value: 0 }
    - { key: tlsVerificationDisabledCount, op: eq, value: 0 }
`,
  async collect(ctx) {
    return collectPerRepo(
      ctx,
      () => ({ hookCount: 0, httpHooks: [], httpHookCount: 0, tlsVerificationDisabled: [], tlsVerificationDisabledCount: 0, withoutSecret: [], withoutSecretCount: 0 }),
      async (repo) => {
        const calls: ApiCall[] = [];
        let hooks: RawHook[];
        try {
          hooks = await restList<RawHook>(ctx, calls, '/repos/{owner}/{repo}/hooks', { owner: repo.fullName.split('/')[0]!, repo: repo.name });
        } catch (e) {
          return { gaps: [gapFromError(e, { resource: repo.fullName, permission: 'github:webhooks:read', what: 'webhooks', operation: 'GET /repos/{owner}/{repo}/hooks' })], calls };
        }
        // `active` is always sent; a hook whose state is not said is counted as active.
        const active = hooks.filter((h) => h.active !== false);
        const name = (h: RawHook) => `hook ${h.id} → ${safeTarget(h.config?.url)}`;
        // config.url and config.insecure_ssl are optional in GitHub's description: a hook without
        // them leaves the count unknown rather than "https" or "verified".
        const urlUnknown = active.some((h) => typeof h.config?.url !== 'string');
        const tlsUnknown = active.some((h) => h.config?.insecure_ssl === undefined || h.config.insecure_ssl === null);
        const http = active.filter((h) => (h.config?.url ?? '').toLowerCase().startsWith('http://'));
        // insecure_ssl is "0"/"1" in most answers and 0/1 in some (the OpenAPI schema allows both).
        const noTls = active.filter((h) => String(h.config?.insecure_ssl) === '1');
        // GitHub masks a secret as "********" and leaves the key out when there is none: absence is its answer here.
        const noSecret = active.filter((h) => !h.config?.secret);
        return {
          data: {
            hookCount: active.length,
            httpHooks: urlUnknown ? null : http.map(name),
            httpHookCount: urlUnknown ? null : http.length,
            tlsVerificationDisabled: tlsUnknown ? null : noTls.map(name),
            tlsVerificationDisabledCount: tlsUnknown ? null : noTls.length,
            withoutSecret: noSecret.map(name),
            withoutSecretCount: noSecret.length,
          },
          calls,
        };
      },
    );
  },
};
