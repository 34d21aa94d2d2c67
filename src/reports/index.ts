/**
 * The static renderer registry: format → renderer. `soc2 run` writes DEFAULT_FORMATS and any
 * format asked for with --format; `soc2 report` re-renders any of them from a results.json.
 */
import { findingsCsv } from './findings-csv.js';
import { html } from './html.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { markdown } from './markdown.js';
import { oscal } from './oscal.js';
import { sarif } from './sarif.js';
import type { Renderer, ReportFormat } from './types.js';

export type { Renderer, ReportFormat } from './types.js';

export const renderers = { markdown, html, junit, sarif, json, oscal, 'findings-csv': findingsCsv } as const satisfies Record<ReportFormat, Renderer>;

/**
 * SARIF is opt-in: uploading it to GitHub code scanning is a choice, and it repeats what junit.xml
 * says. OSCAL and findings.csv are opt-in too: they are for GRC imports and spreadsheets, and
 * repeat what results.json holds.
 */
export const DEFAULT_FORMATS = ['json', 'markdown', 'html', 'junit'] as const satisfies readonly ReportFormat[];
