/**
 * assessment-results.oscal.json: the run as OSCAL 1.1.3 assessment results (NIST's JSON model),
 * for GRC tools that import OSCAL. One result for the run; one observation per finding (or per
 * control with no findings), citing its evidence file; one OSCAL finding per control and criterion,
 * targeting the criterion in the embedded catalogue of the 61 Trust Services Criteria.
 *
 * Only a passing control is "satisfied". Every other status — fail, error, manual, attested,
 * excepted, not applicable — is "not-satisfied" with reason "other" unless it failed, and the soc2 status is
 * kept in a property, so no import can read "not evaluated" as "met".
 *
 * soc2 writes no separate assessment plan: import-ap points at a back-matter resource saying the
 * plan is the run's own controls, with results.json beside this file. All UUIDs are name-based
 * (version 5) from the run id, so the renderer stays a pure function of results.json.
 */
import type { ControlResult, EvidenceRef, Finding, Results } from '../results.js';
import {
  OPINION_NOTICE,
  SAMPLE_NOTICE,
  SAMPLE_TITLE,
  STATUS_LABEL,
  STATUS_MEANING,
  compareCriteria,
  compareFindings,
  compareText,
  encodeUriSegment,
  findingStatusRank,
  listedFindings,
  oneLine,
  periodText,
  reportTitle,
  sortControlsById,
} from './format.js';
import { OSCAL_VERSION, SOC2_NS, TSC_CATALOG_UUID, tscCatalog, uuidV5 } from './oscal-catalog.js';
import { criteriaCatalogue } from '../controls/criteria.js';
import type { Renderer } from './types.js';
import { dataHandlingParagraph, pointInTimeText, sourceProperties } from './run-context.js';

interface Prop {
  name: string;
  ns: string;
  value: string;
}

/** OSCAL property values are non-empty single lines; anything else is left out, never mangled into "". */
function props(entries: Array<[string, string | number | boolean | undefined | null]>): Prop[] {
  const out: Prop[] = [];
  for (const [name, raw] of entries) {
    if (raw === undefined || raw === null) continue;
    const value = oneLine(String(raw));
    if (value) out.push({ name, ns: SOC2_NS, value });
  }
  return out;
}

/** Paths as URI references: each segment percent-encoded, so a space or a # cannot change the meaning. */
function href(path: string): string {
  return path.split('/').map(encodeUriSegment).join('/');
}

function withProps<T extends object>(o: T, p: Prop[]): T & { props?: Prop[] } {
  return p.length ? { ...o, props: p } : o;
}

function mediaType(path: string): string {
  if (path.endsWith('.json')) return 'application/json';
  if (path.endsWith('.csv')) return 'text/csv';
  return 'application/octet-stream';
}

type TargetState = { state: 'satisfied' | 'not-satisfied'; reason: 'pass' | 'fail' | 'other' };

function targetStatus(status: ControlResult['status']): TargetState {
  if (status === 'pass') return { state: 'satisfied', reason: 'pass' };
  if (status === 'fail') return { state: 'not-satisfied', reason: 'fail' };
  return { state: 'not-satisfied', reason: 'other' };
}

/** One observation per finding that is not a pass; passing resources are counted and listed in the evidence. */
function sortedFindings(c: ControlResult): Finding[] {
  return listedFindings(c).sort((a, b) => findingStatusRank(a.status) - findingStatusRank(b.status) || compareFindings(a, b));
}

/** Who ran it, as OSCAL properties (single-line values; unknown identities say why). */
function provenanceProps(results: Results): Array<[string, string | undefined | null]> {
  const p = results.run.provenance;
  const a = results.run.attestation;
  const out: Array<[string, string | undefined | null]> = [];
  if (p) {
    out.push(...sourceProperties(results.run).identity);
    if (p.ci) out.push(['ci-system', p.ci.system], ['ci-repository', p.ci.repository], ['ci-workflow', p.ci.workflow], ['ci-run-id', p.ci.runId], ['ci-run-url', p.ci.runUrl], ['ci-commit', p.ci.commit]);
  }
  if (a) out.push(['attestation-signature', a.signature.state], ['attestation-keyid', a.signature.state === 'signed' ? a.signature.keyid : undefined], ['previous-statement-sha256', a.previousStatement?.sha256]);
  return out;
}

