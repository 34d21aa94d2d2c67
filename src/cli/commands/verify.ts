/** `soc2 verify`: re-hash a report directory against its evidence manifest, offline. */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { verifyManifest } from '../../evidence/write.js';
import { UsageError, Soc2Error } from '../../errors.js';
import { readJsonInput } from '../../json-input.js';
import { InputFileError, MAX_MANIFEST_BYTES } from '../../input-file.js';
import { printableLine } from '../../printable.js';

class VerificationFailed extends Soc2Error {
  readonly code = 'SOC2_EVIDENCE_MODIFIED';
  readonly exitCode = 1;
}

/** A listed path names a file inside the report directory: relative, '/'-separated, never climbing out. */
const insideReport = (p: string) => p !== '' && !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.includes('\\') && !p.includes('\0')
  && p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');

/** The part of the manifest verify relies on; anything else in it is not checked here. */
const manifestSchema = z.object({
  files: z.array(z.object({
    path: z.string().refine(insideReport, 'expected a path inside the report directory'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits'),
    size: z.number().int().nonnegative(),
  })),
});

export async function verifyCommand(dir: string): Promise<void> {
  const abs = resolve(process.cwd(), dir);
  const display = `${dir.replace(/\/+$/, '')}/evidence/manifest.json`;
  let data: unknown;
  try {
    data = readJsonInput(join(abs, 'evidence', 'manifest.json'), { display, maxBytes: MAX_MANIFEST_BYTES, what: 'evidence manifest' });
  } catch (e) {
    if (e instanceof InputFileError && e.problem === 'missing') {
      throw new UsageError(`No evidence manifest in ${dir}.`, 'Pass the directory a `soc2 run` wrote (default soc2-report).');
    }
    if (e instanceof InputFileError) throw new InputFileError(e.problem, e.issue, 'The manifest is damaged or was replaced: re-run soc2 to produce trustworthy evidence.');
    throw e;
  }
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const where = first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new UsageError(`${display} is not a soc2 evidence manifest (${where || 'top level'}: ${first.message}).`, 'The manifest is damaged or was replaced: re-run soc2 to produce trustworthy evidence.');
  }
  const problems = verifyManifest(abs, parsed.data);
  if (problems.length) throw new VerificationFailed(`${problems.length} file(s) do not match the manifest:\n${problems.map((p) => '  ' + printableLine(p)).join('\n')}`, 'The evidence was changed after the run; re-run soc2 to produce trustworthy evidence.');
  process.stdout.write(`Every file listed in ${printableLine(display)} matches its SHA-256.\n`);
}
