/**
 * The local checkout as an evidence source: always in scope (the `repo` section of
 * soc2.config.yaml defaults to the working directory); its collectors find its root on `ctx`.
 */
import { resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import type { Source } from '../types.js';

declare module '../types.js' {
  interface SourceContexts {
    /** What repo collectors find on `ctx`. */
    repo: { repoRoot: string };
  }
}

export const source: Source<Config['repo'], { repoRoot: string }> = {
  id: 'repo',
  configKey: 'repo',
  settings: (config) => config.repo,
  setup: async (settings, opts) => ({ repoRoot: resolve(opts.baseDir, settings.path) }),
  scope: async (settings, _ctx, { baseDir }) => (settings ? { path: resolve(baseDir, settings.path) } : null),
};
