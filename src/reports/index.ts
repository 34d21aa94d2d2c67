/**
 * The static renderer registry: format → renderer. `soc2 run` writes DEFAULT_FORMATS and any
 * format asked for with --format; `soc2 report` re-renders any of them from a results.json.
 */
import { html } from './html.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { markdown } from './markdown.js';
import { sarif } from './sarif.js';
import type { Renderer, ReportFormat } from './types.js';

export type { Renderer, ReportFormat } from './types.js';

export const renderers = { markdown, html, junit, sarif, json } as const satisfies Record<ReportFormat, Renderer>;

/** SARIF is opt-in: uploading it to GitHub code scanning is a choice, and it repeats what junit.xml says. */
export const DEFAULT_FORMATS = ['json', 'markdown', 'html', 'junit'] as const satisfies readonly ReportFormat[];
