/**
 * The 61 AICPA Trust Services Criteria (2017) as an OSCAL catalog, built from data/tsc-2017.tsv:
 * one group per category (Security, Availability, …), one sub-group per series (CC1 Control
 * Environment, …), one control per criterion whose id is the criterion id (CC6.1). The titles are
 * the short paraphrases soc2 ships; the criteria text itself belongs to the AICPA and is not
 * reproduced. Assessment results embed this catalog so their finding targets resolve offline.
 */
import { createHash } from 'node:crypto';
import { criteriaCatalogue, type Criterion } from '../controls/criteria.js';
import { compareCriteria } from './format.js';

export const OSCAL_VERSION = '1.1.3';

/** Namespace of soc2's own OSCAL property names (a URN: soc2 owns no domain). */
export const SOC2_NS = 'urn:soc2:oscal';

/** A fixed random namespace for soc2's name-based (version 5) UUIDs. */
const UUID_NAMESPACE = '6632e48d-605b-4629-a2ce-29329feb9195';

/**
 * RFC 4122 version 5 (SHA-1, name-based) UUID. OSCAL requires version 4 or 5; name-based ones
 * let a renderer stay a pure function: the same run renders the same identifiers every time.
 */
export function uuidV5(name: string, namespace = UUID_NAMESPACE): string {
  const h = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The catalog's UUID does not depend on the run: every run references the same catalogue. */
export const TSC_CATALOG_UUID = uuidV5('catalog/aicpa-tsc-2017');

const CATEGORIES: ReadonlyArray<{ prefix: string; id: string; title: string }> = [
  { prefix: 'CC', id: 'security', title: 'Security (Common Criteria)' },
  { prefix: 'A', id: 'availability', title: 'Availability' },
  { prefix: 'C', id: 'confidentiality', title: 'Confidentiality' },
  { prefix: 'PI', id: 'processing-integrity', title: 'Processing Integrity' },
  { prefix: 'P', id: 'privacy', title: 'Privacy' },
];

interface OscalControl {
  id: string;
  class: 'criterion';
  title: string;
  props: Array<{ name: string; value: string }>;
}

export interface TscCatalog {
  catalog: {
    uuid: string;
    metadata: { title: string; 'last-modified': string; version: string; 'oscal-version': string; remarks: string };
    groups: Array<{ id: string; class: 'category'; title: string; groups: Array<{ id: string; class: 'series'; title: string; controls: OscalControl[] }> }>;
  };
}

const prefixOf = (id: string) => /^[A-Z]+/.exec(id)?.[0] ?? '';

/** @param lastModified the document time OSCAL requires; the caller's, so the output stays deterministic. */
export function tscCatalog(lastModified: string): TscCatalog {
  const criteria = [...criteriaCatalogue().values()].sort((a, b) => compareCriteria(a.id, b.id));
  const groups = CATEGORIES.map((cat) => {
    const bySeries = new Map<string, Criterion[]>();
    for (const c of criteria.filter((x) => prefixOf(x.id) === cat.prefix)) bySeries.set(c.series, [...(bySeries.get(c.series) ?? []), c]);
    return {
      id: cat.id,
      class: 'category' as const,
      title: cat.title,
      groups: [...bySeries].map(([series, members]) => ({
        id: series.split(' ')[0]!.toLowerCase(),
        class: 'series' as const,
        title: series,
        controls: members.map((c) => ({ id: c.id, class: 'criterion' as const, title: c.title, props: [{ name: 'label', value: c.id }] })),
      })),
    };
  }).filter((g) => g.groups.length > 0);
  return {
    catalog: {
      uuid: TSC_CATALOG_UUID,
      metadata: {
        title: 'AICPA Trust Services Criteria (2017) — the 61 criteria, as soc2 names them',
        'last-modified': lastModified,
        version: '2017',
        'oscal-version': OSCAL_VERSION,
        remarks: 'Built by soc2 from its data/tsc-2017.tsv. Control ids are the criteria ids (CC6.1); titles are short paraphrases. The criteria text and points of focus are published by the AICPA and are not reproduced here.',
      },
      groups,
    },
  };
}
