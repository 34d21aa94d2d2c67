/**
 * `soc2 permissions`: what the credentials of each source must allow for the controls in scope
 * (for AWS a least-privilege IAM policy, for GitHub the token permissions), derived from what their
 * collectors declare (never written by hand). Each source renders its own part.
 */
import { loadConfig } from '../../config/load.js';
import { loadConfiguredControls } from '../../controls/load.js';
import { loadCollector, type CollectorId } from '../../collectors/index.js';
import { loadSources } from '../../collectors/sources.js';
import type { AnyCollector, SourcePermissions } from '../../collectors/types.js';
import { makeChalk } from '../terminal.js';
import { checkSources, withSourceFlags, type SourceFlags } from '../source-flags.js';

/** Per source that needs permissions: whether the configuration puts it in scope, its controls, and what it needs. */
export type PermissionsReport = Record<string, { inScope: boolean; controls: string[] } & Record<string, unknown>>;

interface SourcePart {
  inScope: boolean;
  controls: string[];
  needs: SourcePermissions;
}

async function permissionParts(opts: { config?: string; cwd: string; env?: NodeJS.ProcessEnv }): Promise<Map<string, SourcePart>> {
  const env = opts.env ?? process.env;
  const loaded = loadConfig({ cwd: opts.cwd, file: opts.config, today: new Date() });
  // The same checks as `soc2 run` (e.g. the GitHub endpoint rule), so that setting up credentials finds a refused setting early.
  await checkSources(loaded, env);
  const controls = await loadConfiguredControls(loaded);
  const bySource = new Map<string, { controls: string[]; collectors: AnyCollector[] }>();
  for (const c of controls) {
    if (c.type !== 'automated' || !c.collector) continue;
    const collector = await loadCollector(c.collector as CollectorId);
    const bucket = bySource.get(collector.source) ?? { controls: [], collectors: [] };
    bucket.controls.push(c.id);
    bucket.collectors.push(collector);
    bySource.set(collector.source, bucket);
  }
  const parts = new Map<string, SourcePart>();
  for (const source of await loadSources()) {
    if (!source.permissions) continue; // a source that needs no credentials (the local checkout)
    const bucket = bySource.get(source.id) ?? { controls: [], collectors: [] };
    parts.set(source.id, { inScope: source.settings(loaded.config, env) !== undefined, controls: bucket.controls, needs: source.permissions(bucket.collectors) });
  }
  return parts;
}

export async function permissionsReport(opts: { config?: string; cwd: string; env?: NodeJS.ProcessEnv }): Promise<PermissionsReport> {
  const report: PermissionsReport = {};
  for (const [id, part] of await permissionParts(opts)) report[id] = { inScope: part.inScope, controls: part.controls, ...part.needs.json };
  return report;
}

export async function permissionsCommand(opts: { config?: string; json?: boolean } & SourceFlags): Promise<void> {
  const args = { config: opts.config, cwd: process.cwd(), env: withSourceFlags(process.env, opts) };
  if (opts.json) {
    process.stdout.write(JSON.stringify(await permissionsReport(args), null, 2) + '\n');
    return;
  }
  const c = makeChalk();
  const style = { bold: (s: string) => c.bold(s), dim: (s: string) => c.dim(s) };
  const out: string[] = [];
  for (const part of (await permissionParts(args)).values()) out.push(...part.needs.text(style, part.controls.length, part.inScope));
  process.stdout.write(out.join('\n') + '\n');
}
