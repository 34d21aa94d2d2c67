/**
 * What reports and finding sentences say about the local checkout, from results.json alone.
 */
import type { SourceAbout } from '../types.js';

export const about: SourceAbout = {
  id: 'repo',
  system: 'the repository checkout',
  label: 'Repository checkout',
  scopeProperties: (entry) => [['repo-path', (entry as { path: string } | null)?.path]],
  scopeText(entry) {
    return entry ? [{ code: (entry as { path: string }).path }] : ['not in scope'];
  },
};
