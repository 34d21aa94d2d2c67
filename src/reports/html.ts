/**
 * report.html: the same content as report.md in one self-contained file an auditor can open from
 * a zip or an e-mail (file://). Inline CSS only: no script, font, image or stylesheet is fetched,
 * and the Content-Security-Policy forbids scripts altogether, so even a missed escape could not
 * run code. The status filter is plain CSS (radio buttons and sibling selectors). Markup is built
 * with a tagged template that escapes every interpolated value unless it is already markup.
 */
import type { ControlResult, CriterionCoverage, EvidenceRef, Finding, Results } from '../results.js';
import { plural } from '../text.js';
import {
  COVERAGE_LABEL,
  NOT_COVERED_TEXT,
  OPINION_NOTICE,
  REPORT_STATUS_ORDER,
  SAMPLE_NOTICE,
  SAMPLE_TITLE,
  SEVERITY_LABEL,
  STATUS_HEADING,
  STATUS_LABEL,
  STATUS_MEANING,
  compareText,
  coverageText,
  deviationText,
  encodeUriSegment,
  evidenceFilesOf,
  errorActions,
  escapeHtml,
  evidenceIndex,
  exitCodeMeaning,
  failOnMeaning,
  findingCounts,
  incompleteFailuresText,
  INCOMPLETE_FAILURE_TEXT,
  isIncompleteFailure,
  isSafeUrl,
  operationCounts,
  periodText,
  reportTitle,
  reportTypeText,
  sortControlsForReport,
  sortCriteria,
  sortFindings,
  sortedGaps,
  type ControlStatus,
} from './format.js';
import type { Renderer } from './types.js';
import type { HistorySummary } from '../history/summary.js';
import { FAILING_FOR_NOTE, HISTORY_HEADING, HISTORY_TABLE_HEADERS, historyControls, historyIntro, historyRow, notCovered } from './history-words.js';
import { entriesNotInResults, entryGroups, locationText } from './listing.js';
import { tuningChanges } from './tuning.js';
import { attestationText, dataHandlingText, NOT_RECORDED, pointInTimeText, provenanceLines, reportTypeLine, scopeEntries } from './run-context.js';

// ---------------------------------------------------------------------------------------------
// Escape-by-default templating

/** Markup that is already safe; anything else interpolated into `markup` is escaped. */
class Markup {
  constructor(readonly value: string) {}
}

type Value = Markup | string | number | boolean | null | undefined | readonly Value[];

function toMarkup(v: Value): string {
  if (v instanceof Markup) return v.value;
  if (Array.isArray(v)) return v.map(toMarkup).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
}

function markup(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += toMarkup(values[i] as Value) + (strings[i + 1] ?? '');
  return new Markup(out);
}

