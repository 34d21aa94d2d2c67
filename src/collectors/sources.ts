/**
 * The static registry of evidence sources: id → what reports say about it (small, no SDK) and a
 * lazy import of the module that sets it up. The engine, `soc2 permissions`, results.json's scope
 * and the renderers iterate this map; none of them names a source. Keep it in the order results.json
 * lists the sources (run.scope, run.provenance).
 */
import type { AnySource, SourceAbout } from './types.js';
import { about as aws } from './aws/about.js';
import { about as github } from './github/about.js';
import { about as repo } from './repo/about.js';

export interface RegisteredSource {
  about: SourceAbout;
  load(): Promise<{ source: AnySource }>;
}

const builtIn = {
  aws: { about: aws, load: () => import('./aws/source.js') },
  github: { about: github, load: () => import('./github/source.js') },
  repo: { about: repo, load: () => import('./repo/source.js') },
} as const satisfies Record<string, RegisteredSource>;

const registry = new Map<string, RegisteredSource>(Object.entries(builtIn));

/** Source ids in registry order. */
export function sourceIds(): string[] {
  return [...registry.keys()];
}

/** The source a collector id belongs to ('github.branch-rules' → 'github'). */
export function sourceOfCollectorId(collectorId: string): string {
  const dot = collectorId.indexOf('.');
  return dot < 0 ? collectorId : collectorId.slice(0, dot);
}

export function sourceAbout(id: string): SourceAbout | undefined {
  return registry.get(id)?.about;
}

export async function loadSource(id: string): Promise<AnySource> {
  const entry = registry.get(id);
  if (!entry) throw new Error(`No evidence source "${id}" is registered (known: ${sourceIds().join(', ')}).`);
  return (await entry.load()).source;
}

/** Every registered source, loaded, in registry order. */
export async function loadSources(): Promise<AnySource[]> {
  return Promise.all(sourceIds().map(loadSource));
}

/**
 * Adds a source after the built-in ones. For tests that prove a new source needs nothing beyond
 * its folder and one entry here; nothing in the configuration or the CLI reaches it.
 */
export function registerSourceForTests(id: string, entry: RegisteredSource): void {
  if (registry.has(id)) throw new Error(`The evidence source "${id}" is already registered.`);
  registry.set(id, entry);
}
