/**
 * AWS as an evidence source: reads the `aws` section of soc2.config.yaml, builds the Config
 * clients (credentials, regions, aggregator), says who the credentials belong to, and derives the
 * least-privilege IAM policy from what the AWS collectors declare. The SDK is loaded only in setup.
 */
import type { AwsSettings } from '../../config/schema.js';
import { redactString } from '../../evidence/redact.js';
import type { Source } from '../types.js';
import type { AwsContext } from './client.js';
import { CALLER_IDENTITY_ACTION, iamPolicyFor } from './permissions.js';

declare module '../types.js' {
  interface SourceContexts {
    /** What AWS collectors find on `ctx`. */
    aws: { aws: AwsContext };
  }
}

type Identity = { state: 'known'; account: string; arn: string; requestId?: string } | { state: 'unknown'; reason: string } | { state: 'not-in-scope' };

export const source: Source<AwsSettings, { aws: AwsContext }> = {
  id: 'aws',
  configKey: 'aws',
  settings: (config) => config.aws,
  notInScope: 'AWS: the configuration has no aws section, so AWS controls are not applicable. Add an aws section (see `soc2 init`) to evaluate them.',
  notApplicable: 'AWS is not in scope: the configuration has no aws section.',

  async setup(settings, opts) {
    const { createAwsContext } = await import('./client.js');
    return { aws: await createAwsContext(settings, { env: opts.env, userAgent: opts.userAgent, now: opts.now }) };
  },

  async scope(settings, ctx) {
    if (!settings) return null;
    // The regions the context resolved (the SDK's default region when the config names none).
    const regions = (await ctx)?.aws.regions ?? settings.regions ?? [];
    return { regions, ...(settings.aggregator ? { aggregator: settings.aggregator } : {}) };
  },

  permissions(collectors) {
    const actions = collectors.flatMap((c) => [...c.permissions]);
    // A run that reads AWS also asks STS who it is, for the provenance in results.json.
    if (collectors.length) actions.push(CALLER_IDENTITY_ACTION);
    const policy = iamPolicyFor(actions);
    return {
      json: { policy },
      text: (c, n, inScope) => [
        c.bold(`AWS — least-privilege IAM policy for ${n} AWS controls`) + (inScope ? '' : c.dim(' (not in scope yet: the configuration has no aws section)')),
        'Attach it to the role or user soc2 runs as (read-only: AWS Config, and STS GetCallerIdentity to record who ran it):', '', JSON.stringify(policy, null, 2), '',
      ],
    };
  },

  async provenance(ctx) {
    if (!ctx) return { identity: { state: 'not-in-scope' } satisfies Identity, calls: [] };
    let aws: AwsContext;
    try {
      aws = (await ctx).aws;
    } catch (e) {
      return { identity: { state: 'unknown', reason: `the AWS client could not be set up: ${messageOf(e)}` } satisfies Identity, calls: [] };
    }
    if (!aws.callerIdentity) return { identity: { state: 'unknown', reason: 'this AWS context cannot ask STS who it is' } satisfies Identity, calls: [] };
    try {
      const id = await aws.callerIdentity();
      return { identity: { state: 'known', account: id.account, arn: id.arn, ...(id.call.requestId ? { requestId: id.call.requestId } : {}) } satisfies Identity, calls: [id.call] };
    } catch (e) {
      return { identity: { state: 'unknown', reason: messageOf(e) } satisfies Identity, calls: [] };
    }
  },

  hostsContacted: (ctx) => (ctx.aws.hostsContacted?.() ?? []).map((h) => ({ callSource: `aws-${h.service}`, region: h.region, host: h.host })),
};

function messageOf(e: unknown): string {
  return redactString((e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim());
}