/** Element ids from data: only characters that need no escaping in a URL fragment or CSS selector. */
function anchor(prefix: string, s: string): string {
  return `${prefix}-${s.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

// ---------------------------------------------------------------------------------------------
// Style

const CSS = `
:root { --fail:#b42318; --fail-bg:#fef3f2; --error:#b54708; --error-bg:#fffaeb; --manual:#175cd3; --manual-bg:#eff8ff;
  --excepted:#6941c6; --excepted-bg:#f4f3ff; --attested:#0e7090; --attested-bg:#ecfdff; --pass:#067647; --pass-bg:#ecfdf3; --na:#475467; --na-bg:#f2f4f7;
  --nc:#667085; --nc-bg:#ffffff; --line:#d0d5dd; --ink:#101828; --muted:#475467; }
* { box-sizing: border-box; }
[id] { scroll-margin-top: 48px; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fcfcfd; }
main, header.top, footer { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
h1 { font-size: 26px; margin: 24px 0 8px; } h2 { font-size: 21px; margin: 40px 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h3 { font-size: 17px; margin: 0 0 8px; } h4 { font-size: 15px; margin: 16px 0 6px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; overflow-wrap: anywhere; }
.text { white-space: pre-line; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; background: #fff; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--na-bg); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
th { white-space: nowrap; }
table.findings th.resource { width: 24%; } table.findings th.finding { width: 50%; }
.muted { color: var(--muted); font-size: 13px; }
.sample-banner { position: sticky; top: 0; z-index: 10; background: repeating-linear-gradient(135deg, #fec84b 0 14px, #fdb022 14px 28px); color: #000;
  border-bottom: 2px solid #000; padding: 4px 24px; font-size: 15px; text-align: center; }
.sample-notice { border: 2px solid #000; background: #fef0c7; padding: 10px 14px; font-size: 16px; }
.notice { border-left: 4px solid var(--line); padding: 8px 12px; color: var(--muted); background: #fff; }
.meta-table th { width: 190px; }
code.hash { font-size: 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; margin: 12px 0; }
.card { display: block; border: 1px solid var(--line); border-top-width: 6px; border-radius: 8px; padding: 10px 12px; background: #fff; cursor: pointer; }
.card .n { font-size: 28px; font-weight: 700; display: block; } .card .l { font-weight: 600; } .card .m { display: block; font-size: 12px; color: var(--muted); }
.badge { display: inline-block; border-radius: 999px; padding: 0 9px; font-size: 12px; font-weight: 700; border: 1px solid currentColor; white-space: nowrap; }
.st-fail { color: var(--fail); background: var(--fail-bg); border-color: var(--fail); }
.st-error { color: var(--error); background: var(--error-bg); border-color: var(--error); }
.st-manual { color: var(--manual); background: var(--manual-bg); border-color: var(--manual); }
.st-excepted { color: var(--excepted); background: var(--excepted-bg); border-color: var(--excepted); }
.st-pass { color: var(--pass); background: var(--pass-bg); border-color: var(--pass); }
.st-not_applicable { color: var(--na); background: var(--na-bg); border-color: var(--na); }
.st-not_covered { color: var(--nc); background: var(--nc-bg); border-color: var(--nc); border-style: dashed; }
.card.st-fail, .card.st-error, .card.st-manual, .card.st-attested, .card.st-excepted, .card.st-pass, .card.st-not_applicable { background: #fff; }
.matrix { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 10px 16px; margin: 12px 0; }
.series h3 { font-size: 13px; color: var(--muted); margin: 0 0 4px; font-weight: 600; }
.tiles { display: flex; flex-wrap: wrap; gap: 4px; }
.tile { display: inline-block; min-width: 52px; text-align: center; border: 1px solid; border-radius: 4px; padding: 2px 4px; font-size: 12px; font-weight: 600; text-decoration: none; }
.legend { display: flex; flex-wrap: wrap; gap: 8px; font-size: 13px; }
.filters { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0 16px; align-items: center; }
.filters label { border: 1px solid var(--line); border-radius: 999px; padding: 3px 12px; cursor: pointer; background: #fff; font-size: 14px; }
.filter-input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.control { border: 1px solid var(--line); border-left-width: 6px; border-radius: 8px; padding: 14px 16px; margin: 12px 0; background: #fff; }
.control.st-fail { border-left-color: var(--fail); } .control.st-error { border-left-color: var(--error); } .control.st-manual { border-left-color: var(--manual); }
.control.st-excepted { border-left-color: var(--excepted); } .control.st-pass { border-left-color: var(--pass); } .control.st-not_applicable { border-left-color: var(--na); }
.control { color: var(--ink); }
.control .cid { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0 10px; font-size: 14px; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
.remediation { background: var(--pass-bg); border-radius: 6px; padding: 8px 12px; margin-top: 10px; }
.exception-note { font-style: italic; color: var(--muted); }
details { margin: 8px 0; } summary { cursor: pointer; font-weight: 600; }
ol.checklist li::before { content: "☐ "; }
ol.requirements { padding-left: 24px; } ol.requirements li { margin: 4px 0; }
.req-covered { color: var(--pass); font-weight: 600; } .req-expired, .req-missing { color: var(--fail); font-weight: 600; }
.st-attested { color: var(--attested); background: var(--attested-bg); border-color: var(--attested); }
.control.st-attested { border-left-color: var(--attested); }
.signature-signed { color: var(--pass); font-weight: 600; } .signature-unsigned { color: var(--error); font-weight: 600; }
section#data-handling { border-top: 2px solid var(--ink); margin-top: 48px; }
footer { color: var(--muted); font-size: 13px; padding-bottom: 40px; margin-top: 40px; border-top: 1px solid var(--line); }
${REPORT_STATUS_ORDER.map((s) => `#filter-${s}:checked ~ main .group:not([data-status="${s}"]) { display: none; }`).join('\n')}
${['all', ...REPORT_STATUS_ORDER].map((s) => `#filter-${s}:checked ~ main label[for="filter-${s}"].chip { background: var(--ink); color: #fff; border-color: var(--ink); }`).join('\n')}
${['all', ...REPORT_STATUS_ORDER].map((s) => `#filter-${s}:focus-visible ~ main label[for="filter-${s}"] { outline: 2px solid var(--manual); outline-offset: 2px; }`).join('\n')}
@media print {
  .sample-banner { position: static; }
  .filters, .filter-input { display: none; }
  main .group { display: block !important; }
  .control { break-inside: avoid-page; }
}
`;

// ---------------------------------------------------------------------------------------------
// Sections

function badge(status: ControlStatus | CriterionCoverage['status'], label = COVERAGE_LABEL[status]): Markup {
  return markup`<span class="badge st-${status}">${label}</span>`;
}

function link(url: string): Markup {
  return isSafeUrl(url) ? markup`<a href="${url}" rel="noreferrer noopener">${url}</a>` : markup`<span class="mono">${url}</span>`;
}

function head(r: Results): Markup {
  const title = `${r.run.sample ? 'SAMPLE DATA — ' : ''}${reportTitle(r.run)}`;
  return markup`<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${r.tool.name} ${r.tool.version}">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${new Markup(CSS)}</style>
</head>`;
}

function sampleBanner(r: Results): Markup {
  if (!r.run.sample) return markup``;
  return markup`<div id="sample-banner" class="sample-banner" role="alert"><strong>⚠️ ${SAMPLE_TITLE}</strong></div>\n`;
}

function top(r: Results): Markup {
  const { run, tool } = r;
  const config = run.config.file
    ? markup`<code>${run.config.file}</code>${run.config.sha256 ? markup` (sha256 <code>${run.config.sha256}</code>)` : ''}`
    : markup`none — built-in defaults`;
  const rows: Array<[string, Markup | string]> = [
    ['Report type', reportTypeLine(run)],
    ['Run', markup`<code>${run.id}</code>`],
    ['Started (UTC)', run.startedAt],
    ['Finished (UTC)', run.finishedAt],
    ['Tool', `${tool.name} ${tool.version} (results schema ${r.schemaVersion})`],
    ['Configuration', config],
    ['Data', run.sample ? markup`<strong>SAMPLE DATA</strong> from the bundled demo estate` : 'collected from the systems in scope below'],
  ];
  return markup`<header class="top">
<h1>${reportTitle(run)}${run.sample ? ' — SAMPLE DATA' : ''}</h1>
${run.sample ? markup`<p class="sample-notice"><strong>${SAMPLE_TITLE}</strong> ${SAMPLE_NOTICE}</p>\n` : ''}<table class="meta-table"><tbody>
${rows.map(([k, v]) => markup`<tr><th scope="row">${k}</th><td>${v}</td></tr>\n`)}</tbody></table>
<p class="notice">${OPINION_NOTICE}</p>
</header>`;
}

function headline(r: Results): string {
  const s = r.summary;
  if (s.fail > 0) {
    const err = s.error ? `, and ${plural(s.error, 'control')} could not be evaluated (evidence incomplete)` : '';
    return `${plural(s.fail, 'control')} with deviations${incompleteFailuresText(r)}${err}.`;
  }
  if (s.error > 0) return `No deviations found, but ${plural(s.error, 'control')} could not be evaluated (evidence incomplete).`;
  const manual = s.manual ? ` ${plural(s.manual, 'manual control')} still need${s.manual === 1 ? 's' : ''} evidence attached by a person.` : '';
  return `No deviations detected by automated test.${manual}`;
}

function summary(r: Results): Markup {
  const s = r.summary;
  const covered = r.criteria.filter((c) => c.status !== 'not_covered').length;
  return markup`<section id="summary">
<h2>Summary</h2>
<p><strong>${headline(r)}</strong></p>
<div class="cards">
${REPORT_STATUS_ORDER.map(
  (st) => markup`<label class="card st-${st}" for="filter-${st}"><span class="n">${s[st]}</span><span class="l">${STATUS_LABEL[st]}</span><span class="m">${STATUS_MEANING[st]}</span></label>\n`,
)}<label class="card" for="filter-all"><span class="n">${s.total}</span><span class="l">Total</span><span class="m">all controls</span></label>
</div>
<ul>
<li><strong>Exit code ${s.exitCode}:</strong> ${exitCodeMeaning(s.exitCode, r.run.failOn)}.</li>
<li><strong>Fail-on threshold: ${r.run.failOn}</strong> — ${failOnMeaning(r.run.failOn)}.</li>
<li><strong>Criteria:</strong> ${covered} of ${r.criteria.length} criteria are mapped to at least one control; ${r.criteria.length - covered} are ${NOT_COVERED_TEXT}.</li>
</ul>
</section>`;
}

function scope(r: Results): Markup {
  const { run } = r;
  const sc = run.scope;
  const sources = scopeEntries(sc).map(([label, words]) => markup`<dt>${label}</dt><dd>${words.map((w) => (typeof w === 'string' ? w : markup`<code>${w.code}</code>`))}</dd>\n`);
  return markup`<section id="scope">
<h2>Scope</h2>
<dl class="facts">
<dt>Review period</dt><dd>${periodText(run)} (${reportTypeText(run)}). ${pointInTimeText(run)}</dd>
${sources}</dl>
${
  sc.notInScope.length
    ? markup`<h3>Left out of scope, and why</h3>
<ul>
${sc.notInScope.map((why) => markup`<li class="text">${why}</li>\n`)}</ul>`
    : ''
}
</section>`;
}

/** The Type 2 view: the history over the period, from results.json's `history`. */
function history(h: HistorySummary | undefined): Markup {
  if (!h) return markup``;
  const controls = historyControls(h);
  return markup`<section id="history">
<h2>${HISTORY_HEADING}</h2>
<p>${historyIntro(h)}</p>
<h3>What the evidence does not cover</h3>
<ul class="not-covered">
${notCovered(h).map((n) => markup`<li>${n.text}${n.items ? markup`<ul>${n.items.map((i) => markup`<li>${i}</li>`)}</ul>` : ''}</li>\n`)}</ul>
${
  controls.length
    ? markup`<h3>Controls over the period</h3>
<table class="history">
<thead><tr>${HISTORY_TABLE_HEADERS.map((t, i) => markup`<th${i === 2 || i === 3 ? markup` class="num"` : ''}>${t}</th>`)}</tr></thead>
<tbody>
${controls.map((c) => markup`<tr id="${anchor('history', c.id)}">${historyRow(c).map((cell, i) => (i === 0 ? markup`<td><a href="#${anchor('control', c.id)}">${cell}</a></td>` : markup`<td${i === 2 || i === 3 ? markup` class="num"` : ''}>${cell}</td>`))}</tr>\n`)}</tbody>
</table>
<p class="muted">${FAILING_FOR_NOTE}</p>\n`
    : ''
}</section>
`;
}

function provenance(r: Results): Markup {
  const a = r.run.attestation;
  const signature = !a ? markup`<span>${NOT_RECORDED}</span>`
    : a.signature.state === 'signed' ? markup`<span class="signature-signed">Signed</span> (Ed25519 key <code>${a.signature.keyid}</code>)`
      : markup`<span class="signature-unsigned">Unsigned</span>`;
  return markup`<section id="provenance">
<h2>Who ran it</h2>
<dl class="facts">
${provenanceLines(r.run.provenance).map(([k, v]) => markup`<dt>${k}</dt><dd class="text">${v}</dd>
`)}<dt>Signature as written</dt><dd>${signature}</dd>
<dt>Attestation</dt><dd class="text">${attestationText(a)}</dd>
</dl>
</section>`;
}

function criteria(r: Results): Markup {
  const sorted = sortCriteria(r.criteria);
  const series: Array<{ name: string; items: CriterionCoverage[] }> = [];
  for (const cr of sorted) {
    const last = series[series.length - 1];
    if (last && last.name === cr.series) last.items.push(cr);
    else series.push({ name: cr.series, items: [cr] });
  }
  const statuses: Array<CriterionCoverage['status']> = [...REPORT_STATUS_ORDER, 'not_covered'];
  return markup`<section id="criteria">
<h2>Criteria coverage</h2>
<p>All ${r.criteria.length} criteria of the 2017 Trust Services Criteria. A criterion no control maps to is ${NOT_COVERED_TEXT}: the auditor tests it with documents and interviews.</p>
<div class="legend">${statuses.map((s) => markup`${badge(s)} `)}</div>
<div class="matrix">
${series.map(
  (s) => markup`<div class="series"><h3>${s.name}</h3><div class="tiles">${s.items.map(
    (cr) => markup`<a class="tile st-${cr.status}" href="#${anchor('crit', cr.id)}" title="${cr.id} ${cr.title} — ${COVERAGE_LABEL[cr.status]}">${cr.id}</a>`,
  )}</div></div>\n`,
)}</div>
<table class="criteria">
<thead><tr><th>Criterion</th><th>Title</th><th>Status</th><th>Controls</th></tr></thead>
<tbody>
${sorted.map(
  (cr) => markup`<tr id="${anchor('crit', cr.id)}"><td>${cr.id}</td><td>${cr.title}</td><td>${badge(cr.status)} ${coverageText(cr.status)}</td><td>${
    cr.controls.length ? [...cr.controls].sort(compareText).map((id, i) => markup`${i ? ', ' : ''}<a href="#${anchor('control', id)}">${id}</a>`) : '—'
  }</td></tr>\n`,
)}</tbody>
</table>
</section>`;
}

function findingsTable(findings: readonly Finding[], withException = false): Markup {
  const sorted = sortFindings(findings);
  const hasType = sorted.some((f) => f.resourceType);
  const hasRegion = sorted.some((f) => f.region);
  const hasAccount = sorted.some((f) => f.account);
  const hasLocation = sorted.some((f) => f.location);
  return markup`<table class="findings">
<thead><tr><th class="resource">Resource</th>${hasType ? markup`<th>Type</th>` : ''}${hasRegion ? markup`<th>Region</th>` : ''}${hasAccount ? markup`<th>Account</th>` : ''}${
    hasLocation ? markup`<th>Location</th>` : ''
  }<th class="finding">Finding</th>${withException ? markup`<th class="finding">Exception</th>` : ''}</tr></thead>
<tbody>
${sorted.map(
  (f) => markup`<tr data-finding-status="${f.status}"><td><code>${f.resource}</code></td>${hasType ? markup`<td>${f.resourceType ?? ''}</td>` : ''}${
    hasRegion ? markup`<td>${f.region ?? ''}</td>` : ''
  }${hasAccount ? markup`<td>${f.account ?? ''}</td>` : ''}${hasLocation ? markup`<td>${f.location ? markup`<code>${locationText(f.location)}</code>` : ''}</td>` : ''}<td class="text">${
    f.message
  }</td>${withException ? markup`<td class="text">${f.exception ?? ''}</td>` : ''}</tr>\n`,
)}</tbody>
</table>`;
}

/** Entries a short list keeps open; a longer one starts folded. */
const OPEN_ENTRIES = 10;

/** Every entry behind each finding (every secret, every unpinned action), folded per finding and field; no limit. */
function entryLists(findings: readonly Finding[]): Markup {
  return markup`${sortFindings(findings).map((f) =>
    entryGroups(f).map(({ field, entries }) => {
      const beyond = entriesNotInResults(f);
      return markup`<details class="entries"${entries.length <= OPEN_ENTRIES ? markup` open` : ''}><summary><code>${f.resource}</code> — ${field} (${f.occurrenceCount ?? entries.length})</summary>
<table class="entries"><thead><tr><th>Location</th><th>Entry</th></tr></thead><tbody>
${entries.map((o) => markup`<tr><td>${o.location ? markup`<code>${locationText(o.location)}</code>` : ''}</td><td class="text">${o.text}</td></tr>\n`)}</tbody></table>
${beyond ? markup`<p class="muted">… and ${plural(beyond, 'more entry', 'more entries')} beyond results.json: ${f.evidence ? markup`the evidence (<code>${f.evidence}</code>) lists them` : 'the evidence lists them'}.</p>\n` : ''}</details>\n`;
    }),
  )}`;
}

function findingGroups(c: ControlResult): Markup {
  const by = (s: Finding['status']) => c.findings.filter((f) => f.status === s);
  const open: Array<[Finding['status'], string]> = [
    ['fail', 'Deviations'],
    ['error', 'Items that could not be read'],
    ['excepted', 'Excepted items'],
  ];
  const notApplicable = by('not_applicable');
  return markup`${open.map(([s, title]) => {
    const list = by(s);
    return list.length ? markup`<h4>${title} (${list.length})</h4>\n${findingsTable(list, s === 'excepted')}\n${entryLists(list)}` : '';
  })}${passingItems(c)}${notApplicable.length ? markup`<details><summary>Items not applicable (${notApplicable.length})</summary>\n${findingsTable(notApplicable)}\n</details>\n` : ''}`;
}

/**
 * Passing items as a count with links to the evidence files that list them: the page stays quick
 * to open however many resources pass.
 */
function passingItems(c: ControlResult): Markup {
  const n = c.counts.pass;
  if (!n) return markup``;
  const files = evidenceFilesOf(c);
  return markup`<p class="passing"><strong>Items that meet the requirement (${n})</strong>: counted here; ${
    files.length ? markup`the evidence lists them: ${files.map((f, i) => markup`${i ? ', ' : ''}<a href="${evidenceHref(f)}"><code>${f}</code></a>`)}` : 'the evidence lists them'
  }.</p>\n`;
}

/**
 * A link from report.html to a file of the report folder (evidence paths are relative to it). It
 * starts with "./" and every segment is percent-encoded, so no scheme or host can form; a segment
 * that would climb out of the folder or collapse ("..", ".", empty) becomes "_" (only a hand-made
 * results.json has one). Every path gets a link, so the page's structure never depends on the text.
 */
function evidenceHref(file: string): string {
  return `./${file.split('/').map((s) => (s === '' || s === '.' || s === '..' ? '_' : encodeUriSegment(s))).join('/')}`;
}

function facts(c: ControlResult): Markup {
  const params =
    c.params !== undefined && c.params !== null && !(typeof c.params === 'object' && Object.keys(c.params).length === 0)
      ? markup`<dt>Parameters</dt><dd><code>${JSON.stringify(c.params) ?? 'null'}</code></dd>`
      : '';
  return markup`<dl class="facts">
<dt>Status</dt><dd>${badge(c.status)} ${STATUS_MEANING[c.status]}${isIncompleteFailure(c) ? markup`; <strong>${INCOMPLETE_FAILURE_TEXT}</strong>` : ''}</dd>
<dt>Severity</dt><dd>${SEVERITY_LABEL[c.severity]}</dd>
<dt>Criteria</dt><dd>${c.criteria.length ? c.criteria.map((id, i) => markup`${i ? ', ' : ''}<a href="#${anchor('crit', id)}">${id}</a>`) : 'none mapped'}</dd>
<dt>Control file</dt><dd><code>${c.source}</code></dd>
${c.collector ? markup`<dt>Collector</dt><dd><code>${c.collector}</code></dd>` : ''}${params}${tuned(c)}
</dl>`;
}

function tuned(c: ControlResult): Markup {
  const changes = tuningChanges(c);
  if (!changes.length) return markup``;
  return markup`<dt>Changed by the configuration</dt><dd>${changes.map(
    (t, i) => markup`${i ? '; ' : ''}${t.what} <code>${t.defined}</code> → <code>${t.configured}</code>`,
  )} (the control file defines the first value)</dd>`;
}

function about(c: ControlResult, label = 'What is checked'): Markup {
  return markup`<p><strong>${label}:</strong> <span class="text">${c.description}</span></p>
${c.rationale ? markup`<p><strong>Why it matters:</strong> <span class="text">${c.rationale}</span></p>` : ''}`;
}

function closing(c: ControlResult, withRemediation: boolean): Markup {
  const ev = [...c.evidence].sort((a, b) => compareText(a.file, b.file));
  return markup`${withRemediation ? markup`<div class="remediation"><h4>Remediation</h4><p class="text">${c.remediation}</p></div>\n` : ''}${
    c.references.length ? markup`<p><strong>References:</strong> ${c.references.map((u, i) => markup`${i ? ', ' : ''}${link(u)}`)}</p>\n` : ''
  }${
    ev.length
      ? markup`<p><strong>Evidence:</strong> ${ev.map((e, i) => markup`${i ? ', ' : ''}<a href="#${anchor('evidence', e.file)}"><code>${e.file}</code></a> (collected ${e.collectedAt})`)}</p>\n`
      : ''
  }`;
}

/** The gaps in a control's evidence and what to do about them (an error, or a failure that could not check everything). */
function incompleteness(c: ControlResult): Markup {
  const gaps = sortedGaps(c);
  return markup`${
    gaps.length
      ? markup`<h4>Gaps in the evidence</h4>
<ul>
${gaps.map((g) => markup`<li><strong>${g.kind}</strong>${g.resource ? markup` · <code>${g.resource}</code>` : ''}: <span class="text">${g.message}</span>${g.permission ? markup` (needs <code>${g.permission}</code>)` : ''}</li>\n`)}</ul>\n`
      : ''
  }<h4>What to do</h4>
<ol>
${errorActions(c).map((a) => markup`<li>${a}</li>\n`)}</ol>
`;
}

function controlBody(c: ControlResult): Markup {
  switch (c.status) {
    case 'fail':
    case 'pass':
      return markup`<p><strong>Result:</strong> ${deviationText(c)}.</p>
<p><strong>Why:</strong> <span class="text">${c.statusReason}</span></p>
${about(c)}
${c.status === 'fail' && c.incomplete ? incompleteness(c) : ''}${findingGroups(c)}${closing(c, c.status === 'fail')}`;
    case 'excepted':
      return markup`<p><strong>Result:</strong> ${deviationText(c)}.</p>
<p><strong>Why:</strong> <span class="text">${c.statusReason}</span></p>
<p class="exception-note">An exception is management’s acceptance of a known deviation, not a test result; the auditor evaluates it.</p>
${about(c)}
${findingGroups(c)}${closing(c, true)}`;
    case 'error':
      return markup`<p><strong>Why it could not be evaluated:</strong> <span class="text">${c.statusReason}</span></p>
${about(c)}
${incompleteness(c)}${findingGroups(c)}${closing(c, findingCounts(c).deviations > 0)}`;
    case 'manual':
    case 'attested': {
      const needed = c.evidenceRequired ?? [];
      if (c.manualEvidence) {
        return markup`${about(c, 'What is required')}
<p><strong>${c.status === 'attested' ? 'Attested' : 'Where it stands'}:</strong> <span class="text">${c.statusReason}</span></p>
${manualEvidence(c)}${closing(c, false)}`;
      }
      return markup`${about(c, 'What is required')}
${
  needed.length
    ? markup`<h4>Attach exactly this evidence to the audit file</h4>
<ol class="checklist">
${needed.map((e) => markup`<li class="text">${e}</li>\n`)}</ol>\n`
    : markup`<p><strong>Evidence to attach:</strong> <span class="text">${c.statusReason}</span></p>\n`
}${closing(c, false)}`;
    }
    case 'not_applicable':
      return markup`<p><strong>Why:</strong> <span class="text">${c.statusReason}</span></p>
${closing(c, false)}`;
  }
}

const REQUIREMENT_LABEL = { covered: 'attested', expired: 'expired', missing: 'missing' } as const;

function manualEvidence(c: ControlResult): Markup {
  const me = c.manualEvidence!;
  return markup`<h4>Required records</h4>
<ol class="requirements">
${me.requirements.map((req) => markup`<li><span class="req-${req.state}">${REQUIREMENT_LABEL[req.state]}</span> — <span class="text">${req.item}</span>${
    req.attestations.length
      ? markup`<ul>${req.attestations.map((k) => me.attestations[k]!).map((a) => markup`<li>${a.attestedBy}, ${a.attestedOn}, valid until ${a.validUntil}${a.expired ? markup` (<strong>expired</strong>)` : ''} <span class="muted">(${a.at})</span>: ${a.evidence.map(
        (e, i) => markup`${i ? ', ' : ''}${e.kind === 'file' ? markup`<code>${e.file}</code> <span class="muted">sha256 <code class="hash">${e.sha256}</code></span>` : link(e.url)}`,
      )}${a.note ? markup` — <span class="text">${a.note}</span>` : ''}</li>`)}</ul>`
      : ''
  }</li>\n`)}</ol>
`;
}

function control(c: ControlResult): Markup {
  return markup`<article class="control st-${c.status}" id="${anchor('control', c.id)}" data-status="${c.status}" data-severity="${c.severity}">
<h3>${badge(c.status)} <span class="cid">${c.id}</span> — ${c.title}</h3>
${facts(c)}
${controlBody(c)}</article>
`;
}

function controls(r: Results): Markup {
  const sorted = sortControlsForReport(r.controls);
  const groups = REPORT_STATUS_ORDER.map((status) => ({ status, list: sorted.filter((c) => c.status === status) })).filter((g) => g.list.length);
  return markup`<section id="controls">
<h2>Controls</h2>
<div class="filters" role="group" aria-label="Show controls by status"><span>Show:</span>
<label class="chip" for="filter-all">All (${r.controls.length})</label>
${REPORT_STATUS_ORDER.map((s) => markup`<label class="chip" for="filter-${s}">${STATUS_LABEL[s]} (${sorted.filter((c) => c.status === s).length})</label>\n`)}</div>
${groups.map(
  (g) => markup`<section class="group" data-status="${g.status}" id="group-${g.status}">
<h2>${STATUS_HEADING[g.status]} (${g.list.length})</h2>
${g.list.map(control)}</section>
`,
)}${groups.length ? '' : markup`<p>No controls were evaluated in this run.</p>`}
</section>`;
}

/**
 * API calls the appendix lists per evidence file. The file's closing line holds every call (and
 * results.json too); listing thousands here made the appendix most of a large estate's report.
 */
export const CALLS_SHOWN = 50;

function callsTable(ref: EvidenceRef): Markup {
  if (!ref.calls.length) return markup`<p>No API calls recorded.</p>`;
  const shown = ref.calls.slice(0, CALLS_SHOWN);
  const more = ref.calls.length - shown.length;
  return markup`${more > 0 ? markup`<p>The first ${CALLS_SHOWN} of ${ref.calls.length} calls; all of them are in the last line of <a href="${evidenceHref(ref.file)}"><code>${ref.file}</code></a> and in results.json.</p>
` : ''}<table class="calls">
<thead><tr><th>Source</th><th>Operation</th><th>Parameters</th><th>At (UTC)</th><th>Request id</th><th class="num">Status</th><th>Region / host</th><th class="num">Pages</th><th class="num">Items</th></tr></thead>
<tbody>
${shown.map(
  (call) => markup`<tr><td>${call.source}</td><td><code>${call.operation}</code></td><td><code>${JSON.stringify(call.params)}</code></td><td>${call.at}</td><td><code>${
    call.requestId ?? ''
  }</code></td><td class="num">${call.status ?? ''}</td><td>${call.region ?? call.host ?? ''}</td><td class="num">${call.pages ?? ''}</td><td class="num">${call.items ?? ''}</td></tr>\n`,
)}</tbody>
</table>`;
}

function appendix(r: Results): Markup {
  const uses = evidenceIndex(r.controls);
  if (!uses.length) return markup`<section id="evidence"><h2>Evidence appendix</h2><p>No evidence files were written in this run.</p></section>`;
  const attachments = uses
    .flatMap(({ ref }) => (ref.attachments ?? []).map((a) => ({ ...a, of: ref.file })))
    .sort((a, b) => compareText(a.file, b.file));
  return markup`<section id="evidence">
<h2>Evidence appendix</h2>
<p>Each evidence file records every API call that produced it (operation, parameters, time, request id), and every file of the run is listed with its SHA-256 in <code>attestation.intoto.jsonl</code>. The SHA-256 below lets anyone check a file was not edited after the run.</p>
<table class="evidence">
<thead><tr><th>File and collector</th><th>SHA-256</th><th>Collected (UTC)</th><th>Complete</th><th class="num">Resources</th><th class="num">API calls</th><th>Used by</th></tr></thead>
<tbody>
${uses.map(
  ({ ref, controls }) => markup`<tr id="${anchor('evidence', ref.file)}"><td><code>${ref.file}</code><br><span class="muted">${ref.collector}</span></td><td><code class="hash">${
    ref.sha256
  }</code></td><td>${ref.collectedAt}<br><span class="muted">to ${ref.finishedAt}</span></td><td>${
    ref.complete ? 'yes' : markup`<strong>no</strong> — ${plural(ref.gaps.length, 'gap')}`
  }</td><td class="num">${ref.resourceCount}</td><td class="num">${ref.calls.length}</td><td>${controls.map(
    (id, i) => markup`${i ? ', ' : ''}<a href="#${anchor('control', id)}">${id}</a>`,
  )}</td></tr>\n`,
)}</tbody>
</table>
${
  attachments.length
    ? markup`<h3>Attachments</h3>
<table class="attachments"><thead><tr><th>File</th><th>SHA-256</th><th>Attached to</th></tr></thead><tbody>
${attachments.map((a) => markup`<tr><td><code>${a.file}</code></td><td><code>${a.sha256}</code></td><td><code>${a.of}</code></td></tr>\n`)}</tbody></table>\n`
    : ''
}<h3>API calls per evidence file</h3>
${uses.map(
  ({ ref }) =>
    markup`<details><summary><code>${ref.file}</code> — ${plural(ref.calls.length, 'call')}: ${operationCounts(ref.calls).map(
      (o, i) => markup`${i ? ', ' : ''}<code>${o.operation}</code> ×${o.count}`,
    )}</summary>\n${callsTable(ref)}\n</details>\n`,
)}</section>`;
}

/** The report's last section (only the colophon follows): what the run read, kept, redacted and minimised, and that it sent nothing elsewhere. */
function dataHandling(r: Results): Markup {
  const t = dataHandlingText(r.dataHandling);
  if (!t) return markup`<section id="data-handling"><h2>Data handling</h2><p>Data handling: ${NOT_RECORDED}.</p></section>`;
  return markup`<section id="data-handling">
<h2>Data handling</h2>
<h3>Read</h3>
<ul>
${t.read.map((l) => markup`<li class="text">${l}</li>\n`)}</ul>
<h3>Kept</h3>
<p>The fields evidence files keep about each resource; nothing else of what the APIs answered was written.</p>
<ul>
${t.kept.length ? t.kept.map((l) => markup`<li class="text">${l}</li>\n`) : markup`<li>no evidence files</li>\n`}</ul>
<h3>Redacted and minimised</h3>
<ul>
${t.changed.map((l) => markup`<li class="text">${l}</li>\n`)}</ul>
<p><strong>${t.nowhereElse}</strong></p>
</section>`;
}

function footer(r: Results): Markup {
  return markup`<footer><p>Generated by ${r.tool.name} ${r.tool.version} from results.json (schema ${r.schemaVersion}) for run <code>${r.run.id}</code>.${
    r.run.sample ? markup` <strong>${SAMPLE_TITLE}</strong>` : ''
  } Re-render any format with <code>soc2 report results.json</code>.</p></footer>`;
}

function render(r: Results): string {
  const filters = ['all', ...REPORT_STATUS_ORDER].map(
    (s) => markup`<input class="filter-input" type="radio" name="status-filter" id="filter-${s}" value="${s}"${s === 'all' ? markup` checked` : ''} aria-label="Show ${s === 'all' ? 'all controls' : `${STATUS_LABEL[s as ControlStatus]} controls`}">\n`,
  );
  const page = markup`<!DOCTYPE html>
<html lang="en">
${head(r)}
<body${r.run.sample ? markup` class="sample"` : ''}>
${sampleBanner(r)}${top(r)}
${filters}<main>
<nav><p><a href="#summary">Summary</a> · <a href="#scope">Scope</a> · <a href="#provenance">Who ran it</a> · ${r.history ? markup`<a href="#history">History</a> · ` : ''}<a href="#criteria">Criteria coverage</a> · <a href="#controls">Controls</a> · <a href="#evidence">Evidence appendix</a> · <a href="#data-handling">Data handling</a></p></nav>
${summary(r)}
${scope(r)}
${provenance(r)}
${history(r.history)}${criteria(r)}
${controls(r)}
${appendix(r)}
${dataHandling(r)}
</main>
${footer(r)}
</body>
</html>
`;
  return page.value;
}

export const html: Renderer = {
  format: 'html',
  extension: '.html',
  fileName: 'report.html',
  render,
};
