/** `soc2 verify`: re-hash a report directory against its evidence manifest, offline. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { verifyManifest } from '../../evidence/write.js';
import { UsageError, Soc2Error } from '../../errors.js';

class VerificationFailed extends Soc2Error {
  readonly code = 'SOC2_EVIDENCE_MODIFIED';
  readonly exitCode = 1;
}

export async function verifyCommand(dir: string): Promise<void> {
  const abs = resolve(process.cwd(), dir);
  if (!existsSync(join(abs, 'evidence', 'manifest.json'))) {
    throw new UsageError(`No evidence manifest in ${dir}.`, 'Pass the directory a `soc2 run` wrote (default soc2-report).');
  }
  const problems = verifyManifest(abs);
  if (problems.length) throw new VerificationFailed(`${problems.length} file(s) do not match the manifest:\n${problems.map((p) => '  ' + p).join('\n')}`, 'The evidence was changed after the run; re-run soc2 to produce trustworthy evidence.');
  process.stdout.write(`Every file listed in ${dir}/evidence/manifest.json matches its SHA-256.\n`);
}