function manualEvidenceOf(c: ControlResult): Array<{ href: string; description: string; props?: Prop[] }> {
  return (c.manualEvidence?.attestations ?? []).flatMap((a) => a.evidence.map((e) => e.kind === 'file'
    ? { href: href(e.file), description: `Attested by ${a.attestedBy} on ${a.attestedOn}, valid until ${a.validUntil}${a.expired ? ' (expired)' : ''}: ${e.source}.`, props: props([['sha256', e.sha256]]) }
    : { href: e.url, description: `Attested by ${a.attestedBy} on ${a.attestedOn}, valid until ${a.validUntil}${a.expired ? ' (expired)' : ''}: a link.` }));
}

function render(results: Results): string {
  const { run } = results;
  const manualFiles = results.controls
    .flatMap((c) => (c.manualEvidence?.attestations ?? []).flatMap((a) => a.evidence.flatMap((e) => (e.kind === 'file' ? [{ ...e, control: c.id }] : []))))
    .filter((m, i, all) => all.findIndex((x) => x.file === m.file) === i)
    .sort((a, b) => compareText(a.file, b.file));
  const id = (name: string) => uuidV5(`run/${run.id}/${name}`);
  const toolComponent = id('component/soc2');
  const planResource = id('resource/assessment-plan');
  const actor = [{ actors: [{ type: 'tool', 'actor-uuid': toolComponent }] }];
  const known = criteriaCatalogue();

  const evidenceByFile = new Map<string, EvidenceRef>();
  for (const c of results.controls) for (const e of c.evidence) if (!evidenceByFile.has(e.file)) evidenceByFile.set(e.file, e);
  const evidenceFiles = [...evidenceByFile.keys()].sort(compareText);
  const evidenceResource = (file: string) => id(`resource/evidence/${file}`);

  // One entry per evidence file, shared by every observation that cites it: thousands of findings cite the same few files.
  const evidenceEntries = new Map<string, object>();
  const evidenceEntry = (f: string) => {
    let entry = evidenceEntries.get(f);
    if (!entry) {
      const e = evidenceByFile.get(f)!;
      entry = {
        href: href(f),
        description: `Evidence file written by collector ${e.collector}: ${e.resourceCount} resource${e.resourceCount === 1 ? '' : 's'}, ${e.complete ? 'complete' : 'incomplete'}, collected from ${e.collectedAt} to ${e.finishedAt}.`,
        props: props([['sha256', e.sha256]]),
        links: [{ href: `#${evidenceResource(f)}`, rel: 'reference' }],
      };
      evidenceEntries.set(f, entry);
    }
    return entry;
  };
  const relevantEvidence = (files: readonly string[]) => files.filter((f) => evidenceByFile.has(f)).map(evidenceEntry);
  const collectedAt = (files: readonly string[]) => files.map((f) => evidenceByFile.get(f)?.collectedAt).filter((t): t is string => !!t).sort(compareText)[0] ?? run.startedAt;

  const observations: object[] = [];
  const findings: object[] = [];
  const reviewed = new Set<string>();

  for (const c of sortControlsById(results.controls)) {
    const controlObservations: string[] = [];
    const method = c.type === 'manual' ? 'EXAMINE' : 'TEST';
    const list = sortedFindings(c);
    if (list.length) {
      list.forEach((f, i) => {
        const uuid = id(`observation/${c.id}/${i}`);
        controlObservations.push(uuid);
        const files = f.evidence ? [f.evidence] : [];
        const evidence = relevantEvidence(files);
        observations.push(
          withProps(
            {
              uuid,
              title: `${c.id}: ${f.resource}`,
              description: f.exception ? `${f.message}\nException: ${f.exception}` : f.message,
              methods: [method],
              origins: actor,
              ...(evidence.length ? { 'relevant-evidence': evidence } : {}),
              collected: collectedAt(files),
            },
            props([['control-id', c.id], ['finding-status', f.status], ['resource', f.resource], ['resource-type', f.resourceType], ['region', f.region], ['account', f.account]]),
          ),
        );
      });
    } else {
      const uuid = id(`observation/${c.id}`);
      controlObservations.push(uuid);
      const files = c.evidence.map((e) => e.file).sort(compareText);
      const evidence = relevantEvidence(files);
      const attach = c.status === 'manual' && c.evidenceRequired?.length && !c.manualEvidence ? `\nEvidence to attach: ${c.evidenceRequired.join('; ')}` : '';
      const manual = manualEvidenceOf(c);
      observations.push(
        withProps(
          {
            uuid,
            title: `${c.id}: ${c.title}`,
            description: `${c.statusReason}${attach}`,
            methods: [method],
            origins: actor,
            ...(evidence.length || manual.length ? { 'relevant-evidence': [...evidence, ...manual] } : {}),
            collected: collectedAt(files),
          },
          props([['control-id', c.id], ['control-status', c.status]]),
        ),
      );
    }

    for (const criterion of [...new Set(c.criteria)].filter((x) => known.has(x))) {
      reviewed.add(criterion);
      findings.push({
        uuid: id(`finding/${c.id}/${criterion}`),
        title: `${criterion} — ${c.id}: ${c.title}`,
        description: `${STATUS_LABEL[c.status]} (${STATUS_MEANING[c.status]}): ${c.statusReason}`,
        props: props([['control-id', c.id], ['control-status', c.status], ['severity', c.severity], ['control-source', c.builtin ? 'soc2 built-in library' : c.source]]),
        origins: actor,
        target: {
          type: 'objective-id',
          'target-id': criterion,
          status: targetStatus(c.status),
          ...(c.status === 'pass' ? {} : c.status === 'attested'
            ? { remarks: 'Attested by a person, with the records attached (see the related observation); the assessor examines them. Not an automated test.' }
            : { remarks: `Remediation: ${c.remediation}` }),
        },
        'related-observations': controlObservations.map((u) => ({ 'observation-uuid': u })),
      });
    }
  }

  const reviewedIds = [...reviewed].sort(compareCriteria);
  const notCovered = results.criteria.filter((cr) => cr.status === 'not_covered').map((cr) => cr.id).sort(compareCriteria);
  const catalog = tscCatalog(run.finishedAt);
  const title = run.sample ? `${SAMPLE_TITLE} ${reportTitle(run)}` : reportTitle(run);
  const remarks = [run.sample ? SAMPLE_NOTICE : '', OPINION_NOTICE].filter(Boolean).join('\n');

  const result = {
    uuid: id('result'),
    title: `soc2 run ${run.id}`,
    description: `${pointInTimeText(run)} Run from ${run.startedAt} to ${run.finishedAt}.`,
    start: run.startedAt,
    end: run.finishedAt,
    props: props([
      ['run-id', run.id],
      ['report-type', run.reportType],
      ['period-start', run.period.start],
      ['period-end', run.period.end],
      ['fail-on', run.failOn],
      ['exit-code', results.summary.exitCode],
      ['sample-data', run.sample],
      ['config-file', run.config.file],
      ['config-sha256', run.config.sha256],
      ...sourceProperties(run).scope,
      ...provenanceProps(results),
    ]),
    'local-definitions': {
      'assessment-assets': {
        components: [
          {
            uuid: toolComponent,
            type: 'software',
            title: `${results.tool.name} ${results.tool.version}`,
            description: 'The soc2 command line tool: collects evidence from AWS Config, GitHub and the repository and decides each control by its assertion, with no person in the loop.',
            props: props([['version', results.tool.version]]),
            status: { state: 'operational' },
          },
        ],
        'assessment-platforms': [{ uuid: id('platform'), title: `${results.tool.name} ${results.tool.version}`, 'uses-components': [{ 'component-uuid': toolComponent }] }],
      },
    },
    'reviewed-controls': {
      description: 'The Trust Services Criteria (2017) that at least one control of this run maps to. Criterion ids are control ids in the catalogue in back-matter.',
      links: [{ href: `#${TSC_CATALOG_UUID}`, rel: 'reference', text: 'AICPA Trust Services Criteria (2017) catalogue' }],
      'control-selections': [reviewedIds.length ? { 'include-controls': reviewedIds.map((cid) => ({ 'control-id': cid })) } : { description: 'No control of this run maps to a criterion.' }],
      ...(notCovered.length ? { remarks: `Not covered by automated evidence (manual evidence required): ${notCovered.join(', ')}.` } : {}),
    },
    ...(observations.length ? { observations } : {}),
    ...(findings.length ? { findings } : {}),
    remarks,
  };

  const document = {
    'assessment-results': {
      uuid: id('assessment-results'),
      metadata: {
        title,
        'last-modified': run.finishedAt,
        version: run.id,
        'oscal-version': OSCAL_VERSION,
        props: props([['tool', `${results.tool.name} ${results.tool.version}`]]),
        remarks,
      },
      'import-ap': {
        href: `#${planResource}`,
        remarks: 'soc2 writes no separate OSCAL assessment plan; see the referenced resource.',
      },
      results: [result],
      'back-matter': {
        resources: [
          {
            uuid: planResource,
            title: 'Assessment plan: the soc2 controls of this run',
            description: 'The plan is the set of controls this run evaluated, as results.json records them: for each control its collector, parameters, assertion source and criteria, run once, at one point in time inside the review period. results.json is written beside this file.',
            rlinks: [{ href: 'results.json', 'media-type': 'application/json' }],
          },
          {
            uuid: TSC_CATALOG_UUID,
            title: 'AICPA Trust Services Criteria (2017): catalogue of the 61 criteria',
            description: 'An OSCAL catalog (base64-encoded JSON) built by soc2 from data/tsc-2017.tsv. Finding targets name its control ids.',
            base64: { filename: 'tsc-2017.catalog.oscal.json', 'media-type': 'application/oscal.catalog+json', value: Buffer.from(JSON.stringify(catalog), 'utf8').toString('base64') },
          },
          ...manualFiles.map((m) => ({
            uuid: id(`resource/evidence/${m.file}`),
            title: m.file,
            description: `Manual evidence for ${m.control}, named in the attestations file as ${m.source}.`,
            rlinks: [{ href: href(m.file), 'media-type': 'application/octet-stream', hashes: [{ algorithm: 'SHA-256', value: m.sha256 }] }],
          })),
          ...evidenceFiles.flatMap((f) => {
            const e = evidenceByFile.get(f)!;
            const file = (path: string, sha256: string, description: string) => ({
              uuid: evidenceResource(path),
              title: path,
              description,
              rlinks: [{ href: href(path), 'media-type': mediaType(path), hashes: [{ algorithm: 'SHA-256', value: sha256 }] }],
            });
            return [
              file(f, e.sha256, `Evidence file written by collector ${e.collector}.`),
              ...[...(e.attachments ?? [])].sort((a, b) => compareText(a.file, b.file)).map((a) => file(a.file, a.sha256, `Attachment of ${f} (for example a population to sample from).`)),
            ];
          }),
          {
            uuid: id('resource/data-handling'),
            title: 'Data-handling statement',
            description: dataHandlingParagraph(results.dataHandling),
          },
        ],
      },
    },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export const oscal: Renderer = {
  format: 'oscal',
  extension: '.json',
  fileName: 'assessment-results.oscal.json',
  render,
};
