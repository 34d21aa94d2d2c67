/**
 * `soc2 sample`: a reproducible random sample of a population CSV (for example the change
 * population a run writes under evidence/github/), printed with each sampled row's content and
 * where it is in the file. The algorithm is documented in src/evidence/sampling.ts and the README
 * so an auditor can re-draw the same rows, with soc2 or without it.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { readInputFile } from '../../input-file.js';
import { PopulationFormatError, parsePopulation, type Population, type PopulationRow } from '../../evidence/population.js';
import { SAMPLING_ALGORITHM, drawSample } from '../../evidence/sampling.js';
import { terminalSafe } from '../terminal.js';
import { printableText } from '../../printable.js';
import { csvCell } from '../../csv.js';

export interface SampleCommandOptions {
  size?: string;
  seed?: string;
  format: 'text' | 'csv' | 'json';
}

const MAX_SEED = (1n << 64n) - 1n;

export async function sampleCommand(file: string, opts: SampleCommandOptions): Promise<void> {
  const size = parseSize(opts.size);
  const seed = parseSeed(opts.seed);
  const data = readPopulationFile(file);
  let population: Population;
  try {
    population = parsePopulation(data.toString('utf8'));
  } catch (e) {
    if (e instanceof PopulationFormatError) throw new UsageError(`${file}:${e.line}: ${e.message}.`, 'Pass a CSV with a header line and one record per item, such as the population CSV a soc2 run writes.');
    throw e;
  }
  const n = population.rows.length;
  if (n === 0) throw new UsageError(`${file} has a header but no rows: there is nothing to sample.`, 'An empty population has no deviations to find; record it as such.');
  if (size > n) throw new UsageError(`--size ${size} is more than the ${n} row${n === 1 ? '' : 's'} in ${file}.`, 'Test every row of a population this small instead of sampling it.');

  const drawn = drawSample(n, size, seed);
  const drawOf = new Map(drawn.map((row, i) => [row, i + 1]));
  const picked = [...drawn].sort((a, b) => a - b).map((row) => population.rows[row - 1]!);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const params = { file, sha256, rows: n, size, seed: seed.toString() };
  const out = opts.format === 'json' ? asJson(population, picked, drawOf, params) : opts.format === 'csv' ? asCsv(population, picked, drawOf) : asText(population, picked, drawOf, params);
  process.stdout.write(out);
}

interface Params {
  file: string;
  sha256: string;
  rows: number;
  size: number;
  seed: string;
}

function parseSize(raw: string | undefined): number {
  if (raw === undefined) throw new UsageError('--size is required: how many rows to draw.', 'For example: soc2 sample changes.csv --size 25 --seed 20260401');
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) throw new UsageError(`--size ${JSON.stringify(raw)} is not a whole number of rows (1 or more).`, 'For example: --size 25');
  return Number(raw);
}

function parseSeed(raw: string | undefined): bigint {
  if (raw === undefined) {
    throw new UsageError('--seed is required: the same seed and file draw the same rows, so whoever re-draws the sample needs it.', 'Let the auditor choose it (any whole number from 0 to 18446744073709551615) and record it in the workpaper.');
  }
  if (!/^\d+$/.test(raw) || BigInt(raw) > MAX_SEED) throw new UsageError(`--seed ${JSON.stringify(raw)} is not a whole number from 0 to 18446744073709551615.`, 'For example: --seed 20260401');
  return BigInt(raw);
}

/** A population CSV grows with the estate (a row per change): far above any real one, still in memory. */
const MAX_POPULATION_BYTES = 256 * 1024 * 1024;

function readPopulationFile(file: string): Buffer {
  return readInputFile(resolve(process.cwd(), file), {
    display: file, maxBytes: MAX_POPULATION_BYTES, what: 'population CSV',
    remediation: 'Pass the population CSV to sample, for example evidence/github/…-changes.csv from a report directory.',
  });
}

function asText(p: Population, picked: PopulationRow[], drawOf: Map<number, number>, params: Params): string {
  const width = Math.max(...p.columns.map((c) => c.length));
  const lines = [
    `Population: ${terminalSafe(params.file)} — ${params.rows} row${params.rows === 1 ? '' : 's'} after the header (sha256 ${params.sha256})`,
    `Sample: ${params.size} row${params.size === 1 ? '' : 's'}, seed ${params.seed} (${SAMPLING_ALGORITHM})`,
    `Re-draw: soc2 sample ${shellWord(params.file)} --size ${params.size} --seed ${params.seed}`,
  ];
  for (const r of picked) {
    lines.push('', `Row ${r.row} (line ${r.line} of the file; draw ${drawOf.get(r.row)} of ${params.size})`);
    p.columns.forEach((col, i) => {
      // A value's own line breaks are kept, indented under it; everything else unprintable is neutralised.
      const value = printableText((r.values[i] ?? '').replace(/\r?\n/g, '\n')).replace(/\n/g, `\n  ${' '.repeat(width)}  `);
      lines.push(`  ${terminalSafe(col.padEnd(width))}  ${value}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

function asCsv(p: Population, picked: PopulationRow[], drawOf: Map<number, number>): string {
  const lines = [['sample_draw', 'source_row', 'source_line', ...p.columns].map(csvCell).join(',')];
  for (const r of picked) lines.push([String(drawOf.get(r.row)), String(r.row), String(r.line), ...r.values].map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function asJson(p: Population, picked: PopulationRow[], drawOf: Map<number, number>, params: Params): string {
  return `${JSON.stringify(
    {
      population: { file: params.file, sha256: params.sha256, rows: params.rows, columns: p.columns },
      sample: { size: params.size, seed: params.seed, algorithm: SAMPLING_ALGORITHM },
      items: picked.map((r) => ({ draw: drawOf.get(r.row), row: r.row, line: r.line, values: r.values })),
    },
    null,
    2,
  )}\n`;
}

/** The file name as one shell word, for the re-draw line. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9._/@%+=:,-]+$/.test(s) ? s : `'${terminalSafe(s).replace(/'/g, `'\\''`)}'`;
}
