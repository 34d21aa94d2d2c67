/** `soc2 report`: re-render reports from an existing results.json (renderers are pure). */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { resultsSchema } from '../../results.js';
import { renderers } from '../../reports/index.js';
import { UsageError } from '../../errors.js';
import { parseFormats } from './run.js';
import { readJsonInput } from '../../json-input.js';
import { MAX_RESULTS_BYTES } from '../../input-file.js';
import { printableLine } from '../../printable.js';

export async function reportCommand(file: string, opts: { out?: string; format: string }): Promise<void> {
  const abs = resolve(process.cwd(), file);
  const data = readJsonInput(abs, { display: file, maxBytes: MAX_RESULTS_BYTES, what: 'results file', remediation: 'Pass the results.json a `soc2 run` wrote.' });
  const parsed = resultsSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new UsageError(`${file} is not a soc2 results file (${printableLine(`${first.path.join('.')}: ${first.message}`)}).`, 'It may come from another version of soc2; re-run `soc2 run`.');
  }
  const outDir = resolve(process.cwd(), opts.out ?? dirname(abs));
  mkdirSync(outDir, { recursive: true });
  for (const f of parseFormats(opts.format)) {
    const r = renderers[f];
    writeFileSync(join(outDir, r.fileName), r.render(parsed.data));
    process.stdout.write(`Wrote ${printableLine(join(opts.out ?? dirname(file), r.fileName))}\n`);
  }
}
