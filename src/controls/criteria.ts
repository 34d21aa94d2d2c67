/**
 * The 2017 AICPA Trust Services Criteria catalogue (61 ids), shipped as data/tsc-2017.tsv.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../paths.js';

export interface Criterion {
  id: string;
  category: string;
  series: string;
  title: string;
}

let catalogue: Map<string, Criterion> | undefined;

export function criteriaCatalogue(): Map<string, Criterion> {
  if (catalogue) return catalogue;
  const text = readFileSync(join(dataDir, 'tsc-2017.tsv'), 'utf8');
  const rows = text.trim().split('\n').slice(1);
  catalogue = new Map();
  for (const row of rows) {
    const [id, category, series, title] = row.split('\t');
    if (!id || !category || !series || !title) continue;
    catalogue.set(id, { id, category, series, title });
  }
  return catalogue;
}

/** 'CC6.1' → 'CC6'; 'A1.2' → 'A1'. */
export function criteriaFamily(id: string): string {
  return id.split('.')[0] ?? id;
}
