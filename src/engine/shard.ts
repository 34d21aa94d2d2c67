/**
 * `soc2 run --shard i/n`: which part of the scope one CI job evaluates, so that n jobs together
 * cover it exactly once and `soc2 merge` can join their reports into the run one job would have made.
 *
 * What is split: GitHub repositories, for the collectors that read each repository on its own
 * (the source narrows their context: Source.shardContext). Everything else — organisation-level
 * controls, the organisation's change population, the local checkout, manual controls, and AWS
 * (both AWS collectors judge across regions, and AWS Config's rate limits are not what a shard
 * is for) — is evaluated whole, in shard 1.
 *
 * Assignment: a repository goes to shard 1 + (first 8 bytes of SHA-256 of its
 * lower-cased name) mod n. It depends on the name and n only, so every job puts a repository in
 * the same shard even when a repository was created or archived between the jobs' starts (a sorted
 * round-robin would shift every later name, evaluating some repositories twice and others never).
 * The cost is balance: the spread is a binomial draw, close to even for hundreds of repositories
 * and uneven for a handful (see the README's CI section).
 */
import { createHash } from 'node:crypto';
import type { Control } from '../controls/schema.js';
import { UsageError } from '../errors.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** How results.json and the statement name the assignment rule, so merge can refuse parts that used another. */
export const SHARD_ASSIGNMENT = 'sha256-mod-n';

/** Shards beyond this are a typo, not a CI matrix. */
const MAX_SHARDS = 256;

/** Parses `i/n` from the command line; anything else is a usage error saying what was expected. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(text);
  const how = 'Write it as i/n with 1 ≤ i ≤ n, e.g. --shard 2/4 for the second of four jobs (in GitHub Actions: --shard ${{ matrix.shard }}/4).';
  if (!m) throw new UsageError(`--shard "${text}" is not of the form i/n.`, how);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new UsageError(`--shard ${index}/${count}: the number of shards must be between 1 and ${MAX_SHARDS}.`, how);
  if (index < 1 || index > count) throw new UsageError(`--shard ${index}/${count}: the shard number must be between 1 and ${count}.`, how);
  return { index, count };
}

/** The shard (1-based) a repository (owner/name) belongs to among `count`. */
export function shardOf(name: string, count: number): number {
  const digest = createHash('sha256').update(name.toLowerCase(), 'utf8').digest();
  return Number(digest.readBigUInt64BE(0) % BigInt(count)) + 1;
}

export function inShard(shard: Shard, name: string): boolean {
  return shardOf(name, shard.count) === shard.index;
}

/**
 * How a collector's work divides. 'repositories': it reads every repository in scope one by one
 * and reports one resource per repository, so each shard reads its own. 'whole': anything else. A collector not named here is evaluated whole,
 * which is always correct, only not spread out (test/meta checks every collector is named).
 */
export const COLLECTOR_SPLIT: Readonly<Record<string, 'repositories' | 'whole'>> = {
  // Both judge across regions: global resource types need recording in one region in scope, and a
  // rule that checks global resources need be deployed in only one. A region alone cannot tell.
  'aws.config-recorder': 'whole',
  'aws.config-rules': 'whole',
  'github.actions-settings': 'repositories',
  'github.branch-rules': 'repositories',
  // One population (an organisation-wide search), with one completeness check against its total.
  'github.change-population': 'whole',
  'github.deploy-keys': 'repositories',
  'github.org-settings': 'whole',
  'github.outside-collaborators': 'repositories',
  'github.security-features': 'repositories',
  'github.vulnerability-alerts': 'repositories',
  'github.webhooks': 'repositories',
  'repo.codeowners': 'whole',
  'repo.dependency-updates': 'whole',
  'repo.lockfile': 'whole',
  'repo.secrets': 'whole',
  'repo.security-policy': 'whole',
  'repo.workflows': 'whole',
};

/** What a collector splits by. */
export function splitOf(collectorId: string): 'repositories' | 'whole' {
  return COLLECTOR_SPLIT[collectorId] ?? 'whole';
}

/** Whether this shard evaluates the control at all: split controls in every shard, the rest in shard 1. */
export function evaluatesControl(shard: Shard, control: Pick<Control, 'type' | 'collector'>): boolean {
  if (shard.index === 1) return true;
  return control.type === 'automated' && control.collector !== undefined && splitOf(control.collector) !== 'whole';
}
