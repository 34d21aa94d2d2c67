/** `soc2 decrypt`: open a bundle encrypted with age, into a new directory, safely. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { decryptBundle, parseIdentities } from '../../evidence/encrypt.js';

export interface DecryptCommandOptions {
  identity: string;
  out: string;
}

export async function decryptCommand(file: string, opts: DecryptCommandOptions): Promise<void> {
  const cwd = process.cwd();
  let text: string;
  try {
    text = readFileSync(resolve(cwd, opts.identity), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read the identity file ${opts.identity}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}.`, 'Pass the file `age-keygen` wrote (it holds a line starting with AGE-SECRET-KEY-1).');
  }
  const identities = parseIdentities(text, opts.identity);
  const r = await decryptBundle({ file: resolve(cwd, file), identities, outDir: resolve(cwd, opts.out), identityOrigin: opts.identity });
  process.stdout.write(
    [
      `Decrypted ${file} into ${opts.out}: ${r.files.length} file${r.files.length === 1 ? '' : 's'}.`,
      `Check them against the run's signed statement with: soc2 verify ${opts.out} --key SIGNER.pub`,
      '',
    ].join('\n'),
  );
}
