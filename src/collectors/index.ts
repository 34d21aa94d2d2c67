/**
 * The static collector registry: id → lazy import. Keep keys sorted; a meta-test checks that the
 * keys equal the collector files and that each module's collector.id equals its key.
 * Lazy thunks keep `soc2 --help` and `soc2 controls list` from loading the AWS SDK or Octokit.
 */
import type { AnyCollector } from './types.js';

type CollectorModule = { collector: AnyCollector };

export const collectors = {
  // aws — AWS Config
  'aws.config-recorder': () => import('./aws/config-recorder.js'),
  'aws.config-rules': () => import('./aws/config-rules.js'),
  // github — REST and GraphQL
  'github.actions-settings': () => import('./github/actions-settings.js'),
  'github.branch-rules': () => import('./github/branch-rules.js'),
  'github.change-population': () => import('./github/change-population.js'),
  'github.deploy-keys': () => import('./github/deploy-keys.js'),
  'github.org-settings': () => import('./github/org-settings.js'),
  'github.outside-collaborators': () => import('./github/outside-collaborators.js'),
  'github.security-features': () => import('./github/security-features.js'),
  'github.vulnerability-alerts': () => import('./github/vulnerability-alerts.js'),
  'github.webhooks': () => import('./github/webhooks.js'),
  // repo — the local checkout
  'repo.codeowners': () => import('./repo/codeowners.js'),
  'repo.dependency-updates': () => import('./repo/dependency-updates.js'),
  'repo.lockfile': () => import('./repo/lockfile.js'),
  'repo.secrets': () => import('./repo/secrets.js'),
  'repo.security-policy': () => import('./repo/security-policy.js'),
  'repo.workflows': () => import('./repo/workflows.js'),
} as const satisfies Record<string, () => Promise<CollectorModule>>;

export type CollectorId = keyof typeof collectors;

/** Collectors of a source registered by a test (registerSourceForTests); empty in every real run. */
const registeredForTests = new Map<string, () => Promise<CollectorModule>>();

export function isCollectorId(id: string): id is CollectorId {
  return Object.prototype.hasOwnProperty.call(collectors, id) || registeredForTests.has(id);
}

export async function loadCollector(id: CollectorId): Promise<AnyCollector> {
  const load = Object.prototype.hasOwnProperty.call(collectors, id) ? collectors[id] : registeredForTests.get(id);
  if (!load) throw new Error(`No collector "${id}" is registered.`);
  const mod = await load();
  return mod.collector;
}

/**
 * Adds a collector of a source registered for a test. Nothing in the configuration or the CLI
 * reaches it: a test imports it before the CLI runs (node --import), to prove that a new source
 * needs nothing beyond its folder and the registry lines.
 */
export function registerCollectorForTests(id: string, load: () => Promise<CollectorModule>): void {
  if (isCollectorId(id)) throw new Error(`The collector "${id}" is already registered.`);
  registeredForTests.set(id, load);
}
