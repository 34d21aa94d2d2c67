/** `soc2 decrypt`: open a bundle encrypted with age, into a new directory, safely. */
import { resolve } from 'node:path';
import { readInputText } from '../../input-file.js';
import { decryptBundle, parseIdentities } from '../../evidence/encrypt.js';

/** An identity file holds a few keys and comments; far more is not one. */
const MAX_IDENTITY_BYTES = 64 * 1024;

export interface DecryptCommandOptions {
  identity: string;
  out: string;
}

export async function decryptCommand(file: string, opts: DecryptCommandOptions): Promise<void> {
  const cwd = process.cwd();
  const { text } = readInputText(resolve(cwd, opts.identity), {
    display: opts.identity, maxBytes: MAX_IDENTITY_BYTES, what: 'age identity file',
    remediation: 'Pass the file `age-keygen` wrote (it holds a line starting with AGE-SECRET-KEY-1).',
  });
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
