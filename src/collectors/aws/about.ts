/**
 * What reports and finding sentences say about AWS, from results.json alone (no SDK).
 */
import type { Phrase, SourceAbout } from '../types.js';

interface AwsScope {
  regions: string[];
  aggregator?: string;
}

type AwsIdentity = { state: 'known'; account: string; arn: string } | { state: 'unknown'; reason: string } | { state: 'not-in-scope' };

export const about: SourceAbout = {
  id: 'aws',
  system: 'AWS Config',
  label: 'AWS',
  scopeText(entry) {
    if (!entry) return ['not in scope'];
    const sc = entry as AwsScope;
    const out: Phrase[] = sc.regions.length ? ['regions ', ...sc.regions.flatMap((r, i): Phrase[] => (i ? [', ', { code: r }] : [{ code: r }]))] : ["the AWS SDK's default region"];
    if (sc.aggregator) out.push('; aggregator ', { code: sc.aggregator }, ' (every account and region it aggregates)');
    return out;
  },
  scopeProperties(entry) {
    const sc = entry as AwsScope | null;
    return [['aws-regions', sc?.regions.join(' ')], ['aws-aggregator', sc?.aggregator]];
  },
  identity: {
    label: 'AWS identity',
    properties(entry) {
      const p = entry as AwsIdentity;
      return p.state === 'known' ? [['aws-account', p.account], ['aws-caller-arn', p.arn]] : p.state === 'unknown' ? [['aws-caller-unknown', p.reason]] : [];
    },
    text(entry) {
      const p = entry as AwsIdentity;
      return p.state === 'known' ? `${p.arn} (account ${p.account}), from STS GetCallerIdentity` : p.state === 'unknown' ? `unknown — ${p.reason}` : 'not in scope';
    },
  },
};
