/** `soc2 report`: re-render reports from an existing results.json (renderers are pure). */
import { mkdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseResults } from '../../results.js';
import { renderers } from '../../reports/index.js';
import { UsageError } from '../../errors.js';
import { parseFormats } from './run.js';
import { OutputPathError, describeFsError, writeFileAtomic } from '../../fs-safe.js';
import { readJsonDocument } from '../../json-input.js';
import { MAX_RESULTS_BYTES } from '../../input-file.js';
import { printableLine } from '../../printable.js';

export async function reportCommand(file: string, opts: { out?: string; format: string }): Promise<void> {
  const abs = resolve(process.cwd(), file);
  const doc = readJsonDocument(abs, { display: file, maxBytes: MAX_RESULTS_BYTES, what: 'results file', remediation: 'Pass the results.json a `soc2 run` wrote.' });
  // This schema version or the previous one: a report folder from an older soc2 re-renders too.
  const parsed = parseResults(doc.value);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const { line, col } = doc.locate(first.path);
    throw new UsageError(`${file}:${line}:${col} is not a soc2 results file (${printableLine(`${first.path.join('.') || 'top level'}: ${first.message}`)}).`, 'It may come from another version of soc2; re-run `soc2 run`.');
  }
  const formats = parseFormats(opts.format);
  const shown = opts.out ?? dirname(file);
  const outDir = resolve(process.cwd(), shown);
  ensureDirectory(outDir, shown);
  for (const f of formats) {
    const r = renderers[f];
    const target = join(shown, r.fileName);
    try {
      // Atomic, and never through a link planted where a report goes (writeFileAtomic refuses one).
      writeFileAtomic(join(outDir, r.fileName), r.render(parsed.data));
    } catch (e) {
      if (e instanceof OutputPathError) throw e;
      throw new OutputPathError(`Cannot write ${target}: ${describeFsError(e)}.`, 'Choose an --out directory you can write.');
    }
    process.stdout.write(`Wrote ${printableLine(target)}\n`);
  }
}

/** The directory to re-render into exists (made if need be) and is a directory; otherwise exit 2. */
function ensureDirectory(dir: string, shown: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new OutputPathError(`--out ${shown} is a file, not a directory.`, 'Choose an --out directory you can write.');
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new OutputPathError(`Cannot create --out ${shown}: ${describeFsError(e)}.`, 'Choose an --out directory you can write.');
  }
}
